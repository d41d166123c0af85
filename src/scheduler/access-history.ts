/**
 * Access history: per chunk, how often and how recently it was read (a ring
 * of the latest access times) and when it last moved between tiers; plus the
 * recorded global access order. Policies read it; only the catalog writes it.
 */
import { ArgumentError } from '../errors/index.js';
import { AccessOrder, type AccessOrderOptions } from './access-order.js';

export interface AccessHistoryOptions {
  /** Access times kept per chunk. Default 8. */
  readonly ringSize?: number;
  readonly order?: AccessOrderOptions;
}

interface Entry {
  count: number;
  last: number;
  ring: Float64Array;
  head: number;
  size: number;
  lastMove: number | undefined;
}

export interface AccessHistoryView {
  readonly order: AccessOrder;
  count(id: string): number;
  lastAccess(id: string): number | undefined;
  /** Latest access times, oldest first. */
  recent(id: string): number[];
  lastMove(id: string): number | undefined;
}

export class AccessHistory implements AccessHistoryView {
  readonly order: AccessOrder;
  private readonly ringSize: number;
  private readonly entries = new Map<string, Entry>();

  constructor(options: AccessHistoryOptions = {}) {
    const ring = options.ringSize ?? 8;
    if (!Number.isSafeInteger(ring) || ring < 1 || ring > 1024) {
      throw new ArgumentError(`options.ringSize must be an integer in 1..1024, got ${String(options.ringSize)}`);
    }
    this.ringSize = ring;
    this.order = new AccessOrder(options.order);
  }

  recordAccess(id: string, now: number): void {
    const e = this.entry(id);
    e.count++;
    e.last = now;
    e.ring[e.head] = now;
    e.head = (e.head + 1) % this.ringSize;
    if (e.size < this.ringSize) e.size++;
    this.order.record(id);
  }

  recordMove(id: string, now: number): void {
    this.entry(id).lastMove = now;
  }

  forget(id: string): void {
    this.entries.delete(id);
  }

  count(id: string): number {
    return this.entries.get(id)?.count ?? 0;
  }

  lastAccess(id: string): number | undefined {
    const e = this.entries.get(id);
    return e && e.count > 0 ? e.last : undefined;
  }

  recent(id: string): number[] {
    const e = this.entries.get(id);
    if (!e) return [];
    const out = new Array<number>(e.size);
    const start = (e.head - e.size + this.ringSize) % this.ringSize;
    for (let i = 0; i < e.size; i++) out[i] = e.ring[(start + i) % this.ringSize];
    return out;
  }

  lastMove(id: string): number | undefined {
    return this.entries.get(id)?.lastMove;
  }

  private entry(id: string): Entry {
    let e = this.entries.get(id);
    if (!e) {
      e = { count: 0, last: 0, ring: new Float64Array(this.ringSize), head: 0, size: 0, lastMove: undefined };
      this.entries.set(id, e);
    }
    return e;
  }
}
