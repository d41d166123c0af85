/**
 * A streaming simulation: chunks read in a cyclic order, R times, through a
 * byte-capacity cache, under two eviction rules side by side:
 *
 * - LRU: admit every miss, evict least recently used until it fits.
 * - nextUse: the first pass is learned into an AccessOrder (the same class
 *   the nextUse policy reads); after that, on a miss the chunk whose next use
 *   is farthest away is evicted — and the incoming chunk is not admitted when
 *   it is itself the one needed last (Belady with bypass). Before the order
 *   is learned it behaves as LRU.
 *
 * The REFERENCE.md fact: on a cycle larger than the cache, LRU evicts exactly
 * what comes next and hits ~0%; nextUse keeps about capacity/size of the
 * cycle resident. Prints nothing; returns numbers.
 */
import { ArgumentError } from '../errors/index.js';
import { AccessOrder } from './access-order.js';

export interface StreamSimulationInput {
  /** Bytes of each chunk; chunk i is named by its index. */
  readonly chunkBytes: readonly number[];
  readonly capacityBytes: number;
  /** One pass, as chunk indices. Default: 0, 1, …, n−1. */
  readonly order?: readonly number[];
  /** Passes over the order. */
  readonly repeats: number;
}

export interface HitCounts {
  readonly hits: number;
  readonly misses: number;
  readonly hitRate: number;
  /** Over passes after the first (the cache is cold and the order unknown in the first). */
  readonly steadyHitRate: number;
  readonly hitBytes: number;
}

export interface StreamSimulationResult {
  readonly accesses: number;
  readonly totalBytes: number;
  readonly capacityBytes: number;
  readonly lru: HitCounts;
  readonly nextUse: HitCounts;
}

const MAX_ACCESSES = 50_000_000;

export function simulateStream(input: StreamSimulationInput): StreamSimulationResult {
  const sizes = input.chunkBytes;
  if (!Array.isArray(sizes) || sizes.length === 0) throw new ArgumentError('chunkBytes must be a non-empty array');
  sizes.forEach((b, i) => {
    if (!Number.isSafeInteger(b) || b < 0) throw new ArgumentError(`chunkBytes[${i}] must be a non-negative integer, got ${String(b)}`);
  });
  const cap = input.capacityBytes;
  if (!Number.isSafeInteger(cap) || cap < 0) throw new ArgumentError(`capacityBytes must be a non-negative integer, got ${String(cap)}`);
  const order = input.order ?? sizes.map((_, i) => i);
  if (!Array.isArray(order) || order.length === 0) throw new ArgumentError('order must be a non-empty array of chunk indices');
  order.forEach((c, i) => {
    if (!Number.isSafeInteger(c) || c < 0 || c >= sizes.length) throw new ArgumentError(`order[${i}] must be a chunk index in 0..${sizes.length - 1}, got ${String(c)}`);
  });
  const R = input.repeats;
  if (!Number.isSafeInteger(R) || R < 1) throw new ArgumentError(`repeats must be a positive integer, got ${String(R)}`);
  if (order.length * R > MAX_ACCESSES) throw new ArgumentError(`order.length × repeats must be at most ${MAX_ACCESSES}, got ${order.length * R}`);

  const lru = new Counter(order.length);
  const nu = new Counter(order.length);
  const lruCache = new LruCache(sizes, cap);
  // nextUse: LRU during the learning pass, then a resident map (chunk → its
  // next-use time) with a max-heap over those times (stale entries skipped).
  const learnCache = new LruCache(sizes, cap);
  const learn = new AccessOrder({ autoDetect: false, maxLength: order.length });
  const resident = new Map<number, number>();
  const heap = new MaxHeap();
  let used = 0;
  let learned = false;
  const gap = cycleGaps(order);
  let t = 0;

  for (let r = 0; r < R; r++) {
    for (let p = 0; p < order.length; p++, t++) {
      const c = order[p];
      const b = sizes[c];
      lru.count(t, b, lruCache.access(c));
      if (!learned) {
        learn.record(String(c));
        nu.count(t, b, learnCache.access(c));
        if (p === order.length - 1) {
          learned = learn.finishCycle();
          for (const k of learnCache.keys()) {
            const at = t + learn.nextUseDistance(String(k));
            resident.set(k, at);
            heap.push(at, k);
            used += sizes[k];
          }
        }
        continue;
      }
      const next = t + gap[p];
      if (resident.has(c)) {
        nu.count(t, b, true);
        resident.set(c, next);
        heap.push(next, c);
        continue;
      }
      nu.count(t, b, false);
      if (b > cap) continue;
      // Evict the farthest next uses while they are farther than ours; if
      // that cannot make room, ours is the one needed last: bypass.
      const taken: { at: number; chunk: number }[] = [];
      let freed = 0;
      while (used - freed + b > cap) {
        const top = popLive(heap, resident);
        if (top === undefined) break;
        taken.push(top);
        if (top.at <= next) break;
        freed += sizes[top.chunk];
      }
      if (used - freed + b <= cap) {
        for (const e of taken) resident.delete(e.chunk);
        used += b - freed;
        resident.set(c, next);
        heap.push(next, c);
      } else {
        for (const e of taken) heap.push(e.at, e.chunk);
      }
    }
  }
  const totalBytes = sizes.reduce((a, b) => a + b, 0);
  return { accesses: t, totalBytes, capacityBytes: cap, lru: lru.result(), nextUse: nu.result() };
}

