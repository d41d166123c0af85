/**
 * The lock-free RAM reader (the hive's read path into its own slabs while the
 * RAM tier actor writes them): it returns a record's exact bytes while the
 * record stands, and undefined — never other bytes — once the record was
 * replaced, deleted or reused, including when that happens during its copy.
 */
import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { ArgumentError, IntegrityError } from '../../src/errors/index.js';
import { crc32 } from '../../src/format/checksum.js';
import { Rng } from '../../src/random/rng.js';
import { RamReader, RamSlabs, RamTier, type RamLocation } from '../../src/tiers/ram/index.js';
import { offsetOf, slabOf } from '../../src/tiers/ram/pool.js';
import { blobOffset } from '../../src/tiers/ram/record.js';
import { ramValue } from './fixtures/ram-values.js';

const MiB = 1024 * 1024;
const enc = new TextEncoder();
const same = (a: Uint8Array | undefined, b: Uint8Array): boolean => a !== undefined && Buffer.from(a).equals(Buffer.from(b));

async function setup(): Promise<{ slabs: RamSlabs; tier: RamTier }> {
  const slabs = RamSlabs.create({ capacityBytes: 2 * MiB, slabBytes: MiB });
  const tier = new RamTier({ slabs });
  await tier.start();
  return { slabs, tier };
}

/** A reader whose copy lets `during` act as a writer between its two checks. */
class TornReader extends RamReader {
  during: (() => void) | undefined;
  protected override copy(u8: Uint8Array, start: number, end: number): Uint8Array {
    const out = super.copy(u8, start, end);
    const act = this.during;
    this.during = undefined;
    act?.();
    return out;
  }
}

describe('RamReader (lock-free reads of RAM slabs)', () => {
  it('reads the exact bytes of a located record into a private buffer', async () => {
    const { slabs, tier } = await setup();
    const v = new Rng(1).bytes(50_000);
    await tier.put('k', v);
    const reader = new RamReader(slabs);
    const got = reader.read(tier.locate('k')!, enc.encode('k'));
    expect(same(got, v)).toBe(true);
    expect(got!.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    expect(tier.locate('absent')).toBeUndefined();
    expect(reader.counters).toEqual({ hits: 1, stale: 0 });
  });

  it('refuses a location once its record was replaced, deleted or reused, and a location for another key', async () => {
    const { slabs, tier } = await setup();
    const rng = new Rng(2);
    const reader = new RamReader(slabs);
    await tier.put('a', rng.bytes(9000));
    const old = tier.locate('a')!;
    expect(reader.read(old, enc.encode('b'))).toBeUndefined(); // right place, wrong key
    const next = rng.bytes(9000);
    await tier.put('a', next); // replaced: the old block is freed
    expect(reader.read(old, enc.encode('a'))).toBeUndefined();
    expect(same(reader.read(tier.locate('a')!, enc.encode('a')), next)).toBe(true);
    await tier.put('b', rng.bytes(9000)); // likely reuses the freed block: a new sequence number either way
    expect(reader.read(old, enc.encode('a'))).toBeUndefined();
    const loc = tier.locate('a')!;
    await tier.delete('a');
    expect(reader.read(loc, enc.encode('a'))).toBeUndefined();
    // Nonsense locations are refused, not trusted.
    const bogus: RamLocation[] = [
      { ...loc, addr: loc.addr + 8 },
      { ...loc, blobLen: 10 * MiB },
      { ...loc, addr: 7 * 2 ** 31 },
    ];
    for (const b of bogus) expect(reader.read(b, enc.encode('a'))).toBeUndefined();
  });

  it('a record freed and its block reused during the copy reads as undefined (the caller asks the actor)', async () => {
    const { slabs, tier } = await setup();
    const rng = new Rng(3);
    const reader = new TornReader(slabs);
    const first = rng.bytes(20_000);
    await tier.put('k', first);
    const loc = tier.locate('k')!;
    // Mid-copy, the writer replaces 'k' and reuses the freed block for another key.
    reader.during = () => {
      void tier.put('k', rng.bytes(20_000));
      void tier.put('other', rng.bytes(20_000));
    };
    expect(reader.read(loc, enc.encode('k'))).toBeUndefined();
    expect(tier.locate('other')!.addr).toBe(loc.addr); // the block was reused
    // Mid-copy, the writer only deletes it (block freed, not reused).
    const now = tier.locate('k')!;
    reader.during = () => void tier.delete('k');
    expect(reader.read(now, enc.encode('k'))).toBeUndefined();
    expect(reader.counters.stale).toBe(2);
  });

  it('copies damaged bytes as they are: the tier CRC (verify) or the caller catches them', async () => {
    const { slabs, tier } = await setup();
    const v = new Rng(4).bytes(30_000);
    await tier.put('k', v);
    const loc = tier.locate('k')!;
    const bytes = new Uint8Array(slabs.buffers[slabOf(loc.addr)]);
    bytes[offsetOf(loc.addr) + blobOffset(1) + 1234] ^= 0x10;
    const got = new RamReader(slabs).read(loc, enc.encode('k'))!;
    expect(crc32(got)).not.toBe(crc32(v));
    await expect(tier.get('k')).rejects.toBeInstanceOf(IntegrityError);
    expect(crc32((await tier.get('k', { verify: false }))!)).toBe(crc32(got)); // unverified: the caller's check decides
  });

  it('put with a known crc32 stores it; a wrong one fails the verified get, a bad one is refused', async () => {
    const { tier } = await setup();
    const v = new Rng(5).bytes(10_000);
    await tier.put('good', v, { crc32: crc32(v) });
    expect(same(await tier.get('good'), v)).toBe(true);
    await tier.put('lie', v, { crc32: (crc32(v) ^ 1) >>> 0 });
    await expect(tier.get('lie')).rejects.toBeInstanceOf(IntegrityError);
    for (const crc32 of [-1, 2 ** 32, 1.5, Number.NaN]) await expect(tier.put('x', v, { crc32 })).rejects.toBeInstanceOf(ArgumentError);
  });

  it('reads racing a writer in another thread return whole versions or undefined, never a mix', async () => {
    const slabs = RamSlabs.create({ capacityBytes: MiB, slabBytes: MiB }); // small: blocks are reused all the time
    const url = new URL('./fixtures/ram-racer.ts', import.meta.url).href;
    const boot = `import('tsx/esm/api').then((m) => m.tsImport(${JSON.stringify(url)}, ${JSON.stringify(url)}))`;
    const worker = new Worker(boot, { eval: true });
    const locs: Array<RamLocation | undefined> = [undefined, undefined, undefined, undefined];
    let messages = 0;
    worker.on('message', ([k, , loc]: [number, number, RamLocation]) => {
      locs[k] = loc;
      messages++;
    });
    const failed = new Promise<never>((_, reject) => worker.once('error', reject));
    const reader = new RamReader(slabs);
    const keys = [0, 1, 2, 3].map((k) => enc.encode(`slot${k}`));
    let wrong = 0;
    try {
      worker.postMessage(slabs.toShared());
      for (let round = 0; round < 400 || messages < 200; round++) {
        for (let k = 0; k < 4; k++) {
          const loc = locs[k];
          if (!loc) continue;
          const got = reader.read(loc, keys[k]);
          if (got === undefined) continue;
          const v = new DataView(got.buffer).getUint32(0, true);
          if (!same(got, ramValue(k, v))) wrong++;
        }
        await Promise.race([new Promise((r) => setImmediate(r)), failed]);
      }
    } finally {
      await worker.terminate();
    }
    expect(wrong).toBe(0);
    expect(reader.counters.hits).toBeGreaterThan(0);
  });
});
