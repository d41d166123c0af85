/**
 * Chaos with leases in flight: real worker threads; the RAM and disk tier
 * actors are killed on a seeded schedule while writers replace tensors, readers
 * get() them (RAM hits read lock-free from the slabs on this thread) and
 * GPU leases expand them on the device and hold them across kills. Every read
 * and every lease shows one whole version that was put; no lease hangs (each
 * settles, and afterwards none is held and no lease bytes are counted); and
 * every acknowledged tensor reads back bit-exact, through get() and through a
 * GPU lease.
 * Without a WebGPU device this fails, unless TENSORHIVE_ALLOW_NO_GPU=1: then
 * the leases are CPU fallbacks (the same schedule, without the device).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { compressTensor, decompressBlobAs } from '../../src/format/compress.js';
import { Hive } from '../../src/hive/index.js';
import type { GpuLease, Lease } from '../../src/hive/index.js';
import { Rng } from '../../src/random/rng.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import type { TierKind } from '../../src/tiers/driver.js';
import { tempDir } from '../helpers/tmp.js';
import { gaussian } from './fixtures.js';
import { noGpuReason, probe, readLease } from './gpu-fixtures.js';

const SEED = 0x5eed_c4a0;
const CODECS = ['raw', 'q8_0', 'q4_0'] as const;
const KEYS = 8;

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** One version of a tensor put under a key: its F32 bytes as get() and a lease give them back. */
interface Version {
  readonly seed: number;
  readonly bytes: Buffer;
}

/** The F32 values the hive hands back for `t` stored with `codec` (lossy codecs: their decoded values). */
function expectedBytes(t: Tensor, codec: string): Buffer {
  const back = codec === 'raw' ? t : decompressBlobAs(compressTensor(t, codec), 'F32');
  return Buffer.from(back.bytes);
}

const pause = (rng: Rng, most: number): Promise<void> => new Promise((r) => setTimeout(r, rng.int(most + 1)));

