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
