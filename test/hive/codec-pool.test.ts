/** The hive's codec pool: big chunks are encoded (and, read ahead, decoded) in worker threads; a codec worker that dies mid-job has its job re-run, result exact. */
import { describe, expect, it } from 'vitest';
import { compressTensor, decompressBlobAs } from '../../src/format/compress.js';
import { Hive } from '../../src/hive/index.js';
import { gaussian, sameBytes } from './fixtures.js';

describe('hive codec pool', () => {
  it('puts and gets through the pool, and re-runs a job whose worker was killed mid-job', async () => {
    const hive = await Hive.start({ tiers: { ram: '4MiB' }, chunkSize: '16KiB', codecThreads: 1, codecOffloadBytes: '8KiB', codec: 'q8_0' });
    try {
      const pool = hive.debug.core.codecs!;
      expect(pool).toBeDefined();
      const t = gaussian(3, [32, 256]); // 32 KiB: two 16 KiB chunks, each offloaded
      // What the same codec gives inline, chunk by chunk: the pool must match it byte for byte.
      const expected = decompressBlobAs(compressTensor(t, 'q8_0'), 'source');
      await hive.put('w', t);
      expect(pool.stats.completed).toBe(2);
      // A get the caller waits for decodes inline; once the read order is known, the chunk read ahead decodes in the pool.
      expect(sameBytes(await hive.get('w'), expected)).toBe(true);
      expect(pool.stats.completed).toBe(2);
      expect(sameBytes(await hive.get('w'), expected)).toBe(true);
      // At least the chunk read ahead (how many more reads ahead have finished by now depends on timing).
      expect(pool.stats.completed).toBeGreaterThanOrEqual(3);

      pool.crashNextJob(); // the encode of the first chunk dies with its worker
      await hive.put('w', t);
      expect(pool.stats.crashes).toBe(1);
      expect(pool.stats.retried).toBe(1);
      expect(sameBytes(await hive.get('w'), expected)).toBe(true); // learns the new generation's order
      pool.crashNextJob(); // now the decode of the chunk read ahead
      expect(sameBytes(await hive.get('w'), expected)).toBe(true);
      expect(pool.stats.crashes).toBe(2);
      expect(pool.stats.retried).toBe(2);
      expect(pool.stats.failed).toBe(0);
    } finally {
      await hive.stop();
    }
  });

  it('codes small chunks inline and has no pool with codecThreads 0', async () => {
    const hive = await Hive.start({ tiers: { ram: '4MiB' }, chunkSize: '16KiB', codecThreads: 0, codec: 'q8_0' });
    try {
      expect(hive.debug.core.codecs).toBeUndefined();
      const t = gaussian(4, [8, 256]);
      await hive.put('w', t);
      expect(sameBytes(await hive.get('w'), decompressBlobAs(compressTensor(t, 'q8_0'), 'source'))).toBe(true);
    } finally {
      await hive.stop();
    }
  });

  it('rejects a bad options.codecThreads naming the option', async () => {
    await expect(Hive.start({ codecThreads: -1 })).rejects.toThrow(/options\.codecThreads/);
  });
});
