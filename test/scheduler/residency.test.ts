import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../src/clock/index.js';
import { ArgumentError } from '../../src/errors/index.js';
import { Catalog, ResidencyError, type ResidencyChange, type TensorSpec } from '../../src/scheduler/index.js';

function spec(chunks = 2, elementsPerChunk = 8): TensorSpec {
  return {
    shape: [chunks, elementsPerChunk],
    dtype: 'F32',
    codec: 'q8_0',
    logicalBytes: chunks * elementsPerChunk * 4,
    chunks: Array.from({ length: chunks }, (_, i) => ({
      index: i,
      elementOffset: i * elementsPerChunk,
      elements: elementsPerChunk,
      blobBytes: 34,
      checksum: 0xdeadbeef + i,
    })),
  };
}

function setup() {
  const clock = new SimulatedClock(0);
  const catalog = new Catalog({ clock });
  const changes: ResidencyChange[] = [];
  catalog.on((c) => changes.push(c));
  catalog.addTensor('w', spec());
  return { clock, catalog, changes, id: 'w#0' };
}

describe('catalog records', () => {
  it('records tensors, chunks with unique ids, all absent', () => {
    const { catalog } = setup();
    const t = catalog.tensor('w')!;
    expect(t.chunks.map((c) => c.id)).toEqual(['w#0', 'w#1']);
    expect(t.chunks[1]).toMatchObject({ key: 'w', index: 1, elementOffset: 8, elements: 8, blobBytes: 34, checksum: 0xdeadbeef + 1, tier: undefined, state: 'absent', leases: 0, pinned: false, copies: [] });
    expect(catalog.keys()).toEqual(['w']);
  });

  it('refuses a bad spec with a message naming the field', () => {
    const { catalog } = setup();
    expect(() => catalog.addTensor('w', spec())).toThrow(/already in the catalog/);
    const gap = spec();
    (gap.chunks as unknown as { elementOffset: number }[])[1].elementOffset = 9;
    expect(() => catalog.addTensor('x', gap)).toThrow(/chunks\[1\]\.elementOffset must be 8/);
    const short = { ...spec(), shape: [3, 8] };
    expect(() => catalog.addTensor('y', short)).toThrow(/cover 16 elements, the shape has 24/);
    const badSum = spec();
    (badSum.chunks as unknown as { checksum: number }[])[0].checksum = 2 ** 32;
    expect(() => catalog.addTensor('z', badSum)).toThrow(ArgumentError);
    expect(() => catalog.addTensor('', spec())).toThrow(/key must be a non-empty string/);
    expect(catalog.keys()).toEqual(['w']);
  });
});