/** For each position of one pass, the distance to the next access of the same chunk (cyclically). */
function cycleGaps(order: readonly number[]): Int32Array {
  const n = order.length;
  const gap = new Int32Array(n);
  const nextAt = new Map<number, number>();
  // Walk the pass twice backwards so every position sees its cyclic successor.
  for (let i = 2 * n - 1; i >= 0; i--) {
    const c = order[i % n];
    const at = nextAt.get(c);
    if (i < n) gap[i] = at === undefined ? n : at - i;
    nextAt.set(c, i);
  }
  return gap;
}

/** LRU by bytes: admit every miss that fits, evict least recently used first. */
class LruCache {
  private readonly map = new Map<number, true>();
  private used = 0;
  constructor(
    private readonly sizes: readonly number[],
    private readonly cap: number,
  ) {}
  /** Returns whether it was a hit. */
  access(c: number): boolean {
    if (this.map.delete(c)) {
      this.map.set(c, true);
      return true;
    }
    const b = this.sizes[c];
    if (b > this.cap) return false;
    for (const victim of this.map.keys()) {
      if (this.used + b <= this.cap) break;
      this.map.delete(victim);
      this.used -= this.sizes[victim];
    }
    this.map.set(c, true);
    this.used += b;
    return false;
  }
  keys(): IterableIterator<number> {
    return this.map.keys();
  }
}

class Counter {
  hits = 0;
  misses = 0;
  hitBytes = 0;
  private steadyHits = 0;
  private steadyAccesses = 0;
  constructor(private readonly pass: number) {}
  count(t: number, bytes: number, hit: boolean): void {
    if (hit) {
      this.hits++;
      this.hitBytes += bytes;
    } else this.misses++;
    if (t >= this.pass) {
      this.steadyAccesses++;
      if (hit) this.steadyHits++;
    }
  }
  result(): HitCounts {
    const n = this.hits + this.misses;
    return {
      hits: this.hits,
      misses: this.misses,
      hitRate: n === 0 ? 0 : this.hits / n,
      steadyHitRate: this.steadyAccesses === 0 ? 0 : this.steadyHits / this.steadyAccesses,
      hitBytes: this.hitBytes,
    };
  }
}

function popLive(heap: MaxHeap, resident: Map<number, number>): { at: number; chunk: number } | undefined {
  for (;;) {
    const top = heap.pop();
    if (top === undefined) return undefined;
    if (resident.get(top.chunk) === top.at) return top;
  }
}

/** A binary max-heap of (time, chunk) pairs. */
class MaxHeap {
  private at: number[] = [];
  private chunk: number[] = [];
  push(at: number, chunk: number): void {
    let i = this.at.length;
    this.at.push(at);
    this.chunk.push(chunk);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.at[parent] >= at) break;
      this.at[i] = this.at[parent];
      this.chunk[i] = this.chunk[parent];
      i = parent;
    }
    this.at[i] = at;
    this.chunk[i] = chunk;
  }
  pop(): { at: number; chunk: number } | undefined {
    const n = this.at.length;
    if (n === 0) return undefined;
    const top = { at: this.at[0], chunk: this.chunk[0] };
    const lastAt = this.at.pop()!;
    const lastChunk = this.chunk.pop()!;
    if (n > 1) {
      let i = 0;
      const m = n - 1;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= m) break;
        const r = l + 1;
        const c = r < m && this.at[r] > this.at[l] ? r : l;
        if (this.at[c] <= lastAt) break;
        this.at[i] = this.at[c];
        this.chunk[i] = this.chunk[c];
        i = c;
      }
      this.at[i] = lastAt;
      this.chunk[i] = lastChunk;
    }
    return top;
  }
}