describe('chaos: tier actors killed while GPU leases and RAM fast reads are in flight', () => {
  it('loses nothing acknowledged, every read and lease sees one whole version, and no lease hangs', async () => {
    if (!probe.ok && process.env.TENSORHIVE_ALLOW_NO_GPU !== '1') expect.fail(`no WebGPU device: ${noGpuReason}`);
    const { dir, cleanup } = await tempDir('tensorhive-chaos-leases-');
    cleanups.push(cleanup);
    // RAM holds a few chunks (4–16 KiB blocks for 2–8 KiB blobs), never all 16: the rest land on disk and moves run.
    const hive = await Hive.start({ dir, tiers: { ram: '48KiB', disk: '64MiB' }, chunkSize: '8KiB', intensity: 20, codecThreads: 0 });
    cleanups.unshift(() => hive.stop());
    const restarts: TierKind[] = [];
    hive.on('restart', (e) => restarts.push(e.tier));
    const rng = new Rng(SEED);

    /** Every version put under a key (acknowledged or in flight): a read returns one of them, whole. */
    const issued = new Map<string, Version[]>();
    const acked = new Map<string, Version>();
    let nextSeed = 1;
    const put = async (key: string, r: Rng): Promise<void> => {
      const seed = nextSeed++;
      const codec = CODECS[r.int(CODECS.length)];
      const t = gaussian(seed, [16, 256]); // 16 KiB of F32: two chunks
      const v = { seed, bytes: expectedBytes(t, codec) };
      const versions = issued.get(key) ?? [];
      issued.set(key, versions);
      versions.push(v);
      try {
        await hive.put(key, t, { codec });
        acked.set(key, v);
      } catch (err) {
        // A leased tensor refuses put (and stays as it was): the only refusal expected here.
        expect(String(err)).toMatch(/is leased/);
        versions.splice(versions.indexOf(v), 1);
      }
    };
    const versionOf = (key: string, bytes: Uint8Array): number | undefined =>
      issued.get(key)!.find((v) => v.bytes.equals(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)))?.seed;
    const pick = (r: Rng): string => {
      const keys = [...acked.keys()];
      return keys[r.int(keys.length)];
    };

    for (let k = 0; k < KEYS; k++) await put(`k${k}`, rng);

    let leases = 0;
    let held = 0;
    const writer = async (r: Rng, own: string[], n: number): Promise<void> => {
      for (let i = 0; i < n; i++) {
        await put(own[r.int(own.length)], r);
        await pause(r, 3);
      }
    };
    const reader = async (r: Rng, n: number): Promise<void> => {
      for (let i = 0; i < n; i++) {
        const key = pick(r);
        const got = await hive.get(key);
        expect(got, key).toBeDefined();
        expect(versionOf(key, got!.bytes), `get(${key}) returned a version that was put`).toBeDefined();
        if (r.int(2) === 0) await pause(r, 2);
      }
    };
    const leaser = async (r: Rng, n: number): Promise<void> => {
      for (let i = 0; i < n; i++) {
        const key = pick(r);
        const lease = (await hive.acquire(key, { on: 'gpu', fallback: 'cpu' })) as GpuLease | Lease;
        leases++;
        held++;
        try {
          const bytes = lease.on === 'gpu' ? await readLease(lease) : lease.tensor.bytes;
          expect(versionOf(key, bytes), `lease of ${key} holds a version that was put`).toBeDefined();
          await pause(r, 8); // held across kills and refused puts
        } finally {
          await lease.release();
          held--;
        }
      }
    };
    const killer = async (r: Rng, n: number): Promise<TierKind[]> => {
      const killed: TierKind[] = [];
      for (let i = 0; i < n; i++) {
        await pause(r, 25);
        const kind: TierKind = r.int(2) === 0 ? 'ram' : 'disk';
        const back = hive.debug.restarted(kind);
        hive.debug.killTier(kind);
        killed.push(kind);
        await back;
      }
      return killed;
    };

    const keys = Array.from({ length: KEYS }, (_, k) => `k${k}`);
    const [killed] = await Promise.all([
      killer(rng.fork(), 4),
      writer(rng.fork(), keys.slice(0, KEYS / 2), 16),
      writer(rng.fork(), keys.slice(KEYS / 2), 16),
      reader(rng.fork(), 30),
      reader(rng.fork(), 30),
      leaser(rng.fork(), 12),
      leaser(rng.fork(), 12),
    ]);

    expect(restarts.sort()).toEqual([...killed].sort());
    expect(held).toBe(0);
    expect(leases).toBe(24);
    // Every acknowledged tensor, bit-exact: through get() and through a lease.
    for (const [key, v] of acked) {
      const got = await hive.get(key);
      expect(got && Buffer.from(got.bytes).equals(v.bytes), `get(${key})`).toBe(true);
      const lease = (await hive.acquire(key, { on: 'gpu', fallback: 'cpu' })) as GpuLease | Lease;
      const bytes = lease.on === 'gpu' ? await readLease(lease) : lease.tensor.bytes;
      expect(Buffer.from(bytes).equals(v.bytes), `lease of ${key}`).toBe(true);
      await lease.release();
    }
    const st = await hive.stats();
    expect(st.tiers.every((t) => t.up)).toBe(true);
    expect(st.restarts).toBe(killed.length);
    expect(st.expandedBytes).toBe(0);
    if (probe.ok) {
      expect(st.gpuLeases).toMatchObject({ leases: 0, expandedBytes: 0, losses: 0 });
      expect(st.gpuLeases!.kernelChunks).toBeGreaterThan(0);
    }
    // Both kinds of read ran against the RAM slabs on this thread.
    expect(hive.debug.core.client('ram').localCounters!.hits).toBeGreaterThan(0);
    expect(st.tiers.find((t) => t.kind === 'ram')!.chunks).toBeGreaterThan(0);
    expect(st.tiers.find((t) => t.kind === 'disk')!.chunks).toBeGreaterThan(0);
  }, 60_000);
});
