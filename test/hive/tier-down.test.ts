/** A tier whose actor keeps crashing goes down alone: the hive serves from the other tiers and names the dead tier otherwise. */
import { describe, expect, it } from 'vitest';
import { ActorDeadError } from '../../src/errors/index.js';
import { Hive } from '../../src/hive/index.js';
import type { HiveEvent } from '../../src/hive/index.js';
import { tempDir } from '../helpers/tmp.js';
import { gaussian, sameBytes } from './fixtures.js';

describe('hive tier-down', () => {
  it('serves copies from live tiers, rejects naming the tier otherwise, and keeps accepting puts', async () => {
    const { dir, cleanup } = await tempDir('tensorhive-down-');
    const hive = await Hive.start({ dir, workers: false, tiers: { ram: '1MiB', disk: '16MiB' }, intensity: 1, periodMs: 60_000, durability: 'memory' });
    try {
      const downs: HiveEvent[] = [];
      hive.on('tier-down', (e) => downs.push(e));
      const onDisk = gaussian(1, [16, 64]);
      const onRam = gaussian(2, [16, 64]);
      await hive.put('disk-only', onDisk, { tier: 'disk' });
      await hive.put('ram-only', onRam, { tier: 'ram' });
      for (let i = 0; i < 2; i++) {
        const back = i === 0 ? hive.debug.restarted('ram') : new Promise<void>((r) => hive.on('tier-down', () => r()));
        hive.debug.killTier('ram');
        await back;
      }
      expect(downs).toEqual([expect.objectContaining({ type: 'tier-down', tier: 'ram' })]);
      expect(sameBytes(await hive.get('disk-only'), onDisk)).toBe(true);
      const err = await hive.get('ram-only').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ActorDeadError);
      expect((err as Error).message).toMatch(/ram tier/);
      // New puts land on the live tier; a put forced onto the dead one is refused naming it.
      const fresh = gaussian(3, [16, 64]);
      await hive.put('fresh', fresh);
      expect(hive.debug.core.catalog.tensor('fresh')!.chunks[0].tier).toBe('disk');
      expect(sameBytes(await hive.get('fresh'), fresh)).toBe(true);
      await expect(hive.put('x', fresh, { tier: 'ram' })).rejects.toThrow(/ram tier is down/);
      const st = await hive.stats();
      expect(st.tiers.map((t) => [t.kind, t.up])).toEqual([['ram', false], ['disk', true]]);
    } finally {
      await hive.stop();
      await cleanup();
    }
  });

  it('re-homes chunks with a copy on a live tier when their primary tier goes down', async () => {
    const { dir, cleanup } = await tempDir('tensorhive-down-');
    const hive = await Hive.start({ dir, workers: false, tiers: { ram: '1MiB', disk: '16MiB' }, intensity: 0, durability: 'disk' });
    try {
      const t = gaussian(4, [16, 64]);
      await hive.put('w', t, { tier: 'ram' });
      const down = new Promise<void>((r) => hive.on('tier-down', () => r()));
      hive.debug.killTier('ram');
      await down;
      expect(hive.debug.core.catalog.tensor('w')!.chunks[0].tier).toBe('disk');
      expect(sameBytes(await hive.get('w'), t)).toBe(true);
    } finally {
      await hive.stop();
      await cleanup();
    }
  });
});
