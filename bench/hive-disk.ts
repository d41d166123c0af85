/**
 * Disk tier sequential put/get vs a raw file write/read of the same bytes,
 * measured in the same run, alternating rounds: each round writes `total`
 * bytes as `blobBytes` container blobs through the DiskTier driver (fsync
 * 'none', one sync() at the end) and the same blobs with fs.writeSync into
 * one file (one fsync at the end), then reads them all back both ways.
 * Ratios are tier MB/s over raw MB/s (median over rounds); ≥ 0.8 is the goal.
 *
 * The driver runs as the hive runs it: io 'sync' (the disk actor is alone in
 * its worker thread), puts carry the blob's CRC-32 (taken from the container
 * trailer in O(1), as the hive does), and gets skip the tier's value checksum
 * (`verify: false`: the hive verifies the container CRC once, while decoding).
 * A fully verified get (the tier's own crc32 of every value) is timed too.
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import type { Lib } from './hive-lib.js';
import { median } from './hive-lib.js';

/** The whole-blob CRC-32 of a container from its trailer (what the hive's containerCrc does). */
function trailerCrc(blob: Uint8Array): number {
  const tail = blob.subarray(blob.byteLength - 4);
  const trailer = new DataView(blob.buffer, blob.byteOffset + blob.byteLength - 4, 4).getUint32(0, true);
  return (zlib as unknown as { crc32(d: Uint8Array, v: number): number }).crc32(tail, trailer) >>> 0;
}

export interface DiskFigures {
  readonly blobBytes: number;
  readonly totalBytes: number;
  readonly tierWriteMBps: number;
  readonly rawWriteMBps: number;
  readonly tierReadMBps: number;
  /** Tier get with its own crc32 of every value (verify: true). */
  readonly tierReadVerifiedMBps: number;
  readonly rawReadMBps: number;
  /** tierReadVerifiedMBps / rawReadMBps. */
  readonly readVerifiedRatio: number;
  readonly writeRatio: number;
  readonly readRatio: number;
}

export async function diskBench(lib: Lib, quick: boolean): Promise<DiskFigures> {
  const blobBytes = 1 << 20;
  const count = quick ? 24 : 96;
  const rounds = quick ? 3 : 5;
  // Container blobs (raw codec) of blobBytes in all, as the hive stores them.
  const container = (n: number, fill: number) => lib.compressTensor(new lib.Tensor('U8', [n], new Uint8Array(n).fill(fill)), 'raw');
  const payload = blobBytes - (container(8, 0).byteLength - 8); // the header + trailer bytes
  const blobs = Array.from({ length: count }, (_, i) => {
    const b = container(payload, i & 0xff);
    if (b.byteLength !== blobBytes) throw new Error(`disk bench blob is ${b.byteLength} bytes, expected ${blobBytes}`);
    return b;
  });
  const crcs = blobs.map(trailerCrc);
  const total = blobBytes * count;
  const root = mkdtempSync(join(tmpdir(), 'tensorhive-bench-disk-'));
  const w = { tier: [] as number[], raw: [] as number[], ratio: [] as number[] };
  const r = { tier: [] as number[], raw: [] as number[], ratio: [] as number[], verified: [] as number[], verifiedRatio: [] as number[] };
  try {
    for (let round = 0; round < rounds; round++) {
      const dir = join(root, `tier-${round}`);
      const tier = new lib.DiskTier({ name: 'disk', dir, capacityBytes: total * 2, segmentBytes: 256 << 20, fsync: 'none', autoCompact: false, io: 'sync' });
      await tier.start();
      let t0 = performance.now();
      for (let i = 0; i < count; i++) await tier.put(`blob.${i}`, blobs[i], { crc32: crcs[i] });
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
      for (let i = 0; i < count; i++) check += (await tier.get(`blob.${i}`, { verify: false }))!.byteLength;
      const tierR = total / 1e6 / ((performance.now() - t0) / 1000);

      t0 = performance.now();
      for (let i = 0; i < count; i++) check += (await tier.get(`blob.${i}`))!.byteLength;
      const tierRV = total / 1e6 / ((performance.now() - t0) / 1000);

      t0 = performance.now();
      const rfd = openSync(file, 'r');
      for (let i = 0; i < count; i++) {
        // A fresh buffer per blob, as tier.get returns one the caller owns.
        const buf = new Uint8Array(blobBytes);
        check += readSync(rfd, buf, 0, blobBytes, i * blobBytes);
      }
      closeSync(rfd);
      const rawR = total / 1e6 / ((performance.now() - t0) / 1000);
      if (check !== 3 * total) throw new Error(`disk bench read ${check} bytes, expected ${3 * total}`);
      await tier.stop();
      w.tier.push(tierW), w.raw.push(rawW), w.ratio.push(tierW / rawW);
      r.tier.push(tierR), r.raw.push(rawR), r.ratio.push(tierR / rawR), r.verified.push(tierRV), r.verifiedRatio.push(tierRV / rawR);
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
    tierReadVerifiedMBps: median(r.verified),
    rawReadMBps: median(r.raw),
    readVerifiedRatio: median(r.verifiedRatio),
    writeRatio: median(w.ratio),
    readRatio: median(r.ratio),
  };
}
