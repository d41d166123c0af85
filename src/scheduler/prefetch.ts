/**
 * Prefetch in a recorded order (as DeepSpeed ZeRO-Infinity does): once the
 * access order has been seen a full pass, each access names the next `k`
 * chunks to fetch and decode ahead while the caller works. Counts hits (the
 * chunk was already prefetched when accessed), misses, and stall time the
 * hive reports for accesses it had to wait on.
 *
 * The order is shared with the catalog's history (which records accesses);
 * `onAccess` only reads it, so call it before or after the catalog records.
 */
import { ArgumentError } from '../errors/index.js';
import type { AccessOrder } from './access-order.js';

export interface PrefetchOptions {
  /** Chunks fetched ahead. Default 2. */
  readonly depth?: number;
}

export interface PrefetchStats {
  readonly accesses: number;
  readonly hits: number;
  readonly misses: number;
  /** hits / accesses, 0 before any. */
  readonly hitRate: number;
  readonly stallMs: number;
  readonly stalls: number;
  /** Prefetched chunks dropped before use (evicted, cancelled or passed by). */
  readonly wasted: number;
  /** Chunks prefetched and not yet used. */
  readonly outstanding: number;
}

export class Prefetcher {
  private readonly depth: number;
  private readonly order: AccessOrder;
  /** Chunks handed out for prefetch and not yet used. */
  private readonly ahead = new Set<string>();
  private accesses = 0;
  private hits = 0;
  private stallMs = 0;
  private stalls = 0;
  private wasted = 0;

  constructor(order: AccessOrder, options: PrefetchOptions = {}) {
    const depth = options.depth ?? 2;
    if (!Number.isSafeInteger(depth) || depth < 0 || depth > 4096) {
      throw new ArgumentError(`options.depth must be an integer in 0..4096, got ${String(options.depth)}`);
    }
    this.order = order;
    this.depth = depth;
  }

  /**
   * Chunk `id` was just accessed. Returns the chunk ids to fetch ahead now
   * (those not already prefetched), empty until the order is learned.
   */
  onAccess(id: string): string[] {
    this.accesses++;
    if (this.ahead.delete(id)) this.hits++;
    if (!this.order.learned || this.depth === 0) return [];
    const next = this.order.upcoming(this.depth, id);
    // Prefetched chunks no longer in the window were passed by: drop them so
    // the set stays bounded by the depth.
    if (this.ahead.size > 0) {
      const window = new Set(next);
      for (const a of this.ahead) {
        if (!window.has(a)) {
          this.ahead.delete(a);
          this.wasted++;
        }
      }
    }
    const out: string[] = [];
    for (const n of next) {
      if (this.ahead.has(n)) continue;
      this.ahead.add(n);
      out.push(n);
    }
    return out;
  }

  /** A prefetched chunk was evicted or its fetch failed: it no longer counts as ready. */
  cancel(id: string): boolean {
    const had = this.ahead.delete(id);
    if (had) this.wasted++;
    return had;
  }

  /** Whether `id` is prefetched and not yet used. */
  isAhead(id: string): boolean {
    return this.ahead.has(id);
  }

  /** The caller waited `ms` for a chunk. */
  recordStall(ms: number): void {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new ArgumentError(`stall ms must be a non-negative number, got ${String(ms)}`);
    this.stallMs += ms;
    this.stalls++;
  }

  stats(): PrefetchStats {
    return {
      accesses: this.accesses,
      hits: this.hits,
      misses: this.accesses - this.hits,
      hitRate: this.accesses === 0 ? 0 : this.hits / this.accesses,
      stallMs: this.stallMs,
      stalls: this.stalls,
      wasted: this.wasted,
      outstanding: this.ahead.size,
    };
  }
}
