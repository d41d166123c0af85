/**
 * The hive facade with inline tier actors (same behaviour as worker threads,
 * without their start-up cost): round trips, streaming, placement under small
 * budgets, leases, integrity, bad input.
 */
import { describe, expect, it } from 'vitest';
import { ArgumentError, CapacityError, IntegrityError, TensorhiveError } from '../../src/errors/index.js';
import { Hive } from '../../src/hive/index.js';
import type { HiveEvent } from '../../src/hive/index.js';
import { offloadToDisk } from '../../src/scheduler/index.js';
import { sqnrDb } from '../../src/tensor/stats.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { gaussian, hiveStarter, sameBytes } from './fixtures.js';

const KiB = 1024;
const start = hiveStarter('tensorhive-hive-', { workers: false });

describe('hive put/get', () => {
  it('round-trips raw and lossless codecs bit-exactly for several dtypes', async () => {
    const hive = await start({ tiers: { ram: '4MiB' } });
    const cases: Array<[string, Tensor]> = [
      ['raw', gaussian(1, [16, 64], 'F32')],
      ['raw', gaussian(2, [300], 'BF16')],
      ['raw', new Tensor('I32', [5, 3], new Int32Array([1, -2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, -15]))],
      ['byteplane', gaussian(3, [32, 32], 'F16')],
      ['zerorun', new Tensor('F32', [1024], new Float32Array(1024).fill(0).map((_, i) => (i % 7 === 0 ? i : 0)))],
      ['f16', gaussian(4, [8, 8], 'F16')],
    ];
    for (const [i, [codec, t]] of cases.entries()) {
      await hive.put(`t${i}`, t, { codec });
      expect(sameBytes(await hive.get(`t${i}`), t), `${codec} ${t.dtype}`).toBe(true);
    }
    expect(hive.keys().sort()).toEqual(cases.map((_, i) => `t${i}`).sort());
  });

  it('round-trips lossy codecs within their SQNR and in the source dtype', async () => {
    const hive = await start({ tiers: { ram: '4MiB' } });
    const t = gaussian(5, [64, 256]);
    for (const [codec, floor] of [['q8_0', 40], ['q4_0', 19], ['q4_k', 20], ['nf4', 18], ['int8', 38]] as const) {
      await hive.put(codec, t, { codec });
      const back = (await hive.get(codec))!;
      expect(back.dtype).toBe('F32');
      expect(back.shape).toEqual([64, 256]);
      expect(sqnrDb(t.toF32(), back.toF32()), codec).toBeGreaterThan(floor);
    }
    const half = gaussian(6, [32, 64], 'F16');
    await hive.put('half', half, { codec: 'q8_0' });
    expect((await hive.get('half'))!.dtype).toBe('F16');
  });

  it('streams a tensor larger than a chunk in chunks that load on their own', async () => {
    const hive = await start({ tiers: { ram: '4MiB' }, chunkSize: '16KiB' });
    const t = gaussian(7, [96, 256]); // 96 KiB → 6+ chunks
    await hive.put('big', t, { codec: 'raw' });
    await hive.put('bigq', t, { codec: 'q4_0' });
    const st = await hive.stats();
    expect(st.chunks).toBeGreaterThanOrEqual(12);
    expect(sameBytes(await hive.get('big'), t)).toBe(true);
    expect(sqnrDb(t.toF32(), (await hive.get('bigq'))!.toF32())).toBeGreaterThan(19);
    // A 1-D tensor and a tensor whose rows are larger than a chunk split too.
    const flat = gaussian(8, [20_000]);
    await hive.put('flat', flat);
    expect(sameBytes(await hive.get('flat'), flat)).toBe(true);
    const wide = gaussian(9, [2, 8192]);
    await hive.put('wide', wide, { codec: 'q8_0' });
    expect(sqnrDb(wide.toF32(), (await hive.get('wide'))!.toF32())).toBeGreaterThan(40);
    const empty = new Tensor('F32', [0, 4], new Uint8Array(0));
    await hive.put('empty', empty);
    expect((await hive.get('empty'))!.shape).toEqual([0, 4]);
  });

  it("codec 'auto' picks per chunk and stays exact by default", async () => {
    const hive = await start({ tiers: { ram: '4MiB' }, codec: 'auto' });
    const sparse = new Float32Array(4096);
    for (let i = 0; i < sparse.length; i += 50) sparse[i] = i;
    const t = Tensor.fromF32(sparse, [64, 64]);
    await hive.put('sparse', t);
    expect(sameBytes(await hive.get('sparse'), t)).toBe(true);
    const st = await hive.stats();
    expect(st.tiers[0].usedBytes).toBeLessThan(t.byteLength / 2);
  });

  it('falls back to raw when the codec cannot take the tensor, and says so', async () => {
    const hive = await start({ tiers: { ram: '4MiB' } });
    const events: HiveEvent[] = [];
    hive.on('codec-fallback', (e) => events.push(e));
    const odd = gaussian(10, [4, 33]); // rows of 33: not a multiple of Q4_0's block
    await hive.put('odd', odd, { codec: 'q4_0' });
    expect(sameBytes(await hive.get('odd'), odd)).toBe(true);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ key: 'odd', codec: 'q4_0' });
    expect((await hive.stats()).codecFallbacks).toBe(1);
  });

  it('bad input gets a typed error and changes nothing', async () => {
    const hive = await start({ tiers: { ram: '4MiB' } });
    const t = gaussian(11, [8, 32]);
    await hive.put('keep', t);
    const before = await hive.stats();
    const bad: Array<() => Promise<unknown>> = [
      () => hive.put('', t),
      () => hive.put('x\0y', t),
      () => hive.put('k'.repeat(600), t),
      () => hive.put('x', {} as Tensor),
      () => hive.put('x', t, { codec: 'zip' }),
      () => hive.put('x', t, { codec: 'int8', params: { blockSize: -3 } }),
      () => hive.put('x', t, { tier: 'gpu' }),
      () => hive.put('keep', t, { codec: 'nope' }),
      () => hive.get(42 as unknown as string),
      () => hive.acquire('keep', { on: 'tpu' as 'cpu' }),
      () => hive.acquire('missing'),
    ];
    for (const f of bad) await expect(f()).rejects.toBeInstanceOf(ArgumentError);
    expect(hive.keys()).toEqual(['keep']);
    expect(sameBytes(await hive.get('keep'), t)).toBe(true);
    const after = await hive.stats();
    expect(after.tiers.map((t) => [t.usedBytes, t.logicalBytes, t.chunks])).toEqual(before.tiers.map((t) => [t.usedBytes, t.logicalBytes, t.chunks]));
    expect(await hive.get('missing')).toBeUndefined();
    await expect(Hive.start({ tiers: { ram: 'lots' } })).rejects.toThrow(/options\.tiers\.ram/);
    await expect(Hive.start({ tiers: { ram: false } })).rejects.toThrow(/options\.tiers/);
    await expect(Hive.start({ durability: 'disk' })).rejects.toThrow(/options\.durability/);
    await expect(Hive.start({ policy: 'fifo' as 'smart' })).rejects.toThrow(/options\.policy/);
  });

  it('replaces, deletes and reports', async () => {
    const hive = await start({ tiers: { ram: '4MiB' } });
    await hive.put('k', gaussian(12, [64]));
    const next = gaussian(13, [8, 8]);
    await hive.put('k', next);
    expect(sameBytes(await hive.get('k'), next)).toBe(true);
    expect((await hive.stats()).tiers[0].chunks).toBe(1);
    expect(await hive.delete('k')).toBe(true);
    expect(await hive.delete('k')).toBe(false);
    expect(hive.has('k')).toBe(false);
    const st = await hive.stats();
    expect(st.tiers[0]).toMatchObject({ usedBytes: 0, logicalBytes: 0, chunks: 0 });
    await hive.stop();
    await hive.stop(); // idempotent
    await expect(hive.get('k')).rejects.toBeInstanceOf(TensorhiveError);
  });
});

