/** containerCrc: a container blob's whole-blob CRC-32 from its trailer in O(header) — what the tiers store instead of a pass over the bytes. */
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../src/format/checksum.js';
import { compressTensor } from '../../src/format/compress.js';
import { containerCrc } from '../../src/hive/encode.js';
import { gaussian } from './fixtures.js';

describe('containerCrc', () => {
  it('equals the CRC-32 of the whole blob for every kind of blob', () => {
    const t = gaussian(9, [8, 256]);
    for (const codec of ['raw', 'q8_0', 'q4_0']) {
      const blob = compressTensor(t, codec);
      expect(containerCrc(blob), codec).toBe(crc32(blob));
      // A view inside a larger buffer too.
      const padded = new Uint8Array(blob.byteLength + 16);
      padded.set(blob, 8);
      expect(containerCrc(padded.subarray(8, 8 + blob.byteLength)), codec).toBe(crc32(blob));
    }
  });

  it('is undefined for bytes that are not one whole container', () => {
    const blob = compressTensor(gaussian(10, [4, 64]), 'q8_0');
    expect(containerCrc(new TextEncoder().encode('{"v":1,"key":"w"}'))).toBeUndefined();
    expect(containerCrc(blob.subarray(0, blob.byteLength - 1))).toBeUndefined();
    const extra = new Uint8Array(blob.byteLength + 1);
    extra.set(blob);
    expect(containerCrc(extra)).toBeUndefined();
    const badHeader = blob.slice();
    badHeader[9] ^= 1; // inside the header: its CRC fails
    expect(containerCrc(badHeader)).toBeUndefined();
    expect(containerCrc(new Uint8Array(3))).toBeUndefined();
  });
});
