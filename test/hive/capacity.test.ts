/**
 * Full and fragmented tiers: a model many times larger than GPU+RAM streams
 * through a write-through GPU tier; copies of GPU chunks are shed from RAM to
 * disk (planned moves of their own), a tier that refuses a blob (no free
 * block of its size) makes room or passes the blob down, and the catalog, the
 * ledger (RAM counted in whole blocks) and the tiers agree.
 */
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../src/clock/index.js';
import { compressTensor, decompressBlobAs } from '../../src/format/compress.js';
import { Hive } from '../../src/hive/index.js';
import type { HiveEvent } from '../../src/hive/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import type { TierKind } from '../../src/tiers/driver.js';
import { tempDir } from '../helpers/tmp.js';
import { gaussian, sameBytes } from './fixtures.js';

const CODECS = ['q8_0', 'q4_0', 'raw', 'q8_0', 'q4_0'] as const;

/** What get() must return: the source (raw) or the codec's own round trip of it. */
function expected(t: Tensor, codec: string): Tensor {
  return codec === 'raw' ? t : decompressBlobAs(compressTensor(t, codec), t.dtype);
}

/** Every tier holds exactly the blobs the catalog lists on it, and the ledger's bytes are the catalog's. */
async function checkTruthful(hive: Hive): Promise<void> {
  const core = hive.debug.core;
  const listed = new Map<TierKind, Set<string>>(core.kinds.map((k) => [k, new Set<string>()]));
  for (const c of core.catalog.chunks()) {
    expect(c.state).toBe('resident');
    expect(c.tier).toBeDefined();
    expect(c.copies).not.toContain(c.tier);
    for (const k of [c.tier!, ...c.copies]) listed.get(k)!.add(core.tierKeyOf(c));
    // The GPU is a cache: a chunk whose main copy is there has a copy on a tier below it.
    if (c.tier === 'gpu') expect(c.copies.filter((k) => k !== 'gpu').length).toBeGreaterThan(0);
  }
  for (const k of core.kinds) {
    const held = (await core.client(k).keys()).filter((key) => key.startsWith('c:')).sort();
    expect(held).toEqual([...listed.get(k)!].sort());
    expect(core.ledger.row(k).bytes).toBe(core.catalog.bytesOn(k));
    expect(core.ledger.row(k).bytes).toBeLessThanOrEqual(core.ledger.capacity(k));
    expect(core.ledger.row(k).footprint).toBeLessThanOrEqual(core.ledger.capacity(k));
  }
  // The RAM tier's blocks are what the ledger counts there: budgets are checked against what RAM really holds.
  if (core.kinds.includes('ram')) expect(core.ledger.row('ram').footprint).toBe((await core.client('ram').stats()).footprintBytes);
}

