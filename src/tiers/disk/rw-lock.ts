/**
 * A first-come-first-served readers/writer lock for async work: gets share it,
 * puts, deletes, compaction and stop take it alone. A writer waiting blocks
 * readers that arrive after it, so writers never starve.
 */
interface Waiter {
  exclusive: boolean;
  grant: () => void;
}

export class RwLock {
  private readers = 0;
  private writer = false;
  private readonly queue: Waiter[] = [];

  async shared<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire(false);
    try {
      return await fn();
    } finally {
      this.readers--;
      this.pump();
    }
  }

  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire(true);
    try {
      return await fn();
    } finally {
      this.writer = false;
      this.pump();
    }
  }

  private acquire(exclusive: boolean): Promise<void> {
    return new Promise((resolve) => {
      this.queue.push({ exclusive, grant: resolve });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.writer) {
      const head = this.queue[0];
      if (head.exclusive) {
        if (this.readers > 0) return;
        this.queue.shift();
        this.writer = true;
        head.grant();
        return;
      }
      this.queue.shift();
      this.readers++;
      head.grant();
    }
  }
}
