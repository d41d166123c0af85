/**
 * Disk tier crash recovery: a segment cut anywhere reopens with every whole
 * record exact and the torn one dropped (the file truncated back to the last
 * good record); a flipped byte is reported, never returned as data.
 */
import { describe, expect, it } from 'vitest';
import { copyFile, mkdir, readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IntegrityError } from '../../src/errors/index.js';
import { Rng } from '../../src/random/rng.js';
import { DiskTier } from '../../src/tiers/disk/index.js';
import { tempDir } from '../helpers/tmp.js';

const HEADER = 20;
const enc = new TextEncoder();

type Op = { key: string; value: Uint8Array | undefined; end: number };

/** Writes ops into one segment; returns each op with the byte offset where its record ends. */
async function writeLog(dir: string, rng: Rng): Promise<Op[]> {
  const tier = new DiskTier({ dir, capacityBytes: 1 << 26, fsync: 'none', autoCompact: false });
  await tier.start();
  const ops: Op[] = [];
  let end = 0;
  const put = async (key: string, value: Uint8Array): Promise<void> => {
    await tier.put(key, value);
    end += HEADER + enc.encode(key).length + value.length;
    ops.push({ key, value, end });
  };
  for (let i = 0; i < 12; i++) await put(`w${i}`, rng.bytes(rng.int(3000)));
  await put('w3', rng.bytes(500)); // overwrite
  await tier.delete('w5');
  end += HEADER + 2;
  ops.push({ key: 'w5', value: undefined, end });
  await put('tail', rng.bytes(2000));
  await tier.stop();
  return ops;
}

function expected(ops: Op[], upTo: number): Map<string, Uint8Array> {
  const m = new Map<string, Uint8Array>();
  for (const op of ops) {
    if (op.end > upTo) break;
    if (op.value) m.set(op.key, op.value);
    else m.delete(op.key);
  }
  return m;
}

async function expectExact(tier: DiskTier, values: Map<string, Uint8Array>): Promise<void> {
  expect((await tier.keys()).sort()).toEqual([...values.keys()].sort());
  for (const [k, v] of values) expect(Buffer.from((await tier.get(k))!).equals(Buffer.from(v)), k).toBe(true);
}

async function segmentFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.seg')).sort();
}

