/**
 * The disk tier's put/get options and I/O modes: a caller that knows the
 * blob's CRC hands it over (stored as the record's value checksum, never
 * trusted blindly: a wrong one fails the verified read); a caller that checks
 * the blob itself reads with `verify: false` (header and key still checked);
 * 'sync' I/O behaves exactly as 'async'.
 */
import { describe, expect, it } from 'vitest';
import { open } from 'node:fs/promises';
import { ArgumentError, IntegrityError } from '../../src/errors/index.js';
import { crc32 } from '../../src/format/checksum.js';
import { Rng } from '../../src/random/rng.js';
import { DiskTier } from '../../src/tiers/disk/index.js';
import { segmentPath } from '../../src/tiers/disk/segments.js';
import { RECORD_HEADER_BYTES } from '../../src/tiers/disk/record.js';
import { tempDir } from '../helpers/tmp.js';

const MiB = 1024 * 1024;
const same = (a: Uint8Array | undefined, b: Uint8Array): boolean => a !== undefined && Buffer.from(a).equals(Buffer.from(b));

async function flipByte(dir: string, at: number): Promise<void> {
  const fh = await open(segmentPath(dir, 1), 'r+');
  try {
    const b = new Uint8Array(1);
    await fh.read(b, 0, 1, at);
    b[0] ^= 0x04;
    await fh.write(b, 0, 1, at);
  } finally {
    await fh.close();
  }
}

describe.each(['async', 'sync'] as const)('disk tier options (io %s)', (io) => {
  it('put with a known crc32 reads back verified; a wrong one fails the verified get; a bad one is refused', async () => {
    const { dir, cleanup } = await tempDir('tensorhive-disk-opt-');
    const tier = new DiskTier({ dir, capacityBytes: 4 * MiB, fsync: 'none', io });
    try {
      await tier.start();
      const v = new Rng(1).bytes(100_000);
      await tier.put('good', v, { crc32: crc32(v) });
      expect(same(await tier.get('good'), v)).toBe(true);
      await tier.put('lie', v, { crc32: (crc32(v) ^ 0x100) >>> 0 });
      const err = await tier.get('lie').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IntegrityError);
      expect((err as Error).message).toContain('"lie"');
      for (const crc of [-1, 2 ** 32, 0.5, Number.NaN]) await expect(tier.put('x', v, { crc32: crc })).rejects.toBeInstanceOf(ArgumentError);
      expect(await tier.has('x')).toBe(false);
      await tier.put('after', v); // 'lie' is not the last record: a failing last record would be taken for a torn tail
      // Restarted, the stored checksums are what the scan checks too.
      await tier.stop();
      const again = new DiskTier({ dir, capacityBytes: 4 * MiB, fsync: 'none', io });
      await again.start();
      expect(same(await again.get('good'), v)).toBe(true);
      await expect(again.get('lie')).rejects.toBeInstanceOf(IntegrityError);
      await again.stop();
    } finally {
      await tier.stop();
      await cleanup();
    }
  });

  it('verify: false leaves the value check to the caller but still checks header and key', async () => {
    const { dir, cleanup } = await tempDir('tensorhive-disk-opt-');
    const tier = new DiskTier({ dir, capacityBytes: 4 * MiB, fsync: 'none', io });
    try {
      await tier.start();
      const v = new Rng(2).bytes(50_000);
      await tier.put('k', v);
      expect(same(await tier.get('k', { verify: false }), v)).toBe(true);
      await flipByte(dir, RECORD_HEADER_BYTES + 1 + 777); // in the value
      await expect(tier.get('k')).rejects.toBeInstanceOf(IntegrityError);
      const raw = (await tier.get('k', { verify: false }))!;
      expect(raw.byteLength).toBe(v.byteLength);
      expect(crc32(raw)).not.toBe(crc32(v)); // the caller's own check (a container's CRC) catches it
      await flipByte(dir, RECORD_HEADER_BYTES); // the key
      const err = await tier.get('k', { verify: false }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IntegrityError);
      expect((err as Error).message).toContain('"k"');
    } finally {
      await tier.stop();
      await cleanup();
    }
  });
});

describe('disk tier io option', () => {
  it('is checked', () => {
    expect(() => new DiskTier({ dir: '/tmp/x', capacityBytes: MiB, io: 'mmap' as 'sync' })).toThrow(/options\.io must be 'sync' or 'async'/);
  });
});
