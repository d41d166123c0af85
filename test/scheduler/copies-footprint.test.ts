/**
 * The planner sheds copies as moves of their own (copies first: reads use the
 * main copy) and counts every chunk at its footprint on a tier — the RAM
 * tier's power-of-two blocks — so rounding never lets a plan or a placement
 * overshoot a budget. Simulated clock: recency decides which go first.
 */
import { describe, expect, it } from 'vitest';
import type { TierKind } from '../../src/tiers/driver.js';
import { keepOnGpu, offloadToDisk, smart, type Footprint } from '../../src/scheduler/index.js';
import { World } from './fixtures.js';

/** RAM stores a blob in a power-of-two block of at least 4 KiB with a 64-byte header; other tiers cost the blob. */
const ramBlocks: Footprint = (tier, c) => (tier === 'ram' ? Math.max(4096, 2 ** Math.ceil(Math.log2(c.blobBytes + 64))) : c.blobBytes);

function gpuRamDisk(footprint?: Footprint): World {
  return new World(
    [
      { kind: 'gpu', capacityBytes: 1000 },
      { kind: 'ram', capacityBytes: 1000 },
      { kind: 'disk', capacityBytes: 100_000 },
    ],
    footprint,
  );
}

describe('copy sheds are planned moves', () => {
  it('sheds copies before main copies, the least recently read copy first, down to the low mark', () => {
    const w = gpuRamDisk();
    const prim = w.addChunks('r', 6, 100, 'ram'); // never read: the coldest main copies
    const gpu = w.addChunks('g', 4, 100, 'gpu');
    for (const id of gpu) w.addCopy(id, 'ram'); // ram 1000 / 1000
    for (const id of [gpu[2], gpu[0], gpu[3], gpu[1]]) {
      w.clock.advance(10);
      w.access(id);
    }
    const moves = offloadToDisk(0.9).plan(w.view());
    expect(moves.map((m) => [m.chunkId, m.from, m.to, m.copy, m.bytes, m.bytesInto])).toEqual([
      ['g2#0', 'ram', 'disk', true, 100, 100],
      ['g0#0', 'ram', 'disk', true, 100, 100],
      ['g3#0', 'ram', 'disk', true, 100, 100],
    ]);
    expect(moves[0].reason).toMatch(/ram at 100% over high-water 90%/);
    w.execute(moves);
    expect(w.used.get('ram')).toBe(700);
    // The main copies stayed where they were; the shed copies now live on disk.
    for (const id of gpu) expect(w.tierOf(id)).toBe('gpu');
    expect(w.catalog.chunk(gpu[2])!.copies).toEqual(['disk']);
    expect(w.catalog.chunk(gpu[1])!.copies).toEqual(['ram']);
    for (const id of prim) expect(w.tierOf(id)).toBe('ram');
  });

  it('a copy whose chunk is already on the tier below lands nothing there; pinned and leased chunks keep theirs', () => {
    const w = new World([
      { kind: 'gpu', capacityBytes: 2000 },
      { kind: 'ram', capacityBytes: 1000 },
      { kind: 'disk', capacityBytes: 100_000 },
    ]);
    const gpu = w.addChunks('g', 10, 100, 'gpu'); // gpu 50 %
    for (const id of gpu) w.addCopy(id, 'ram'); // ram 100 %
    w.addCopy(gpu[0], 'disk');
    w.catalog.apply(gpu[1], { type: 'PIN' });
    w.catalog.apply(gpu[2], { type: 'LEASE' });
    for (const id of gpu.slice(3)) {
      w.clock.advance(10);
      w.access(id);
    }
    const moves = offloadToDisk(0.9).plan(w.view());
    const copies = moves.filter((m) => m.copy);
    expect(copies.map((m) => m.chunkId)).toEqual(['g0#0', 'g3#0', 'g4#0']); // never read first, then least recent
    expect(copies[0].bytesInto).toBe(0);
    expect(moves.some((m) => m.chunkId === gpu[1] || m.chunkId === gpu[2])).toBe(false);
    w.execute(moves);
    expect(w.used.get('ram')!).toBeLessThanOrEqual(750);
  });

  it('never moves a chunk twice in one plan: a chunk whose copy is shed keeps its main copy where it is', () => {
    const w = gpuRamDisk();
    const gpu = w.addChunks('g', 10, 100, 'gpu'); // gpu over its mark: main copies go to ram
    for (const id of gpu.slice(0, 9)) w.addCopy(id, 'ram'); // ram over its mark: copies go to disk
    const moves = keepOnGpu().plan(w.view());
    const ids = moves.map((m) => m.chunkId);
    expect(new Set(ids).size).toBe(ids.length);
    w.execute(moves); // throws on an overfilled step or a move that does not apply
    expect(w.used.get('gpu')!).toBeLessThanOrEqual(750);
    expect(w.used.get('ram')!).toBeLessThanOrEqual(1000);
  });
});

