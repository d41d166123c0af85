/**
 * Pending calls: correlation id → the caller's promise and its deadline timer.
 * Every call ends exactly once: a reply, an error, a timeout, or its actor's death.
 */
import type { Clock, TimerHandle } from '../clock/index.js';
import { TimeoutError } from '../errors/index.js';

interface Pending {
  /** `moved`: the ArrayBuffers the reply moved here (a relay moves them on). */
  resolve(v: unknown, moved?: readonly ArrayBuffer[]): void;
  reject(e: unknown): void;
  timer: TimerHandle | undefined;
}

/** How a relayed call ends: an error, or the value and the buffers it moved. */
export type RelaySettle = (err: unknown, value?: unknown, moved?: readonly ArrayBuffer[]) => void;

export class CallTable {
  private next = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly clock: Clock) {}

  get size(): number {
    return this.pending.size;
  }

  /** Open a call to `target`; the promise rejects with TimeoutError after `timeoutMs`. */
  open<R>(target: string, timeoutMs: number): { cid: number; promise: Promise<R> } {
    let cid = 0;
    const promise = new Promise<R>((resolve, reject) => {
      cid = this.add(target, timeoutMs, resolve as (v: unknown) => void, reject);
    });
    return { cid, promise };
  }

  /**
   * Open a call whose reply is passed on (a worker actor calling another):
   * `settle` also gets the ArrayBuffers the reply moved, so they move on
   * instead of being copied.
   */
  openRelay(target: string, timeoutMs: number, settle: RelaySettle): number {
    return this.add(target, timeoutMs, (v, moved) => settle(undefined, v, moved), (e) => settle(e));
  }

  private add(target: string, timeoutMs: number, resolve: Pending['resolve'], reject: Pending['reject']): number {
    const cid = this.next++;
    const p: Pending = { resolve, reject, timer: undefined };
    if (Number.isFinite(timeoutMs)) {
      p.timer = this.clock.setTimeout(() => {
        if (this.pending.delete(cid)) reject(new TimeoutError(`call to ${target} got no reply within ${timeoutMs} ms`));
      }, timeoutMs);
    }
    this.pending.set(cid, p);
    return cid;
  }

  has(cid: number): boolean {
    return this.pending.has(cid);
  }

  resolve(cid: number, value: unknown, moved?: readonly ArrayBuffer[]): void {
    const p = this.take(cid);
    p?.resolve(value, moved);
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
