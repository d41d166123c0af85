/**
 * The hive reads RAM chunks lock-free from its own slabs (no round trip to
 * the RAM tier actor), verifying each blob once (its container CRC). A copy
 * that fails — torn by a racing put, or damaged — never yields wrong numbers:
 * the actor's copy decides, a damaged record is an IntegrityError naming key
 * and tier (or is repaired from another copy), and a torn copy is not
 * reported as damage.
 */
import { describe, expect, it } from 'vitest';
import { IntegrityError } from '../../src/errors/index.js';
import { Hive, type HiveEvent } from '../../src/hive/index.js';
import { blobOffset } from '../../src/tiers/ram/record.js';
import { offsetOf, slabOf } from '../../src/tiers/ram/pool.js';
import { gaussian, hiveStarter, sameBytes } from './fixtures.js';

const start = hiveStarter('tensorhive-fast-', { prefetch: 0 });

/** Flip one bit of the blob stored under `tierKey`, in place in the slab. */
function damageInSlab(hive: Hive, tierKey: string, at: number): void {
  const loc = hive.debug.ramLocation(tierKey)!;
  expect(loc).toBeDefined();
  const bytes = new Uint8Array(hive.debug.ramSlabs!.buffers[slabOf(loc.addr)]);
  bytes[offsetOf(loc.addr) + blobOffset(loc.keyLen) + at] ^= 0x20;
}

describe.each([false, true])('hive lock-free RAM reads (workers %s)', (workers) => {
  it('serves RAM chunks from the slabs, exact', async () => {
    const hive = await start({ workers, tiers: { ram: '4MiB', disk: false }, chunkSize: '16KiB', codec: 'q8_0' });
    const t = gaussian(1, [64, 256]); // 64 KiB: 4 chunks
    await hive.put('w', t, { codec: 'raw' });
    const counters = hive.debug.core.client('ram').localCounters!;
    const before = counters.hits;
    expect(sameBytes(await hive.get('w'), t)).toBe(true);
    expect(counters.hits - before).toBe(4);
    // Replaced: the new generation's records are read the same way; the old ones are gone.
    const t2 = gaussian(2, [64, 256]);
    await hive.put('w', t2, { codec: 'raw' });
    expect(sameBytes(await hive.get('w'), t2)).toBe(true);
    expect(counters.hits - before).toBe(8);
    expect(hive.debug.ramLocation(hive.debug.tierKeyOf('w', 0))).toBeDefined();
  });

  it('a tensor handed out never shares memory with the next read (raw codec decodes to a view of its blob)', async () => {
    const hive = await start({ workers, tiers: { ram: '4MiB', disk: false }, codec: 'raw' });
    const a = gaussian(11, [8, 256]);
    const b = gaussian(12, [8, 256]);
    await hive.put('a', a);
    await hive.put('b', b);
    const gotA = (await hive.get('a'))!;
    const gotB = (await hive.get('b'))!;
    expect(sameBytes(gotA, a)).toBe(true);
    expect(sameBytes(gotB, b)).toBe(true);
    gotB.bytes.fill(0);
    expect(sameBytes(await hive.get('b'), b)).toBe(true);
  });

  it('a byte damaged in the only copy is an IntegrityError naming key and tier', async () => {
    const hive = await start({ workers, tiers: { ram: '4MiB', disk: false }, codec: 'q4_0' });
    const t = gaussian(3, [32, 256]);
    await hive.put('w', t);
    damageInSlab(hive, hive.debug.tierKeyOf('w', 0), 500);
    const events: HiveEvent[] = [];
    hive.on('integrity', (e) => events.push(e));
    const err = await hive.get('w').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntegrityError);
    expect((err as Error).message).toContain('"w"');
    expect((err as Error).message).toContain('ram');
    expect(events).toEqual([{ type: 'integrity', key: 'w', tier: 'ram', recovered: false }]);
  });

  it('a byte damaged in RAM is repaired from the disk copy', async () => {
    const hive = await start({ workers, tiers: { ram: '4MiB', disk: '16MiB' }, durability: 'disk', codec: 'q8_0' });
    const t = gaussian(4, [32, 256]);
    await hive.put('w', t);
    const expected = (await hive.get('w'))!;
    expect(hive.debug.core.catalog.chunk('w#0')!.copies).toEqual(['disk']);
    damageInSlab(hive, hive.debug.tierKeyOf('w', 0), 1000);
    const events: HiveEvent[] = [];
    hive.on('integrity', (e) => events.push(e));
    expect(sameBytes(await hive.get('w'), expected)).toBe(true);
    expect(events).toEqual([{ type: 'integrity', key: 'w', tier: 'ram', recovered: true }]);
    const hits = hive.debug.core.client('ram').localCounters!.hits;
    expect(sameBytes(await hive.get('w'), expected)).toBe(true);
    expect(hive.debug.core.client('ram').localCounters!.hits).toBe(hits + 1); // the repaired record is read lock-free again
    expect(events.length).toBe(1);
  });

  it('a torn lock-free copy falls back to the actor and is not reported as damage', async () => {
    const hive = await start({ workers, tiers: { ram: '4MiB', disk: false }, codec: 'q8_0' });
    const t = gaussian(5, [32, 256]);
    await hive.put('w', t);
    const expected = (await hive.get('w'))!;
    const client = hive.debug.core.client('ram');
    const readLocal = client.readLocal.bind(client);
    let torn = 0;
    // What a copy raced by a writer looks like: bytes of the block that are not the record's.
    client.readLocal = (key, scratch) => {
      const got = readLocal(key, scratch);
      if (got) {
        got.fill(0x5a, 100, 200);
        torn++;
      }
      return got;
    };
    const events: HiveEvent[] = [];
    hive.on('integrity', (e) => events.push(e));
    expect(sameBytes(await hive.get('w'), expected)).toBe(true);
    expect(torn).toBe(1);
    expect(events).toEqual([]);
    expect((await hive.stats()).integrityFailures).toBe(0);
  });
});

describe('hive lock-free RAM reads under concurrent replaces', () => {
  it('every get returns one whole version while puts replace the tensor (workers)', async () => {
    const hive = await start({ workers: true, tiers: { ram: '2MiB', disk: false }, chunkSize: '16KiB', codec: 'raw' });
    const versions = [gaussian(6, [32, 256]), gaussian(7, [32, 256]), gaussian(8, [32, 256])];
    await hive.put('w', versions[0]);
    const ops: Promise<void>[] = [];
    let wrong = 0;
    for (let i = 0; i < 30; i++) {
      ops.push(hive.put('w', versions[(i + 1) % 3]));
      for (let j = 0; j < 3; j++) {
        ops.push(
          hive.get('w').then((got) => {
            if (!versions.some((v) => sameBytes(got, v))) wrong++;
          }),
        );
      }
    }
    await Promise.all(ops);
    expect(wrong).toBe(0);
    expect(sameBytes(await hive.get('w'), versions[30 % 3])).toBe(true);
  });
});