describe('chunk residency machine', () => {
  it('walks absent → loading → resident → moving → resident → evicting → absent and reports each move', () => {
    const { catalog, changes, id, clock } = setup();
    catalog.apply(id, { type: 'LOAD', tier: 'ram' });
    expect(catalog.chunk(id)).toMatchObject({ state: 'loading', target: 'ram', tier: undefined });
    catalog.apply(id, { type: 'LOADED' });
    expect(catalog.chunk(id)).toMatchObject({ state: 'resident', tier: 'ram', target: undefined });
    expect([...catalog.chunksOn('ram')].map((c) => c.id)).toEqual([id]);
    clock.advance(5);
    catalog.apply(id, { type: 'MOVE', to: 'gpu' });
    expect(catalog.chunk(id)).toMatchObject({ state: 'moving', tier: 'ram', target: 'gpu' });
    catalog.apply(id, { type: 'MOVED' });
    expect(catalog.chunk(id)).toMatchObject({ state: 'resident', tier: 'gpu' });
    expect([...catalog.chunksOn('ram')]).toEqual([]);
    expect(catalog.history.lastMove(id)).toBe(5);
    catalog.apply(id, { type: 'EVICT' });
    catalog.apply(id, { type: 'EVICTED' });
    expect(catalog.chunk(id)).toMatchObject({ state: 'absent', tier: undefined });
    expect(changes.map((c) => `${c.event}:${c.from}→${c.to}`)).toEqual([
      'LOAD:absent→loading',
      'LOADED:loading→resident',
      'MOVE:resident→moving',
      'MOVED:moving→resident',
      'EVICT:resident→evicting',
      'EVICTED:evicting→absent',
    ]);
    expect(changes[3]).toMatchObject({ chunkId: id, key: 'w', tier: 'gpu', at: 5 });
  });

  it('refuses loading a chunk twice', () => {
    const { catalog, id, changes } = setup();
    catalog.apply(id, { type: 'LOAD', tier: 'ram' });
    expect(() => catalog.apply(id, { type: 'LOAD', tier: 'gpu' })).toThrow(ResidencyError);
    catalog.apply(id, { type: 'LOADED' });
    const err = (() => {
      try {
        catalog.apply(id, { type: 'LOAD', tier: 'gpu' });
      } catch (e) {
        return e as ResidencyError;
      }
    })();
    expect(err).toBeInstanceOf(ResidencyError);
    expect(err!.code).toBe('ERR_RESIDENCY');
    expect(err!.message).toMatch(/chunk w#0: LOAD refused in state resident/);
    expect(catalog.chunk(id)).toMatchObject({ state: 'resident', tier: 'ram' });
    expect(changes).toHaveLength(2);
  });

  it('never evicts or moves a leased chunk, and allows it again after release', () => {
    const { catalog, id } = setup();
    catalog.apply(id, { type: 'LOAD', tier: 'gpu' });
    catalog.apply(id, { type: 'LOADED' });
    catalog.apply(id, { type: 'LEASE' });
    catalog.apply(id, { type: 'LEASE' });
    expect(catalog.chunk(id)!.leases).toBe(2);
    expect(() => catalog.apply(id, { type: 'EVICT' })).toThrow(/has 2 lease\(s\)/);
    expect(catalog.tryApply(id, { type: 'MOVE', to: 'ram' })).toBe(false);
    catalog.apply(id, { type: 'RELEASE' });
    expect(catalog.can(id, { type: 'EVICT' })).toBe(false);
    catalog.apply(id, { type: 'RELEASE' });
    expect(() => catalog.apply(id, { type: 'RELEASE' })).toThrow(/no lease/);
    expect(catalog.can(id, { type: 'EVICT' })).toBe(true);
    expect(catalog.tryApply(id, { type: 'MOVE', to: 'ram' })).toBe(true);
  });

  it('keeps each chunk\'s state its own', () => {
    const { catalog } = setup();
    for (const id of ['w#0', 'w#1']) {
      catalog.apply(id, { type: 'LOAD', tier: 'ram' });
      catalog.apply(id, { type: 'LOADED' });
    }
    catalog.apply('w#0', { type: 'LEASE' });
    expect(catalog.can('w#0', { type: 'EVICT' })).toBe(false);
    expect(catalog.can('w#1', { type: 'EVICT' })).toBe(true);
    catalog.apply('w#1', { type: 'EVICT' });
    expect(catalog.chunk('w#0')).toMatchObject({ state: 'resident', leases: 1 });
    expect(catalog.chunk('w#1')).toMatchObject({ state: 'evicting', leases: 0 });
  });

  it('never evicts a pinned chunk', () => {
    const { catalog, id } = setup();
    catalog.apply(id, { type: 'LOAD', tier: 'gpu' });
    catalog.apply(id, { type: 'LOADED' });
    catalog.apply(id, { type: 'PIN' });
    expect(() => catalog.apply(id, { type: 'EVICT' })).toThrow(/pinned/);
    expect(catalog.can(id, { type: 'MOVE', to: 'ram' })).toBe(false);
    catalog.apply(id, { type: 'UNPIN' });
    expect(catalog.can(id, { type: 'EVICT' })).toBe(true);
  });

  it('refuses leasing a chunk that is not resident and a move to where it already is', () => {
    const { catalog, id } = setup();
    expect(catalog.tryApply(id, { type: 'LEASE' })).toBe(false);
    catalog.apply(id, { type: 'LOAD', tier: 'ram' });
    expect(catalog.tryApply(id, { type: 'LEASE' })).toBe(false);
    catalog.apply(id, { type: 'LOADED' });
    expect(() => catalog.apply(id, { type: 'MOVE', to: 'ram' })).toThrow(/already on ram/);
  });

  it('failed loads and moves return to where they were', () => {
    const { catalog, id } = setup();
    catalog.apply(id, { type: 'LOAD', tier: 'ram' });
    catalog.apply(id, { type: 'LOAD_FAILED' });
    expect(catalog.chunk(id)).toMatchObject({ state: 'absent', tier: undefined, target: undefined });
    catalog.apply(id, { type: 'LOAD', tier: 'ram' });
    catalog.apply(id, { type: 'LOADED' });
    catalog.apply(id, { type: 'MOVE', to: 'disk' });
    catalog.apply(id, { type: 'MOVE_FAILED' });
    expect(catalog.chunk(id)).toMatchObject({ state: 'resident', tier: 'ram', target: undefined });
  });

  it('tracks copies and the bytes each tier holds', () => {
    const { catalog, id } = setup();
    catalog.apply(id, { type: 'LOAD', tier: 'ram' });
    catalog.apply(id, { type: 'LOADED' });
    catalog.addCopy(id, 'disk');
    expect(() => catalog.addCopy(id, 'ram')).toThrow(/already holds its primary/);
    expect(catalog.bytesOn('ram')).toBe(34);
    expect(catalog.bytesOn('disk')).toBe(34);
    // Moving onto the copy's tier makes it the primary: no longer a copy.
    catalog.apply(id, { type: 'MOVE', to: 'disk' });
    catalog.apply(id, { type: 'MOVED' });
    expect(catalog.chunk(id)!.copies).toEqual([]);
    expect(catalog.bytesOn('disk')).toBe(34);
    expect(catalog.bytesOn('ram')).toBe(0);
  });

  it('removes a tensor only when nothing is leased or in flight', () => {
    const { catalog, id } = setup();
    catalog.apply(id, { type: 'LOAD', tier: 'ram' });
    expect(() => catalog.removeTensor('w')).toThrow(ResidencyError);
    catalog.apply(id, { type: 'LOADED' });
    catalog.apply(id, { type: 'LEASE' });
    expect(() => catalog.removeTensor('w')).toThrow(/lease/);
    catalog.apply(id, { type: 'RELEASE' });
    expect(catalog.removeTensor('w')).toBe(true);
    expect(catalog.chunk(id)).toBeUndefined();
    expect([...catalog.chunksOn('ram')]).toEqual([]);
    expect(catalog.removeTensor('w')).toBe(false);
    expect(() => catalog.apply(id, { type: 'LOAD', tier: 'ram' })).toThrow(/unknown chunk/);
  });
});

describe('access history', () => {
  it('counts accesses, keeps the last times in a ring, and records the global order', () => {
    const clock = new SimulatedClock(0);
    const catalog = new Catalog({ clock, history: { ringSize: 3 } });
    catalog.addTensor('w', spec(2));
    for (let i = 0; i < 5; i++) {
      clock.advance(10);
      catalog.recordAccess('w#0');
      catalog.recordAccess('w#1');
    }
    const h = catalog.history;
    expect(h.count('w#0')).toBe(5);
    expect(h.lastAccess('w#1')).toBe(50);
    expect(h.recent('w#0')).toEqual([30, 40, 50]);
    expect(h.order.learned).toBe(true);
    expect(h.order.cycle).toEqual(['w#0', 'w#1']);
    expect(h.order.passes).toBe(5);
    expect(() => catalog.recordAccess('nope#0')).toThrow(ArgumentError);
  });
});
