/**
 * Runs inline actors: each ready mailbox gets one message per turn. Which
 * ready mailbox goes next is FIFO (round robin) in normal runs, or chosen by a
 * seeded Rng in simulation — the same seed gives the same interleaving.
 * After a budget of turns it yields to the event loop so I/O is not starved.
 */
import type { Rng } from '../random/rng.js';

export interface Runnable {
  /** Set by the dispatcher while queued. */
  queued: boolean;
  /** Process at most one message; re-schedule itself when more are waiting. */
  runOne(): void;
}

const TURN_BUDGET = 1024;

export class Dispatcher {
  private ready: Runnable[] = [];
  private head = 0;
  private scheduled = false;
  private inflight = 0;

  constructor(private readonly rng?: Rng) {}

  schedule(r: Runnable): void {
    if (r.queued) return;
    r.queued = true;
    this.ready.push(r);
    this.kick();
  }

  /** Whether anything is ready to run. */
  get idle(): boolean {
    return this.ready.length - this.head === 0;
  }

  /** Busy async receives (counted by hosts, so simulations can tell idle from waiting). */
  get busy(): number {
    return this.inflight;
  }

  enter(): void {
    this.inflight++;
  }

  leave(): void {
    this.inflight--;
  }

  private kick(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.drain());
  }

  private drain(): void {
    this.scheduled = false;
    let budget = TURN_BUDGET;
    while (this.ready.length - this.head > 0) {
      if (budget-- === 0) {
        this.scheduled = true;
        setImmediate(() => this.drain());
        return;
      }
      this.take().runOne();
    }
  }

  private take(): Runnable {
    let r: Runnable;
    if (this.rng) {
      const n = this.ready.length;
      const i = this.rng.int(n);
      r = this.ready[i];
      this.ready[i] = this.ready[n - 1];
      this.ready.pop();
    } else {
      r = this.ready[this.head++];
      if (this.head > 1024 && this.head * 2 > this.ready.length) {
        this.ready = this.ready.slice(this.head);
        this.head = 0;
      }
    }
    r.queued = false;
    return r;
  }
}
