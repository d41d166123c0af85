/** Policies and prefetch driven through the hive, on a SimulatedClock. */
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../src/clock/index.js';
import { Hive } from '../../src/hive/index.js';
import type { HiveEvent } from '../../src/hive/index.js';
import { offloadToDisk } from '../../src/scheduler/index.js';
import { tempDir } from '../helpers/tmp.js';
import { gaussian, sameBytes } from './fixtures.js';

describe('hive policies', () => {
  it('sheds the least recently read chunks first (simulated time)', async () => {
    const { dir, cleanup } = await tempDir('tensorhive-policy-');
    const clock = new SimulatedClock();
    const hive = await Hive.start({ dir, clock, workers: false, tiers: { ram: '256KiB', disk: '64MiB' }, chunkSize: '8KiB', policy: offloadToDisk(0.1, { hysteresis: 0.05 }) });
    try {
      const moves: string[] = [];
      hive.on('move', (e: HiveEvent) => e.type === 'move' && moves.push(e.chunkId));
      const ts = ['a', 'b', 'c', 'd'].map((k, i) => [k, gaussian(i + 1, [16, 128])] as const);
      for (const [k, t] of ts) await hive.put(k, t, { tier: 'ram' });
      // Read order in time: b never, d at 10, a at 20, c at 30.
      for (const [k, at] of [['d', 10], ['a', 20], ['c', 30]] as const) {
        clock.advance(at - clock.now());
        await hive.get(k);
      }
      await hive.rebalance();
      expect(moves[0]).toBe('b#0');
      expect(moves.indexOf('d#0')).toBeLessThan(moves.indexOf('a#0') === -1 ? Infinity : moves.indexOf('a#0'));
      for (const [k, t] of ts) expect(sameBytes(await hive.get(k), t)).toBe(true);
    } finally {
      await hive.stop();
      await cleanup();
    }
  });

  it('plans once per crossing of the high mark, not once per chunk', async () => {
    const { dir, cleanup } = await tempDir('tensorhive-policy-');
    const inner = offloadToDisk(0.5, { hysteresis: 0.05 });
    let plans = 0;
    // Always asks for RAM, so every chunk of the second put arrives at a tier over its mark.
    const counting = { ...inner, place: () => 'ram' as const, plan: (v: Parameters<typeof inner.plan>[0]) => (plans++, inner.plan(v)) };
    const hive = await Hive.start({ dir, workers: false, tiers: { ram: '64KiB', disk: '64MiB' }, chunkSize: 3840, policy: counting });
    try {
      // 16 chunks of 3840 bytes (each a 4 KiB RAM block): RAM full and pinned, nothing movable.
      // The chunk that takes RAM over its mark is planned once, after it landed.
      const held = gaussian(1, [240, 64]);
      await hive.put('held', held, { tier: 'ram', pin: true });
      expect(plans).toBe(1);
      const big = gaussian(2, [120, 64]); // 8 chunks, each arriving at a tier still over the mark
      await hive.put('big', big);
      expect(plans).toBe(1);
      expect(sameBytes(await hive.get('big'), big)).toBe(true);
      expect(sameBytes(await hive.get('held'), held)).toBe(true);
    } finally {
      await hive.stop();
      await cleanup();
    }
  });

  it('prefetches the next chunks once a read order has been seen', async () => {
    const hive = await Hive.start({ workers: false, tiers: { ram: '4MiB' }, chunkSize: '4KiB', prefetch: 2 });
    try {
      const t = gaussian(9, [64, 128]); // 32 KiB: 8 chunks
      await hive.put('layers', t);
      for (let pass = 0; pass < 3; pass++) expect(sameBytes(await hive.get('layers'), t)).toBe(true);
      const st = await hive.stats();
      expect(st.hits).toBeGreaterThan(0);
      expect(st.hits + st.misses).toBe(24);
    } finally {
      await hive.stop();
    }
  });
});
