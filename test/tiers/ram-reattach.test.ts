/**
 * The RAM tier's bytes live in slabs owned by the hive: a new driver on the
 * same slabs — in this thread or a worker thread — rebuilds its index from the
 * slabs and finds every value exact; a put interrupted before its commit
 * leaves the old value.
 */
import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { ActorDeadError, IntegrityError } from '../../src/errors/index.js';
import { Rng } from '../../src/random/rng.js';
import { RamSlabs, RamTier } from '../../src/tiers/ram/index.js';
import { ramValue } from './fixtures/ram-values.js';
import { FREE, HEADER_BYTES, LIVE, blobOffset, WRITING, classFor, readHeader, slabView, writeRecord } from '../../src/tiers/ram/record.js';

const MiB = 1024 * 1024;
const enc = new TextEncoder();

async function fill(tier: RamTier, rng: Rng, n: number): Promise<Map<string, Uint8Array>> {
  const values = new Map<string, Uint8Array>();
  for (let i = 0; i < n; i++) values.set(`t/${i}`, rng.bytes(rng.int(40_000)));
  for (const [k, v] of values) await tier.put(k, v);
  // Some churn so the slabs hold freed, split and merged blocks too.
  for (let i = 0; i < n; i += 5) {
    await tier.delete(`t/${i}`);
    values.delete(`t/${i}`);
  }
  for (let i = 1; i < n; i += 7) {
    const v = rng.bytes(rng.int(9000));
    values.set(`t/${i}`, v);
    await tier.put(`t/${i}`, v);
  }
  return values;
}

async function expectValues(tier: RamTier, values: Map<string, Uint8Array>): Promise<void> {
  expect((await tier.keys()).sort()).toEqual([...values.keys()].sort());
  for (const [k, v] of values) expect(Buffer.from((await tier.get(k))!).equals(Buffer.from(v)), k).toBe(true);
}

/** A free block of class `cls` in slab 0 (walking headers like a scan does). */
function freeBlock(slabs: RamSlabs, cls: number): number {
  const v = slabView(slabs.buffers[0]);
  for (let off = 0; off < slabs.buffers[0].byteLength; ) {
    const h = readHeader(v, off);
    if (h.state === FREE && h.cls === cls) return off;
    off += 2 ** h.cls;
  }
  throw new Error(`no free block of class ${cls}`);
}

