import { describe, expect, it } from 'vitest';
import { AccessOrder, Prefetcher } from '../../src/scheduler/index.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`);

describe('AccessOrder', () => {
  it('learns a cycle when its first chunk comes round again, then follows it', () => {
    const o = new AccessOrder();
    for (const id of ids(5)) o.record(id);
    expect(o.learned).toBe(false);
    o.record('c0');
    expect(o.learned).toBe(true);
    expect(o.cycle).toEqual(ids(5));
    expect(o.cursor).toBe(0);
    expect(o.nextUseDistance('c0')).toBe(5);
    expect(o.nextUseDistance('c1')).toBe(1);
    expect(o.nextUseDistance('c4')).toBe(4);
    expect(o.nextUseDistance('zz')).toBe(Infinity);
    expect(o.upcoming(3)).toEqual(['c1', 'c2', 'c3']);
    expect(o.upcoming(10)).toEqual(['c1', 'c2', 'c3', 'c4', 'c0']);
    o.record('c1');
    o.record('c3'); // skipped c2: off order, cursor jumps
    expect(o.offOrder).toBe(1);
    expect(o.cursor).toBe(3);
    expect(o.upcoming(2, 'c4')).toEqual(['c0', 'c1']);
  });

  it('handles a chunk read twice per pass, with an explicit end of pass', () => {
    const o = new AccessOrder({ autoDetect: false });
    for (const id of ['e', 'a', 'b', 'e', 'c']) o.record(id);
    expect(o.finishCycle()).toBe(true);
    expect(o.cursor).toBe(4);
    expect(o.nextUseDistance('e')).toBe(1);
    o.record('e');
    expect(o.nextUseDistance('e')).toBe(3);
    o.record('a');
    o.record('b');
    o.record('e');
    expect(o.cursor).toBe(3);
    expect(o.nextUseDistance('e')).toBe(2);
    expect(o.offOrder).toBe(0);
  });

  it('forgets a stream longer than maxLength instead of growing without bound', () => {
    const o = new AccessOrder({ maxLength: 4 });
    for (const id of ids(10)) o.record(id);
    expect(o.learned).toBe(false);
    expect(() => new AccessOrder({ maxLength: 0 })).toThrow(/options.maxLength/);
  });
});

describe('Prefetcher', () => {
  it('prefetches nothing before a full pass, then the next k chunks; counts hits and misses', () => {
    const order = new AccessOrder();
    const p = new Prefetcher(order, { depth: 2 });
    const cycle = ids(6);
    const fetched: string[][] = [];
    const access = (id: string) => {
      order.record(id);
      fetched.push(p.onAccess(id));
    };
    for (const id of cycle) access(id);
    expect(fetched.every((f) => f.length === 0)).toBe(true);
    expect(p.stats()).toMatchObject({ accesses: 6, hits: 0, misses: 6 });
    access('c0'); // the order is now known
    expect(fetched.at(-1)).toEqual(['c1', 'c2']);
    access('c1');
    expect(fetched.at(-1)).toEqual(['c3']); // c2 is already ahead
    for (const id of cycle.slice(2)) access(id);
    // Second pass: c0 missed (the order was learned on it), c1..c5 hit.
    expect(p.stats()).toMatchObject({ accesses: 12, hits: 5, misses: 7, outstanding: 2 });
    for (const id of cycle) access(id);
    expect(p.stats()).toMatchObject({ accesses: 18, hits: 11, misses: 7, wasted: 0 });
    expect(p.stats().hitRate).toBeCloseTo(11 / 18);
  });

  it('counts a cancelled prefetch as wasted and its access as a miss', () => {
    const order = new AccessOrder();
    const p = new Prefetcher(order, { depth: 1 });
    for (const id of [...ids(3), 'c0']) {
      order.record(id);
      p.onAccess(id);
    }
    expect(p.isAhead('c1')).toBe(true);
    expect(p.cancel('c1')).toBe(true);
    order.record('c1');
    p.onAccess('c1');
    expect(p.stats()).toMatchObject({ hits: 0, wasted: 1 });
    // Jumping off the order drops what was prefetched for the old position.
    expect(p.isAhead('c2')).toBe(true);
    order.record('c0');
    p.onAccess('c0');
    expect(p.isAhead('c2')).toBe(false);
    expect(p.isAhead('c1')).toBe(true);
    expect(p.stats().wasted).toBe(2);
  });

  it('adds up stall time the hive reports', () => {
    const p = new Prefetcher(new AccessOrder());
    p.recordStall(3.5);
    p.recordStall(0);
    expect(p.stats()).toMatchObject({ stallMs: 3.5, stalls: 2 });
    expect(() => p.recordStall(-1)).toThrow(/stall ms/);
    expect(() => p.recordStall(NaN)).toThrow(/stall ms/);
    expect(() => new Prefetcher(new AccessOrder(), { depth: -1 })).toThrow(/options.depth/);
  });
});
