/**
 * get() racing the RAM tier actor (a worker thread) while it overwrites,
 * frees and reuses the blocks being read: the hive reads RAM chunks lock-free
 * and synchronously from the slabs, and every get returns one whole version
 * of the tensor (checksum verified, decoded) or undefined once deleted — a
 * copy torn by the writer is retried through the actor, never returned, and
 * never reported as damage.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decompressBlobAs, compressTensor } from '../../src/format/compress.js';
import { Hive, type HiveEvent } from '../../src/hive/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { gaussian, sameBytes } from './fixtures.js';

const open: Hive[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.stop();
});

describe('get() racing overwrites, deletes and block reuse in the RAM actor (workers)', () => {
  it('returns a whole version or undefined, never a mix, another key or a checksum failure', async () => {
    // 1 MiB of RAM: every freed block is reused at once (by this key or the filler).
    const hive = await Hive.start({ workers: true, tiers: { ram: '1MiB', disk: false }, codec: 'q8_0', prefetch: 0, codecThreads: 0 });
    open.push(hive);
    const versions = [1, 2, 3].map((s) => gaussian(s, [64, 512])); // 128 KiB each: one chunk
    // What a get of each version gives: q8_0's decode of the same blob (the hive encodes the same way).
    const decoded = versions.map((v) => decompressBlobAs(compressTensor(v, 'q8_0'), 'source'));
    const filler = gaussian(9, [100, 512]);
    const events: HiveEvent[] = [];
    hive.on('integrity', (e) => events.push(e));
    await hive.put('w', versions[0]);
    const writes: Promise<unknown>[] = [];
    const gets: Promise<void>[] = [];
    let wrong = 0;
    let whole = 0;
    let absent = 0;
    const check = (got: Tensor | undefined): void => {
      if (got === undefined) absent++;
      else if (decoded.some((d) => sameBytes(got, d))) whole++;
      else wrong++;
    };
    for (let i = 0; i < 60; i++) {
      // Writers are queued (one at a time); reads run beside them, on this thread, while the actor writes.
      if (i % 5 === 3) writes.push(hive.delete('w'));
      else writes.push(hive.put('w', versions[i % 3]));
      if (i % 4 === 0) writes.push(hive.put('filler', filler).then(() => hive.delete('filler')));
      for (let j = 0; j < 4; j++) gets.push(hive.get('w').then(check));
      if (i % 8 === 0) await new Promise((r) => setImmediate(r));
    }
    await Promise.all([...writes, ...gets]);
    expect(wrong).toBe(0);
    expect(whole + absent).toBe(240);
    expect(whole).toBeGreaterThan(0);
    expect(events).toEqual([]); // a torn copy is not damage
    const lockFree = hive.debug.core.client('ram').localCounters!;
    expect(lockFree.hits).toBeGreaterThan(0);
    // The last writer put version 59 % 3.
    expect(sameBytes(await hive.get('w'), decoded[59 % 3])).toBe(true);
  });
});
