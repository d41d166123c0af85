/**
 * Pending calls: correlation id → the caller's promise and its deadline.
 * Every call ends exactly once: a reply, an error, a timeout, or its actor's death.
 *
 * Deadlines share ONE clock timer instead of one timer per call (a timer per
 * call is a closure, a host timer and a cancel on every call). Calls with the
 * same timeout expire in the order they were opened, so each distinct timeout
 * keeps a FIFO of its calls; the timer is armed for the earliest head. A call
 * that ends is only marked; marked heads are dropped as they reach the front.
 * The timer is never cancelled when calls end (a cancel and a new timer per
 * call is what this avoids): it fires, finds nothing due, and re-arms only if
 * calls with deadlines remain. A timeout fires exactly at its deadline (under
 * a SimulatedClock too).
 *
 * Nothing here allocates in the old generation per call (see id-table.ts for
 * why that matters): pending calls sit in an IdTable, not a Map, and a
 * timeout's FIFO that empties is kept until the timer's next sweep instead of
 * being deleted and re-created on every call.
 */
import type { Clock, TimerHandle } from '../clock/index.js';
import { TimeoutError } from '../errors/index.js';
import { IdTable } from './id-table.js';

interface Pending {
  readonly cid: number;
  readonly target: string;
  readonly timeoutMs: number;
  readonly deadline: number;
  /** `moved`: the ArrayBuffers the reply moved here (a relay moves them on). */
  resolve(v: unknown, moved?: readonly ArrayBuffer[]): void;
  reject(e: unknown): void;
  done: boolean;
}

/** How a relayed call ends: an error, or the value and the buffers it moved. */
export type RelaySettle = (err: unknown, value?: unknown, moved?: readonly ArrayBuffer[]) => void;

/** The calls of one timeout value, oldest first (deadlines ascending). */
class Fifo {
  items: Pending[] = [];
  head = 0;

  get first(): Pending | undefined {
    return this.items[this.head];
  }

  shift(): void {
    this.items[this.head++] = undefined as never;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  /** Drop ended calls off the front. */
  trim(): void {
    while (this.head < this.items.length && this.items[this.head].done) this.shift();
  }

  get empty(): boolean {
    return this.head === this.items.length;
  }
}

export class CallTable {
  private next = 1;
  private readonly pending = new IdTable<Pending>();
  private readonly fifos = new Map<number, Fifo>();
  private timer: TimerHandle | undefined;
  /** When the timer fires (valid while `timer` is set). */
  private armedAt = Infinity;
  private readonly sweepTask = (): void => this.sweep();

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
    const finite = Number.isFinite(timeoutMs);
    const deadline = finite ? this.clock.now() + timeoutMs : Infinity;
    const p: Pending = { cid, target, timeoutMs, deadline, resolve, reject, done: false };
    this.pending.set(cid, p);
    if (finite) {
      let q = this.fifos.get(timeoutMs);
      if (!q) {
        q = new Fifo();
        this.fifos.set(timeoutMs, q);
      }
      q.items.push(p);
      if (this.timer === undefined || deadline < this.armedAt) this.arm(deadline);
    }
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
    const p = this.pending.take(cid);
    if (!p) return undefined;
    p.done = true;
    if (p.deadline !== Infinity) {
      // An emptied FIFO stays (the next call with this timeout reuses it); the sweep drops it.
      const q = this.fifos.get(p.timeoutMs);
      if (q !== undefined && q.first === p) q.trim();
    }
    return p;
  }

  private arm(at: number): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.armedAt = at;
    this.timer = this.clock.setTimeout(this.sweepTask, at - this.clock.now());
  }

  /** The timer fired: time out every call past its deadline, re-arm for the earliest left. */
  private sweep(): void {
    this.timer = undefined;
    this.armedAt = Infinity;
    const now = this.clock.now();
    const expired: Pending[] = [];
    let earliest = Infinity;
    for (const [ms, q] of this.fifos) {
      for (let p = q.first; p !== undefined && (p.done || p.deadline <= now); p = q.first) {
        q.shift();
        if (!p.done) {
          p.done = true;
          this.pending.delete(p.cid);
          expired.push(p);
        }
      }
      q.trim();
      const head = q.first;
      if (head === undefined) this.fifos.delete(ms);
      else if (head.deadline < earliest) earliest = head.deadline;
    }
    if (earliest !== Infinity) this.arm(earliest);
    // Settle after the table is consistent: a rejection handler may open new calls.
    for (const p of expired) {
      p.reject(new TimeoutError(`call to ${p.target} got no reply within ${p.timeoutMs} ms`));
    }
  }
}