describe('disk tier recovery', () => {
  it('a last segment cut at any point keeps every whole record exact and drops the torn one', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const src = join(dir, 'src');
      const ops = await writeLog(src, new Rng(21));
      const [seg] = await segmentFiles(src);
      const total = ops.at(-1)!.end;
      expect((await stat(join(src, seg))).size).toBe(total);
      // Every boundary, a byte either side of it, inside headers, keys and values.
      const cuts = new Set<number>([0, 1, 7, 19, 20, 21, total - 1]);
      for (const op of ops) for (const d of [-HEADER - 1, -17, -3, -1, 0, 1, 5]) cuts.add(Math.min(total, Math.max(0, op.end + d)));
      const rng = new Rng(22);
      for (let i = 0; i < 20; i++) cuts.add(rng.int(total));
      let n = 0;
      for (const cut of [...cuts].sort((a, b) => a - b)) {
        const work = join(dir, `cut${n++}`);
        await mkdir(work);
        await copyFile(join(src, seg), join(work, seg));
        await truncate(join(work, seg), cut);
        const tier = new DiskTier({ dir: work, capacityBytes: 1 << 26, fsync: 'none' });
        await tier.start();
        await expectExact(tier, expected(ops, cut));
        const good = Math.max(0, ...ops.filter((o) => o.end <= cut).map((o) => o.end));
        expect((await tier.stats()).extra!.tornTailBytes, `cut ${cut}`).toBe(cut - good);
        // New writes append after the last good record and survive a restart.
        await tier.put('after', enc.encode(`cut ${cut}`));
        await tier.stop();
        expect((await stat(join(work, seg))).size).toBe(good + HEADER + 5 + enc.encode(`cut ${cut}`).length);
        const again = new DiskTier({ dir: work, capacityBytes: 1 << 26, fsync: 'none' });
        await again.start();
        const want = expected(ops, cut);
        want.set('after', enc.encode(`cut ${cut}`));
        await expectExact(again, want);
        expect((await again.stats()).extra!.tornTailBytes).toBe(0);
        await again.stop();
      }
    } finally {
      await cleanup();
    }
  });

  it('a byte flipped in a middle record’s value is an IntegrityError for that key only', async () => {
    for (const segmentBytes of [1 << 26, 4096]) {
      // One big last segment (values checked at start), then many sealed ones (checked on get).
      const { dir, cleanup } = await tempDir();
      try {
        const ops = await writeLog(dir, new Rng(23));
        const values = expected(ops, Infinity);
        const files = await segmentFiles(dir);
        expect(files.length).toBe(1);
        if (segmentBytes === 4096) {
          // Rewrite through a tier with small segments and compaction so the victim sits in a sealed segment.
          const t = new DiskTier({ dir, capacityBytes: 1 << 26, fsync: 'none', segmentBytes });
          await t.start();
          await t.compact();
          await t.stop();
        }
        const tier0 = new DiskTier({ dir, capacityBytes: 1 << 26, fsync: 'none', segmentBytes });
        await tier0.start();
        await tier0.stop();
        // Find w7's value in whatever segment holds it and flip one bit in the middle of it.
        let flipped = false;
        for (const f of await segmentFiles(dir)) {
          const bytes = await readFile(join(dir, f));
          const at = bytes.indexOf(Buffer.from(values.get('w7')!));
          if (at >= 0 && values.get('w7')!.length > 10) {
            bytes[at + 5] ^= 0x04;
            await writeFile(join(dir, f), bytes);
            flipped = true;
          }
        }
        expect(flipped).toBe(true);
        const tier = new DiskTier({ dir, name: 'd1', capacityBytes: 1 << 26, fsync: 'none', segmentBytes });
        await tier.start();
        const err = await tier.get('w7').catch((e: unknown) => e);
        expect(err).toBeInstanceOf(IntegrityError);
        expect((err as Error).message).toContain('"w7"');
        expect((err as Error).message).toContain('d1');
        expect(await tier.has('w7')).toBe(true);
        values.delete('w7');
        for (const [k, v] of values) expect(Buffer.from((await tier.get(k))!).equals(Buffer.from(v)), k).toBe(true);
        // Deleting the damaged key clears it for good.
        expect(await tier.delete('w7')).toBe(true);
        await expectExact(tier, values);
        await tier.stop();
      } finally {
        await cleanup();
      }
    }
  });

  it('a byte flipped in a middle record’s header drops that record and keeps the rest', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const ops = await writeLog(dir, new Rng(24));
      const [seg] = await segmentFiles(dir);
      const bytes = await readFile(join(dir, seg));
      const w2 = ops.find((o) => o.key === 'w2')!;
      const start = w2.end - (HEADER + 2 + w2.value!.length);
      bytes[start + 16] ^= 0x01; // valueLen: the lengths can no longer be trusted
      await writeFile(join(dir, seg), bytes);
      const tier = new DiskTier({ dir, capacityBytes: 1 << 26, fsync: 'none' });
      await tier.start();
      const values = expected(ops, Infinity);
      values.delete('w2');
      await expectExact(tier, values);
      const st = await tier.stats();
      expect(st.extra!.corruptRegions).toBe(1);
      expect(st.extra!.corruptRegionBytes).toBe(HEADER + 2 + w2.value!.length);
      expect(st.extra!.tornTailBytes).toBe(0);
      await tier.stop();
    } finally {
      await cleanup();
    }
  });

  it('a damaged header before a value that holds record-shaped bytes never brings those fake records to life', async () => {
    const { dir, cleanup } = await tempDir();
    const { dir: inner, cleanup: cleanupInner } = await tempDir();
    try {
      // A value whose bytes are a whole segment with a record of key 'fake'.
      const nested = new DiskTier({ dir: inner, capacityBytes: 1 << 20, fsync: 'none' });
      await nested.start();
      await nested.put('fake', enc.encode('FAKE'));
      await nested.stop();
      const [innerSeg] = await segmentFiles(inner);
      const carrier = new Uint8Array(await readFile(join(inner, innerSeg)));
      const rng = new Rng(25);
      const values = new Map<string, Uint8Array>([['a', rng.bytes(300)], ['carrier', carrier], ['b', rng.bytes(300)]]);
      const tier = new DiskTier({ dir, capacityBytes: 1 << 20, fsync: 'none' });
      await tier.start();
      for (const [k, v] of values) await tier.put(k, v);
      await tier.stop();
      const [seg] = await segmentFiles(dir);
      const bytes = await readFile(join(dir, seg));
      const carrierAt = HEADER + 1 + 300;
      for (const flip of [0, 5, 12, HEADER]) {
        // Magic, hcrc, flags, key: each fails the header while its lengths still hold.
        const damaged = Buffer.from(bytes);
        damaged[carrierAt + flip] ^= 0x80;
        await writeFile(join(dir, seg), damaged);
        const again = new DiskTier({ dir, capacityBytes: 1 << 20, fsync: 'none' });
        await again.start();
        expect((await again.keys()).sort(), `flip at ${flip}`).toEqual(['a', 'b']);
        expect(Buffer.from((await again.get('b'))!).equals(Buffer.from(values.get('b')!))).toBe(true);
        expect((await again.stats()).extra!.corruptRegionBytes).toBe(HEADER + 7 + carrier.length);
        await again.stop();
      }
    } finally {
      await cleanup();
      await cleanupInner();
    }
  });
});
