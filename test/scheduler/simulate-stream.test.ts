import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors/index.js';
import { Rng } from '../../src/random/rng.js';
import { simulateStream } from '../../src/scheduler/index.js';

describe('simulateStream: nextUse vs LRU on a cyclic order', () => {
  it('LRU gets 0 hits when the cache is smaller than the cycle; nextUse keeps capacity/size resident', () => {
    const chunkBytes = new Array<number>(100).fill(1 << 20);
    const r = simulateStream({ chunkBytes, capacityBytes: 25 << 20, repeats: 10 });
    expect(r.accesses).toBe(1000);
    expect(r.lru.hits).toBe(0);
    expect(r.lru.hitRate).toBe(0);
    expect(r.nextUse.hits).toBeGreaterThan(0);
    // 25 of 100 chunks stay resident: 25 hits per pass after the first.
    expect(r.nextUse.steadyHitRate).toBeCloseTo(0.25, 2);
    expect(r.nextUse.hits).toBe(25 * 9);
    expect(r.nextUse.hitBytes).toBe(25 * 9 * (1 << 20));
  });

  it('both hit everything once the cycle fits', () => {
    const r = simulateStream({ chunkBytes: [10, 20, 30], capacityBytes: 60, repeats: 4 });
    expect(r.lru.hits).toBe(9);
    expect(r.nextUse.hits).toBe(9);
    expect(r.nextUse.steadyHitRate).toBe(1);
  });

  it('nextUse is never worse than LRU on random orders with repeats (equal sizes: Belady is optimal)', () => {
    const rng = new Rng(5);
    for (let trial = 0; trial < 30; trial++) {
      const n = 5 + rng.int(40);
      const size = 1 + rng.int(100);
      const chunkBytes = new Array<number>(n).fill(size);
      const order = Array.from({ length: n + rng.int(n) }, (_, i) => (i < n ? i : rng.int(n)));
      const r = simulateStream({ chunkBytes, order, capacityBytes: rng.int(n) * size, repeats: 5 });
      expect(r.nextUse.hits + r.nextUse.misses).toBe(order.length * 5);
      expect(r.lru.hits + r.lru.misses).toBe(order.length * 5);
      expect(r.nextUse.hits).toBeGreaterThanOrEqual(r.lru.hits);
    }
  });

  it('keeps its byte budget with mixed chunk sizes', () => {
    const rng = new Rng(9);
    const chunkBytes = Array.from({ length: 50 }, () => 1 + rng.int(100));
    const total = chunkBytes.reduce((a, b) => a + b, 0);
    const r = simulateStream({ chunkBytes, capacityBytes: Math.floor(total / 3), repeats: 6 });
    expect(r.lru.hits).toBe(0);
    // Resident bytes never pass the capacity, so a pass's hit bytes cannot either.
    expect(r.nextUse.hitBytes / 5).toBeLessThanOrEqual(Math.floor(total / 3));
    expect(r.nextUse.hitBytes).toBeGreaterThan(0);
  });

  it('rejects bad input naming it', () => {
    expect(() => simulateStream({ chunkBytes: [], capacityBytes: 1, repeats: 1 })).toThrow(/chunkBytes must be a non-empty array/);
    expect(() => simulateStream({ chunkBytes: [1, -1], capacityBytes: 1, repeats: 1 })).toThrow(/chunkBytes\[1\]/);
    expect(() => simulateStream({ chunkBytes: [1], capacityBytes: 1, repeats: 0 })).toThrow(/repeats/);
    expect(() => simulateStream({ chunkBytes: [1], order: [1], capacityBytes: 1, repeats: 1 })).toThrow(/order\[0\] must be a chunk index in 0..0/);
    expect(() => simulateStream({ chunkBytes: [1], capacityBytes: 1, repeats: 1e9 })).toThrow(ArgumentError);
  });
});