describe('hive placement', () => {
  it('lands chunks on disk when RAM is too small, and reads them back', async () => {
    const hive = await start({ tiers: { ram: '64KiB', disk: '64MiB' }, chunkSize: '16KiB' });
    const ts = [0, 1, 2, 3].map((i) => gaussian(20 + i, [32, 128])); // 16 KiB each
    for (const [i, t] of ts.entries()) await hive.put(`w${i}`, t);
    const st = await hive.stats();
    const ram = st.tiers.find((t) => t.kind === 'ram')!;
    const disk = st.tiers.find((t) => t.kind === 'disk')!;
    expect(ram.usedBytes).toBeLessThanOrEqual(64 * KiB);
    expect(disk.chunks).toBeGreaterThan(0);
    expect(ram.chunks + disk.chunks).toBe(4);
    for (const [i, t] of ts.entries()) expect(sameBytes(await hive.get(`w${i}`), t)).toBe(true);
  });

  it('moves cold chunks down when a tier passes its high mark; pinned and leased chunks stay', async () => {
    // RAM's high mark at 30 %: filling it (puts forced onto RAM) makes the plan shed LRU chunks to disk.
    const hive = await start({ tiers: { ram: '256KiB', disk: '64MiB' }, chunkSize: '8KiB', policy: offloadToDisk(0.3) });
    const moves: HiveEvent[] = [];
    hive.on('move', (e) => moves.push(e));
    const ts = Array.from({ length: 12 }, (_, i) => gaussian(40 + i, [16, 128])); // 8 KiB each
    await hive.put('pinned', ts[0], { pin: true, tier: 'ram' });
    await hive.put('leased', ts[1], { tier: 'ram' });
    const lease = await hive.acquire('leased');
    for (let i = 2; i < ts.length; i++) await hive.put(`t${i}`, ts[i], { tier: 'ram' });
    await hive.rebalance();
    expect(moves.length).toBeGreaterThan(0);
    const core = hive.debug.core;
    expect(core.catalog.chunk('pinned#0')!.tier).toBe('ram');
    expect(core.catalog.chunk('leased#0')!.tier).toBe('ram');
    expect(moves.some((m) => m.type === 'move' && (m.chunkId.startsWith('pinned') || m.chunkId.startsWith('leased')))).toBe(false);
    await lease.release();
    for (let i = 2; i < ts.length; i++) expect(sameBytes(await hive.get(`t${i}`), ts[i])).toBe(true);
    const st = await hive.stats();
    expect(st.moves).toBe(moves.length);
  });

  it('refuses a tensor no tier can hold and leaves nothing behind', async () => {
    const hive = await start({ tiers: { ram: '16KiB', disk: false }, chunkSize: '8KiB' });
    await expect(hive.put('huge', gaussian(60, [256, 128]))).rejects.toBeInstanceOf(CapacityError);
    expect(hive.has('huge')).toBe(false);
    expect((await hive.stats()).tiers[0]).toMatchObject({ usedBytes: 0, chunks: 0 });
    expect(await hive.debug.tierKeys('ram')).toEqual([]);
  });
});

