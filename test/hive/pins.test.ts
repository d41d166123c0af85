/** Pins are kept in the manifests: a pinned tensor is still pinned after a restart on the same directory. */
import { describe, expect, it } from 'vitest';
import { Hive } from '../../src/hive/index.js';
import { tempDir } from '../helpers/tmp.js';
import { gaussian, sameBytes } from './fixtures.js';

describe('hive pins with durability disk', () => {
  it('survive a restart; unpin survives too', async () => {
    const { dir, cleanup } = await tempDir('tensorhive-pins-');
    const opts = { dir, workers: false, tiers: { ram: '1MiB', disk: '16MiB' }, durability: 'disk' as const, chunkSize: '4KiB' };
    try {
      const a = gaussian(1, [8, 256]); // 8 KiB: two chunks
      const b = gaussian(2, [8, 256]);
      let hive = await Hive.start(opts);
      await hive.put('a', a, { pin: true });
      await hive.put('b', b);
      expect(hive.pin('b')).toBe(true);
      expect(hive.unpin('a')).toBe(true);
      expect(hive.pin('missing')).toBe(false);
      await hive.stop();

      hive = await Hive.start(opts);
      const pinned = (k: string) => hive.debug.core.catalog.tensor(k)!.chunks.map((c) => c.pinned);
      expect(pinned('a')).toEqual([false, false]);
      expect(pinned('b')).toEqual([true, true]);
      expect(sameBytes(await hive.get('b'), b)).toBe(true);
      await hive.put('c', a, { pin: true });
      await hive.stop();

      hive = await Hive.start(opts);
      expect(pinned('c')).toEqual([true, true]);
      expect(pinned('b')).toEqual([true, true]);
      await hive.stop();
    } finally {
      await cleanup();
    }
  });
});
