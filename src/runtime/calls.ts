/**
 * Pending calls: correlation id → the caller's promise and its deadline timer.
 * Every call ends exactly once: a reply, an error, a timeout, or its actor's death.
 */
import type { Clock, TimerHandle } from '../clock/index.js';
import { TimeoutError } from '../errors/index.js';

interface Pending {
  resolve(v: unknown): void;
  reject(e: unknown): void;
  timer: TimerHandle | undefined;
}

export class CallTable {
  private next = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly clock: Clock) {}

  get size(): number {
    return this.pending.size;
  }

  /** Open a call to `target`; the promise rejects with TimeoutError after `timeoutMs`. */
  open<R>(target: string, timeoutMs: number): { cid: number; promise: Promise<R> } {
    const cid = this.next++;
    const promise = new Promise<R>((resolve, reject) => {
      const p: Pending = { resolve: resolve as (v: unknown) => void, reject, timer: undefined };
      if (Number.isFinite(timeoutMs)) {
        p.timer = this.clock.setTimeout(() => {
          if (this.pending.delete(cid)) reject(new TimeoutError(`call to ${target} got no reply within ${timeoutMs} ms`));
        }, timeoutMs);
      }
      this.pending.set(cid, p);
    });
    return { cid, promise };
  }

  has(cid: number): boolean {
    return this.pending.has(cid);
  }

  resolve(cid: number, value: unknown): void {
    const p = this.take(cid);
    p?.resolve(value);
  }

  reject(cid: number, err: unknown): void {
    const p = this.take(cid);
    p?.reject(err);
  }

  private take(cid: number): Pending | undefined {
    const p = this.pending.get(cid);
    if (!p) return undefined;
    this.pending.delete(cid);
    this.clock.clearTimeout(p.timer);
    return p;
  }
}