describe('ram tier re-attach', () => {
  it('a new driver on the same slabs finds every key exact', async () => {
    const slabs = RamSlabs.create({ capacityBytes: 8 * MiB, slabBytes: 2 * MiB });
    const first = new RamTier({ slabs });
    await first.start();
    const values = await fill(first, new Rng(1), 120);
    const before = await first.stats();
    // The first driver is dropped without stop(), as a crashed thread would be.
    const second = new RamTier({ slabs });
    await second.start();
    await expectValues(second, values);
    const after = await second.stats();
    expect(after.usedBytes).toBe(before.usedBytes);
    expect(after.footprintBytes).toBe(before.footprintBytes);
    expect(after.extra!.freeBytes).toBe(before.extra!.freeBytes);
    // The dropped driver is refused from now on: only one owner at a time.
    await expect(first.get('t/1')).rejects.toBeInstanceOf(ActorDeadError);
    // The re-attached driver keeps working, and a third sees its writes too.
    values.set('new', new Rng(2).bytes(5000));
    await second.put('new', values.get('new')!);
    const third = new RamTier({ slabs: RamSlabs.from(slabs.toShared()) });
    await third.start();
    await expectValues(third, values);
  });

  it('a driver in a worker thread re-attaches to slabs sent by postMessage', async () => {
    const slabs = RamSlabs.create({ capacityBytes: 4 * MiB, slabBytes: MiB });
    const tier = new RamTier({ slabs });
    await tier.start();
    const values = await fill(tier, new Rng(3), 60);
    await tier.stop();
    const mine = new Rng(4).bytes(12_345);
    // Node 20 does not apply tsx's loader hooks inside workers; load the TS fixture through tsx's API.
    const url = new URL('./fixtures/ram-worker.ts', import.meta.url).href;
    const boot = `import('tsx/esm/api').then((m) => m.tsImport(${JSON.stringify(url)}, ${JSON.stringify(url)}))`;
    const worker = new Worker(boot, { eval: true });
    try {
      const reply = await new Promise<{ found?: Record<string, Uint8Array>; entries?: number; error?: string }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.postMessage({ shared: slabs.toShared(), put: { key: 'from-worker', value: mine } });
      });
      expect(reply.error).toBeUndefined();
      expect(Object.keys(reply.found!).sort()).toEqual([...values.keys()].sort());
      for (const [k, v] of values) expect(Buffer.from(reply.found![k]).equals(Buffer.from(v)), k).toBe(true);
      expect(reply.entries).toBe(values.size + 1);
    } finally {
      await worker.terminate();
    }
    // What the worker wrote into the shared slabs is here too.
    values.set('from-worker', mine);
    const back = new RamTier({ slabs });
    await back.start();
    await expectValues(back, values);
  });

  it('a worker terminated mid-put leaves every key at a whole value no older than its last ack', async () => {
    const slabs = RamSlabs.create({ capacityBytes: 4 * MiB, slabBytes: MiB });
    const url = new URL('./fixtures/ram-writer.ts', import.meta.url).href;
    const boot = `import('tsx/esm/api').then((m) => m.tsImport(${JSON.stringify(url)}, ${JSON.stringify(url)}))`;
    for (const stopAfter of [37, 200, 501]) {
      const acked = new Array<number>(16).fill(0);
      const worker = new Worker(boot, { eval: true });
      await new Promise<void>((resolve, reject) => {
        let n = 0;
        worker.on('message', ([k, v]: [number, number]) => {
          acked[k] = Math.max(acked[k], v);
          if (++n === stopAfter) void worker.terminate().then(() => resolve());
        });
        worker.once('error', reject);
        worker.postMessage(slabs.toShared());
      });
      const tier = new RamTier({ slabs });
      await tier.start();
      for (let k = 0; k < 16; k++) {
        const got = await tier.get(`slot${k}`);
        if (acked[k] === 0 && got === undefined) continue;
        const v = new DataView(got!.buffer, got!.byteOffset).getUint32(0, true);
        expect(v, `slot${k}`).toBeGreaterThanOrEqual(acked[k]);
        expect(Buffer.from(got!).equals(Buffer.from(ramValue(k, v))), `slot${k} v${v}`).toBe(true);
      }
      const st = await tier.stats();
      expect(st.entries).toBeLessThanOrEqual(16);
      await tier.stop();
    }
  });

  it('a put interrupted before its commit leaves the old value and frees its block', async () => {
    const slabs = RamSlabs.create({ capacityBytes: MiB, slabBytes: MiB });
    const tier = new RamTier({ slabs });
    await tier.start();
    const old = new Rng(5).bytes(3000);
    await tier.put('k', old);
    const before = await tier.stats();
    // What a crash mid-put leaves: the new record written into a free block, state never flipped.
    const key = enc.encode('k');
    const next = new Rng(6).bytes(3000);
    const cls = classFor(key.length, next.length);
    const off = freeBlock(slabs, cls);
    writeRecord(slabView(slabs.buffers[0]), off, key, next, slabs.nextSeq(), WRITING);
    const after = new RamTier({ slabs });
    await after.start();
    expect(Buffer.from((await after.get('k'))!).equals(Buffer.from(old))).toBe(true);
    const st = await after.stats();
    expect(st.entries).toBe(1);
    expect(st.extra!.unfinishedPutsRecovered).toBe(1);
    expect(st.extra!.freeBytes).toBe(before.extra!.freeBytes);
  });

  it('an overwrite interrupted after its commit but before freeing the old record keeps the new value', async () => {
    const slabs = RamSlabs.create({ capacityBytes: MiB, slabBytes: MiB });
    const tier = new RamTier({ slabs });
    await tier.start();
    await tier.put('k', new Rng(7).bytes(2000));
    const before = await tier.stats();
    const key = enc.encode('k');
    const next = new Rng(8).bytes(2000);
    const off = freeBlock(slabs, classFor(key.length, next.length));
    writeRecord(slabView(slabs.buffers[0]), off, key, next, slabs.nextSeq(), LIVE);
    const after = new RamTier({ slabs });
    await after.start();
    expect(Buffer.from((await after.get('k'))!).equals(Buffer.from(next))).toBe(true);
    const st = await after.stats();
    expect(st.entries).toBe(1);
    expect(st.extra!.supersededRecordsRecovered).toBe(1);
    expect(st.extra!.freeBytes).toBe(before.extra!.freeBytes);
  });

  it('a byte flipped in a stored blob is an IntegrityError on get, never wrong bytes', async () => {
    const slabs = RamSlabs.create({ capacityBytes: MiB, slabBytes: MiB });
    const tier = new RamTier({ name: 'ram0', slabs });
    await tier.start();
    await tier.put('victim', new Rng(9).bytes(1000));
    await tier.put('other', new Rng(10).bytes(1000));
    const v = slabView(slabs.buffers[0]);
    for (let off = 0; off < v.u8.length; off += 2 ** readHeader(v, off).cls) {
      const h = readHeader(v, off);
      if (h.state === LIVE && h.keyLen === 6 && Buffer.from(v.u8.slice(off + HEADER_BYTES, off + HEADER_BYTES + 6)).toString() === 'victim') {
        v.u8[off + blobOffset(6) + 500] ^= 0x10;
      }
    }
    const err = await tier.get('victim').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntegrityError);
    expect(String((err as Error).message)).toContain('victim');
    expect(String((err as Error).message)).toContain('ram0');
    expect((await tier.get('other'))!.length).toBe(1000);
  });
});
