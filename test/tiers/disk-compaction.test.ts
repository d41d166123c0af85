/** Disk tier compaction, key containment and options. */
import { describe, expect, it } from 'vitest';
import { copyFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ArgumentError } from '../../src/errors/index.js';
import { Rng } from '../../src/random/rng.js';
import { DiskTier } from '../../src/tiers/disk/index.js';
import { tempDir } from '../helpers/tmp.js';

async function expectExact(tier: DiskTier, values: Map<string, Uint8Array>): Promise<void> {
  expect((await tier.keys()).sort()).toEqual([...values.keys()].sort());
  for (const [k, v] of values) expect(Buffer.from((await tier.get(k))!).equals(Buffer.from(v)), k).toBe(true);
}

async function dirBytes(dir: string): Promise<number> {
  let n = 0;
  for (const f of await readdir(dir)) n += (await stat(join(dir, f))).size;
  return n;
}

async function churn(tier: DiskTier, rng: Rng): Promise<Map<string, Uint8Array>> {
  const values = new Map<string, Uint8Array>();
  for (let round = 0; round < 4; round++) {
    for (let i = 0; i < 30; i++) {
      const v = rng.bytes(500 + rng.int(3000));
      values.set(`k${i}`, v);
      await tier.put(`k${i}`, v);
    }
  }
  for (let i = 0; i < 30; i += 3) {
    await tier.delete(`k${i}`);
    values.delete(`k${i}`);
  }
  return values;
}

describe('disk tier compaction', () => {
  it('reclaims dead bytes and keeps every live value, across a restart', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const tier = new DiskTier({ dir, capacityBytes: 1 << 24, segmentBytes: 16 * 1024, fsync: 'none', autoCompact: false });
      await tier.start();
      const values = await churn(tier, new Rng(41));
      const before = await tier.stats();
      expect(before.extra!.deadBytes).toBeGreaterThan(before.usedBytes);
      await tier.compact();
      const after = await tier.stats();
      expect(after.extra!.deadBytes).toBe(0);
      expect(after.extra!.compactions).toBe(1);
      expect(after.extra!.reclaimedBytes).toBe(before.footprintBytes - after.footprintBytes);
      expect(after.usedBytes).toBe(before.usedBytes);
      expect(after.footprintBytes).toBe(after.usedBytes + after.entries * 20 + [...values.keys()].reduce((s, k) => s + k.length, 0));
      await expectExact(tier, values);
      expect(await dirBytes(dir)).toBe(after.footprintBytes);
      await tier.stop();
      const again = new DiskTier({ dir, capacityBytes: 1 << 24, segmentBytes: 16 * 1024 });
      await again.start();
      await expectExact(again, values);
      await again.stop();
    } finally {
      await cleanup();
    }
  });

  it('a compaction interrupted before the old segments were removed loses and resurrects nothing', async () => {
    const { dir, cleanup } = await tempDir();
    const { dir: saved, cleanup: cleanupSaved } = await tempDir();
    try {
      const tier = new DiskTier({ dir, capacityBytes: 1 << 24, segmentBytes: 16 * 1024, fsync: 'none', autoCompact: false });
      await tier.start();
      const values = await churn(tier, new Rng(42));
      await tier.stop();
      const oldFiles = await readdir(dir);
      for (const f of oldFiles) await copyFile(join(dir, f), join(saved, f));
      await tier.start();
      await tier.compact();
      await tier.stop();
      // Put back the newest old segments (as if removal stopped part way, oldest first) and a stray temp file.
      for (const f of oldFiles.sort().slice(Math.floor(oldFiles.length / 2))) await copyFile(join(saved, f), join(dir, f));
      await writeFile(join(dir, '.0000000099.seg.0123456789ab.tmp'), 'half a compaction');
      const again = new DiskTier({ dir, capacityBytes: 1 << 24, segmentBytes: 16 * 1024 });
      await again.start();
      await expectExact(again, values);
      expect((await readdir(dir)).some((f) => f.endsWith('.tmp'))).toBe(false);
      await again.stop();
    } finally {
      await cleanup();
      await cleanupSaved();
    }
  });

  it('compacts on its own once dead bytes outweigh live ones', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const tier = new DiskTier({ dir, capacityBytes: 1 << 24, segmentBytes: 16 * 1024, fsync: 'none' });
      await tier.start();
      const rng = new Rng(43);
      let last: Uint8Array = new Uint8Array(0);
      for (let i = 0; i < 300; i++) {
        last = rng.bytes(2000);
        await tier.put('hot', last);
      }
      await tier.stop(); // waits for any compaction still queued
      // 600 KB were written; what remains is bounded by the trigger (dead ≤ max(live, a segment)) plus slack.
      expect(await dirBytes(dir)).toBeLessThan(4 * 16 * 1024);
      await tier.start();
      expect(Buffer.from((await tier.get('hot'))!).equals(Buffer.from(last))).toBe(true);
      await tier.stop();
    } finally {
      await cleanup();
    }
  });
});

describe('disk tier keys and options', () => {
  it('keys never name files: path-like keys stay inside records in the tier’s own directory', async () => {
    const { dir: parent, cleanup } = await tempDir();
    try {
      const dir = join(parent, 'tier');
      const tier = new DiskTier({ dir, capacityBytes: 1 << 20 });
      await tier.start();
      const values = new Map<string, Uint8Array>();
      const rng = new Rng(44);
      for (const k of ['../../etc/passwd', '../escape', '/tmp/abs', 'a/../../b', '..', '.', 'C:\\windows', '0000000001.seg']) values.set(k, rng.bytes(100));
      for (const [k, v] of values) await tier.put(k, v);
      await tier.stop();
      expect(await readdir(parent)).toEqual(['tier']);
      expect(await readdir(dir)).toEqual(['0000000001.seg']);
      await tier.start();
      await expectExact(tier, values);
      await tier.stop();
    } finally {
      await cleanup();
    }
  });

  it('checks its options and names the one that is wrong', () => {
    const ok = { dir: '/tmp/x', capacityBytes: 1024 };
    expect(() => new DiskTier({ ...ok, dir: '' })).toThrow(/options.dir/);
    expect(() => new DiskTier({ ...ok, capacityBytes: 0 })).toThrow(/options.capacityBytes/);
    expect(() => new DiskTier({ ...ok, capacityBytes: 1.5 })).toThrow(ArgumentError);
    expect(() => new DiskTier({ ...ok, segmentBytes: 10 })).toThrow(/options.segmentBytes/);
    expect(() => new DiskTier({ ...ok, fsync: 'sometimes' as 'none' })).toThrow(/options.fsync/);
    expect(() => new DiskTier({ ...ok, batchMs: -1 })).toThrow(/options.batchMs/);
    expect(() => new DiskTier({ ...ok, name: '' })).toThrow(/options.name/);
  });

  it('reports read and write bandwidth from its own I/O', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const tier = new DiskTier({ dir, capacityBytes: 1 << 24, fsync: 'none' });
      await tier.start();
      expect((await tier.stats()).writeMBps).toBeUndefined();
      await tier.put('x', new Rng(45).bytes(4 << 20));
      await tier.get('x');
      const st = await tier.stats();
      expect(st.writeMBps).toBeGreaterThan(0);
      expect(st.readMBps).toBeGreaterThan(0);
      await tier.stop();
    } finally {
      await cleanup();
    }
  });
});