describe('footprints (RAM blocks)', () => {
  it('places by what a chunk costs on the tier: a 4100-byte blob takes an 8 KiB RAM block', () => {
    const kinds: TierKind[] = ['ram', 'disk'];
    const make = (fp?: Footprint): World => new World(kinds.map((kind, i) => ({ kind, capacityBytes: i === 0 ? 64 * 1024 : 1 << 20 })), fp);
    const blocks = make(ramBlocks);
    const plain = make();
    blocks.addChunks('a', 6, 4100, 'ram');
    plain.addChunks('a', 6, 4100, 'ram');
    expect(blocks.used.get('ram')).toBe(6 * 8192); // 75 % of RAM in blocks, 37.5 % in blob bytes
    expect(plain.used.get('ram')).toBe(6 * 4100);
    // A 7th block makes 87.5 %: under the mark; an 8th would make 100 %.
    expect(smart().place({ blobBytes: 4100 }, blocks.view())).toBe('ram');
    blocks.addChunks('b', 1, 4100, 'ram');
    plain.addChunks('b', 1, 4100, 'ram');
    expect(smart().place({ blobBytes: 4100 }, blocks.view())).toBe('disk');
    expect(smart().place({ blobBytes: 4100 }, plain.view())).toBe('ram'); // blob bytes alone would overshoot
  });

  it('sheds by footprint down to the low mark, and every move carries the bytes it frees and fills', () => {
    const w = new World([{ kind: 'ram', capacityBytes: 64 * 1024 }, { kind: 'disk', capacityBytes: 1 << 20 }], ramBlocks);
    const ids = w.addChunks('a', 8, 4100, 'ram'); // 8 blocks of 8 KiB: 100 % (50 % in blob bytes)
    for (const id of ids) {
      w.clock.advance(10);
      w.access(id);
    }
    const moves = offloadToDisk(0.9, { hysteresis: 0.15 }).plan(w.view());
    expect(moves.map((m) => [m.chunkId, m.bytes, m.bytesInto])).toEqual([
      ['a0#0', 8192, 4100],
      ['a1#0', 8192, 4100],
    ]);
    w.execute(moves); // checks each move's bytes against the footprint
    expect(w.used.get('ram')).toBe(6 * 8192); // 75 %: the low mark, in blocks
  });

  it('a promotion into RAM is counted at its block too: it never fills RAM past the low mark', () => {
    const w = new World([{ kind: 'ram', capacityBytes: 64 * 1024 }, { kind: 'disk', capacityBytes: 1 << 20 }], ramBlocks);
    w.addChunks('r', 4, 4100, 'ram'); // 32 KiB of blocks: 50 %
    const down = w.addChunks('d', 6, 4100, 'disk');
    for (const id of down) {
      w.clock.advance(10);
      w.access(id);
    }
    w.clock.advance(5000);
    const moves = offloadToDisk(0.9, { promote: true }).plan(w.view());
    // Room below the 75 % low mark for two 8 KiB blocks (blob bytes would have let six through).
    expect(moves.map((m) => [m.chunkId, m.kind, m.bytesInto])).toEqual([
      ['d5#0', 'promote', 8192],
      ['d4#0', 'promote', 8192],
    ]);
    w.execute(moves);
    expect(w.used.get('ram')).toBe(48 * 1024);
  });
});