describe('hive capacity', () => {
  it('streams a model several times larger than GPU+RAM through a write-through GPU tier', async () => {
    const { dir, cleanup } = await tempDir('tensorhive-capacity-');
    const hive = await Hive.start({ dir, workers: false, gpu: 'budget-only', tiers: { gpu: '16MiB', ram: '16MiB', disk: '1GiB' }, chunkSize: '4MiB' });
    try {
      const moves: HiveEvent[] = [];
      hive.on('move', (e) => moves.push(e));
      const want = new Map<string, Tensor>();
      // 30 tensors, 120 MiB of weights (3.75× GPU+RAM); raw ones take 8 MiB RAM blocks, q8_0 2 MiB, q4_0 1 MiB.
      for (let i = 0; i < 30; i++) {
        const codec = CODECS[i % CODECS.length];
        const t = gaussian(100 + i, [1024, 1024]);
        const key = `layer.${i}.${codec}`;
        await hive.put(key, t, { codec });
        want.set(key, expected(t, codec));
      }
      await checkTruthful(hive);
      const chunks = [...hive.debug.core.catalog.chunks()];
      // Copies of GPU chunks were shed from RAM to disk, and chunks live on every tier.
      expect(chunks.some((c) => c.tier === 'gpu' && c.copies.includes('disk'))).toBe(true);
      // ... by the policy's plan (a copy shed is a move of its own), not only by making room.
      expect(moves.some((e) => e.type === 'move' && e.reason.startsWith('copy: ') && e.reason.includes('over high-water'))).toBe(true);
      for (const k of ['gpu', 'ram', 'disk'] as const) expect(chunks.some((c) => c.tier === k)).toBe(true);
      for (const [key, t] of want) expect(sameBytes(await hive.get(key), t)).toBe(true);
      await checkTruthful(hive);
    } finally {
      await hive.stop();
      await cleanup();
    }
  });

  it("puts a GPU chunk's copy on disk when RAM is full of pinned chunks, and serves it after the GPU dies", async () => {
    const { dir, cleanup } = await tempDir('tensorhive-capacity-');
    const hive = await Hive.start({ dir, workers: false, gpu: 'budget-only', tiers: { gpu: '1MiB', ram: '64KiB', disk: '16MiB' }, chunkSize: '8KiB' });
    try {
      const held = gaussian(1, [8, 1024]); // 4 raw chunks of 8 KiB: each takes a 16 KiB RAM block, RAM is full
      await hive.put('held', held, { tier: 'ram', pin: true });
      const hot = gaussian(2, [2, 1024]);
      await hive.put('hot', hot, { tier: 'gpu' });
      const c = hive.debug.core.catalog.tensor('hot')!.chunks[0];
      expect([c.tier, c.copies]).toEqual(['gpu', ['disk']]);
      await checkTruthful(hive);
      const back = hive.debug.restarted('gpu');
      hive.debug.killTier('gpu');
      await back;
      expect(sameBytes(await hive.get('hot'), hot)).toBe(true);
      expect(sameBytes(await hive.get('held'), held)).toBe(true);
      expect(hive.debug.core.catalog.tensor('held')!.chunks.every((h) => h.tier === 'ram')).toBe(true);
    } finally {
      await hive.stop();
      await cleanup();
    }
  });

  it('makes room on a fragmented RAM tier by demoting its least recently read chunk', async () => {
    const { dir, cleanup } = await tempDir('tensorhive-capacity-');
    const clock = new SimulatedClock();
    const hive = await Hive.start({ dir, clock, workers: false, tiers: { ram: '64KiB', disk: '16MiB' }, chunkSize: '8KiB' });
    try {
      const ts = new Map<string, Tensor>();
      // Seven raw 4 KiB chunks, each in an 8 KiB block (56 KiB of blocks: under the 90 % mark) ...
      for (let i = 0; i < 7; i++) {
        ts.set(`a${i}`, gaussian(10 + i, [1, 1024]));
        await hive.put(`a${i}`, ts.get(`a${i}`)!);
      }
      // ... then every other one deleted: half the blocks free, no two of them buddies, no 16 KiB block.
      for (const k of ['a1', 'a3', 'a5']) {
        await hive.delete(k);
        ts.delete(k);
      }
      const core = hive.debug.core;
      expect([...core.catalog.chunks()].every((c) => c.tier === 'ram')).toBe(true);
      expect(core.ledger.row('ram').footprint).toBe(32 * 1024); // the ledger counts whole blocks
      expect((await core.client('ram').stats()).extra!.largestFreeBlock).toBe(8 * 1024);
      // Read all but a4, oldest first: a4 is never read, a0 the least recently read after it.
      for (const k of ['a0', 'a2', 'a6']) {
        clock.advance(10);
        await hive.get(k);
      }
      const moves: HiveEvent[] = [];
      hive.on('move', (e) => moves.push(e));
      const b = gaussian(30, [2, 1024]); // one 8 KiB chunk: a 16 KiB block, 75 % of RAM with it
      await hive.put('b', b);
      expect(core.catalog.tensor('b')!.chunks[0].tier).toBe('ram');
      // a4's block merges with its free buddy (a5's): room for b.
      expect(moves).toEqual([expect.objectContaining({ chunkId: 'a4#0', from: 'ram', to: 'disk' })]);
      await checkTruthful(hive);
      for (const [k, t] of ts) expect(sameBytes(await hive.get(k), t)).toBe(true);
      expect(sameBytes(await hive.get('b'), b)).toBe(true);
    } finally {
      await hive.stop();
      await cleanup();
    }
  });
});