describe('hive leases', () => {
  it('expands into the pool, and re-encodes on release when written', async () => {
    const hive = await start({ tiers: { ram: '4MiB' }, expandedCap: '64KiB' });
    const t = gaussian(70, [32, 64]);
    await hive.put('w', t, { codec: 'f16' });
    const lease = await hive.acquire('w', { write: true });
    expect(lease.on).toBe('cpu');
    expect((await hive.stats()).expandedBytes).toBeGreaterThanOrEqual(t.byteLength);
    await expect(hive.put('w', t)).rejects.toBeInstanceOf(ArgumentError); // leased: no replace
    await expect(hive.delete('w')).rejects.toBeInstanceOf(TensorhiveError);
    lease.tensor.toF32().fill(0.5);
    await lease[Symbol.asyncDispose]();
    await lease.release(); // idempotent
    const back = (await hive.get('w'))!;
    expect(Array.from(back.toF32().subarray(0, 4))).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect((await hive.stats()).expandedBytes).toBe(0);
    const ro = await hive.acquire('w');
    ro.tensor.toF32().fill(2);
    await ro.release();
    expect((await hive.get('w'))!.toF32()[0]).toBe(0.5); // read-only: discarded
  });

  it('a lease beyond the expanded cap fails with a typed error; one that must wait times out', async () => {
    const hive = await start({ tiers: { ram: '4MiB' }, expandedCap: '16KiB' });
    await hive.put('big', gaussian(71, [64, 128]));
    await expect(hive.acquire('big')).rejects.toBeInstanceOf(CapacityError);
    await hive.put('a', gaussian(72, [48, 64])); // 12 KiB: a second one does not fit
    const first = await hive.acquire('a');
    await expect(hive.acquire('a', { timeoutMs: 0 })).rejects.toMatchObject({ code: 'ERR_TIMEOUT' });
    await first.release();
    expect(hive.debug.core.catalog.chunk('a#0')!.leases).toBe(0);
  });
});

describe('hive integrity', () => {
  it('rejects with IntegrityError naming key and tier when the only copy is damaged', async () => {
    const hive = await start({ tiers: { ram: false, disk: '64MiB' } });
    const t = gaussian(80, [16, 32]);
    await hive.put('w', t);
    const tk = hive.debug.tierKeyOf('w', 0);
    const good = (await hive.debug.core.client('disk').get(tk))!;
    const bad = good.slice();
    bad[bad.length - 10] ^= 0x40;
    await hive.debug.tierPut('disk', tk, bad);
    const events: HiveEvent[] = [];
    hive.on('integrity', (e) => events.push(e));
    const err = await hive.get('w').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntegrityError);
    expect((err as Error).message).toContain('"w"');
    expect((err as Error).message).toContain('disk');
    expect(events).toEqual([{ type: 'integrity', key: 'w', tier: 'disk', recovered: false }]);
  });

  it('reads the second copy when one is damaged, and repairs the bad one', async () => {
    const hive = await start({ tiers: { ram: '1MiB', disk: '64MiB' }, durability: 'disk' });
    const t = gaussian(81, [16, 32]);
    await hive.put('w', t);
    const c = hive.debug.core.catalog.chunk('w#0')!;
    expect(c.tier).toBe('ram');
    expect(c.copies).toEqual(['disk']);
    const tk = hive.debug.tierKeyOf('w', 0);
    const bad = (await hive.debug.core.client('ram').get(tk))!;
    bad[40] ^= 1;
    await hive.debug.tierPut('ram', tk, bad);
    const events: HiveEvent[] = [];
    hive.on('integrity', (e) => events.push(e));
    expect(sameBytes(await hive.get('w'), t)).toBe(true);
    expect(events).toEqual([{ type: 'integrity', key: 'w', tier: 'ram', recovered: true }]);
    events.length = 0;
    expect(sameBytes(await hive.get('w'), t)).toBe(true);
    expect(events).toEqual([]); // repaired
  });
});
