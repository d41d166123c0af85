/**
 * Real worker threads: each tier actor's thread is ended mid-run while puts
 * and gets go on. The supervisor restarts it, calls in flight are retried
 * once, and afterwards every acknowledged tensor reads back bit-exact.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Hive } from '../../src/hive/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import type { TierKind } from '../../src/tiers/driver.js';
import { tempDir } from '../helpers/tmp.js';
import { gaussian, sameBytes } from './fixtures.js';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('hive under tier crashes (worker threads)', () => {
  it('loses and alters nothing acknowledged when any tier actor is killed mid-operation', async () => {
    const { dir, cleanup } = await tempDir('tensorhive-crash-');
    cleanups.push(cleanup);
    const hive = await Hive.start({
      dir, gpu: 'budget-only', tiers: { gpu: '256KiB', ram: '512KiB', disk: '64MiB' },
      chunkSize: '16KiB', policy: 'keepOnGpu', intensity: 10,
    });
    cleanups.unshift(() => hive.stop());
    const restarts: TierKind[] = [];
    hive.on('restart', (e) => restarts.push(e.tier));
    const acked = new Map<string, Tensor>();
    /** Every version handed to put, acknowledged or not yet: a read returns one of them, whole. */
    const issued = new Map<string, Tensor[]>();
    let seed = 1;
    const writer = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) {
        const key = `k${seed % 12}`;
        const t = gaussian(seed++, [24, 256]); // 24 KiB: two chunks
        issued.get(key)?.push(t) ?? issued.set(key, [t]);
        await hive.put(key, t);
        acked.set(key, t);
      }
    };
    const reader = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) {
        for (const k of [...acked.keys()]) {
          const got = await hive.get(k);
          expect(issued.get(k)!.some((t) => sameBytes(got, t)), k).toBe(true);
        }
      }
    };
    await writer(6);
    for (const kind of ['ram', 'disk', 'gpu'] as const) {
      const back = hive.debug.restarted(kind);
      const work = Promise.all([writer(8), reader(2)]);
      await new Promise((r) => setTimeout(r, 5));
      hive.debug.killTier(kind);
      await Promise.all([work, back]);
      await writer(2);
    }
    expect(restarts.sort()).toEqual(['disk', 'gpu', 'ram']);
    for (const [k, t] of acked) expect(sameBytes(await hive.get(k), t), k).toBe(true);
    const st = await hive.stats();
    expect(st.tiers.every((t) => t.up)).toBe(true);
    expect(st.restarts).toBe(3);
    // The catalog stays truthful: every chunk's primary tier has its bytes.
    for (const k of hive.keys()) {
      for (const c of hive.debug.core.catalog.tensor(k)!.chunks) {
        expect(await hive.debug.core.client(c.tier!).has(hive.debug.tierKeyOf(k, c.index)), `${c.id} on ${c.tier}`).toBe(true);
      }
    }
  });
});
