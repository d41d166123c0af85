/**
 * Disk tier sequential put/get vs a raw file write/read of the same bytes,
 * measured in the same run, alternating rounds: each round writes `total`
 * bytes as `blobBytes` blobs through the DiskTier driver (fsync 'none', one
 * sync() at the end) and the same blobs with fs.writeSync into one file (one
 * fsync at the end), then reads them all back both ways. Ratios are tier
 * MB/s over raw MB/s (median over rounds); ≥ 0.8 is the goal.
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Lib } from './hive-lib.js';
import { median } from './hive-lib.js';

export interface DiskFigures {
  readonly blobBytes: number;
  readonly totalBytes: number;
  readonly tierWriteMBps: number;
  readonly rawWriteMBps: number;
  readonly tierReadMBps: number;
  readonly rawReadMBps: number;
  readonly writeRatio: number;
  readonly readRatio: number;
}

export async function diskBench(lib: Lib, quick: boolean): Promise<DiskFigures> {
  const blobBytes = 1 << 20;
  const count = quick ? 24 : 96;
  const rounds = quick ? 3 : 5;
  const blobs = Array.from({ length: count }, (_, i) => new Uint8Array(blobBytes).fill(i & 0xff));
  const total = blobBytes * count;
  const root = mkdtempSync(join(tmpdir(), 'tensorhive-bench-disk-'));
  const w = { tier: [] as number[], raw: [] as number[], ratio: [] as number[] };
  const r = { tier: [] as number[], raw: [] as number[], ratio: [] as number[] };
  try {
    for (let round = 0; round < rounds; round++) {
      const dir = join(root, `tier-${round}`);
      const tier = new lib.DiskTier({ name: 'disk', dir, capacityBytes: total * 2, segmentBytes: 256 << 20, fsync: 'none', autoCompact: false });
      await tier.start();
      let t0 = performance.now();
      for (let i = 0; i < count; i++) await tier.put(`blob.${i}`, blobs[i]);
      await tier.sync!();
      const tierW = total / 1e6 / ((performance.now() - t0) / 1000);

      const file = join(root, `raw-${round}.bin`);
      t0 = performance.now();
      const fd = openSync(file, 'w');
      for (let i = 0; i < count; i++) writeSync(fd, blobs[i]);
      fsyncSync(fd);
      closeSync(fd);
      const rawW = total / 1e6 / ((performance.now() - t0) / 1000);

      t0 = performance.now();
      let check = 0;
      for (let i = 0; i < count; i++) check += (await tier.get(`blob.${i}`))!.byteLength;
      const tierR = total / 1e6 / ((performance.now() - t0) / 1000);

      t0 = performance.now();
      const rfd = openSync(file, 'r');
      for (let i = 0; i < count; i++) {
        // A fresh buffer per blob, as tier.get returns one the caller owns.
        const buf = new Uint8Array(blobBytes);
        check += readSync(rfd, buf, 0, blobBytes, i * blobBytes);
      }
      closeSync(rfd);
      const rawR = total / 1e6 / ((performance.now() - t0) / 1000);
      if (check !== 2 * total) throw new Error(`disk bench read ${check} bytes, expected ${2 * total}`);
      await tier.stop();
      w.tier.push(tierW), w.raw.push(rawW), w.ratio.push(tierW / rawW);
      r.tier.push(tierR), r.raw.push(rawR), r.ratio.push(tierR / rawR);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return {
    blobBytes,
    totalBytes: total,
    tierWriteMBps: median(w.tier),
    rawWriteMBps: median(w.raw),
    tierReadMBps: median(r.tier),
    rawReadMBps: median(r.raw),
    writeRatio: median(w.ratio),
    readRatio: median(r.ratio),
  };
}
