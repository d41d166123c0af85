/**
 * Group commit for fsync: `request()` resolves after an fsync that began after
 * the call, so every write made before the call is durable; callers that
 * arrive while an fsync is running share the next one instead of each paying
 * for their own.
 */
export class Syncer {
  private current: Promise<void> | undefined;
  private next: Promise<void> | undefined;
  private readonly doSync: () => Promise<void>;

  constructor(doSync: () => Promise<void>) {
    this.doSync = doSync;
  }

  request(): Promise<void> {
    if (!this.current) {
      this.current = this.runOnce();
      return this.current;
    }
    this.next ??= this.current
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.request();
      });
    return this.next;
  }

  /** Wait until no fsync is running or queued (errors are the requesters' to see). */
  async settled(): Promise<void> {
    while (this.current || this.next) await (this.next ?? this.current)!.catch(() => undefined);
  }

  private async runOnce(): Promise<void> {
    try {
      await this.doSync();
    } finally {
      this.current = undefined;
    }
  }
}
