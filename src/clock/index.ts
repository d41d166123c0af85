/**
 * Time is injected. Everything that waits, times out or timestamps takes a
 * Clock; tests use SimulatedClock and advance it by hand (no sleeps).
 */
export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
}

/** Real time: performance.now() and the host's timers. */
export class SystemClock implements Clock {
  private readonly timers = new Map<number, ReturnType<typeof setTimeout>>();
  private nextId = 1;

  now(): number {
    return performance.now();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    const t = setTimeout(() => {
      this.timers.delete(id);
      fn();
    }, Math.max(0, ms));
    // Timers must not keep a process alive on their own.
    t.unref?.();
    this.timers.set(id, t);
    return { id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (!handle) return;
    const t = this.timers.get(handle.id);
    if (t !== undefined) {
      clearTimeout(t);
      this.timers.delete(handle.id);
    }
  }
}

interface SimTimer {
  id: number;
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * Simulated time. Time moves only when `advance` or `runAll` is called; timers
 * due at the same instant fire in the order they were set.
 */
export class SimulatedClock implements Clock {
  private time: number;
  private seq = 0;
  private nextId = 1;
  private timers: SimTimer[] = [];

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.push({ id, at: this.time + Math.max(0, ms), seq: this.seq++, fn });
    return { id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (!handle) return;
    this.timers = this.timers.filter((t) => t.id !== handle.id);
  }

  /** Number of timers not yet fired. */
  get pending(): number {
    return this.timers.length;
  }

  /** Time of the earliest pending timer, or undefined. */
  nextDue(): number | undefined {
    let best: number | undefined;
    for (const t of this.timers) if (best === undefined || t.at < best) best = t.at;
    return best;
  }

  /** Move time forward by `ms`, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const target = this.time + Math.max(0, ms);
    for (;;) {
      const next = this.popDue(target);
      if (!next) break;
      this.time = next.at;
      next.fn();
    }
    this.time = target;
  }

  /** Fire the single earliest timer (moving time to it). Returns false if none. */
  step(): boolean {
    const due = this.nextDue();
    if (due === undefined) return false;
    const next = this.popDue(due)!;
    this.time = next.at;
    next.fn();
    return true;
  }

  private popDue(limit: number): SimTimer | undefined {
    let idx = -1;
    for (let i = 0; i < this.timers.length; i++) {
      const t = this.timers[i];
      if (t.at > limit) continue;
      if (idx < 0) idx = i;
      else {
        const b = this.timers[idx];
        if (t.at < b.at || (t.at === b.at && t.seq < b.seq)) idx = i;
      }
    }
    if (idx < 0) return undefined;
    return this.timers.splice(idx, 1)[0];
  }
}
