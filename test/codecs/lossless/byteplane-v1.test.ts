/**
 * byteplane format v1 payloads — written by the encoder before the format
 * version field and the compact Huffman tables existed (pinned as bytes,
 * generated from the seeded tensors below) — must keep decoding bit-exactly:
 * such payloads live in .thive files and disk tiers. Damaged v1 payloads
 * still fail with typed errors only, and headers of unknown versions are
 * refused.
 */
import { describe, expect, it } from 'vitest';
import { byteplane } from '../../../src/codecs/byteplane.js';
import { FormatError, TensorhiveError } from '../../../src/errors/index.js';
import { Rng } from '../../../src/random/rng.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { weights } from './data.js';
import { mutate } from './mutate.js';
import { sameBytes } from './same-bytes.js';

/** BF16 weights (n = 300, seed 7): header 0x01 (v1, rotated), methods [raw, huffman], a 128-byte length table. */
const V1_BF16 =
  'AQECAAEXWYRuWdDXKOZ4QThpRFQCQVEJ/5Q9R6UYcgW7noo1srkOq7aNWhaUSSmGqeriEY2KRpUjDZTtXXqw/gj0vloIrEsdC+sf' +
  'MJEv6ZoCjwpanAKonZ0o4xkDhRL5DX5a/Q21oQYgHwBSKFKfRBEheQS3QUBtqy427JloEUa0Btgsl/ZfDT3ZEx0ymU8jLMBASX0p' +
  'oAeCZ1wcoyPj05HGd3YCGEGGj5fAqmU35tYsK0hX5XaqAVXCSU7/fMYPS5BDknjllpyWHbkZBhxK4d+OYcMyBQT/9G1pRyLiOxkk' +
  'k/p/Budi1etFoblbKHp0f5FDyasX+O8d+XmJtQ+8miqpcs3UABqeCIA6ISVhIVQN3RIcURY+XaEbJN/JYSNkAINREz8VzQ97v347' +
  'OkfGV3AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAYABQRjMiAwAAAAAAAAAA' +
  'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAGAAAADQWDwKmYpp2jaKjU7D' +
  '/jn7zkAHtxdNdVLRKmd5CmGAit0za1GxRHvkoVUqkLMQVq4KFcq//7L3MF55PcIzVywLFBqjVIVbR2IioR9BMiUWqA7VOHLPagI+' +
  'Jm51OudtgwA=';

/** F32 holding BF16 values (n = 64, seed 8): methods [raw, constant, raw, huffman]. */
const V1_F32 =
  'AQEEAAIAAAEAAQEBAAAAAQAAAQEAAQAAAAEAAQEBAAABAQEAAQABAQEBAAABAAEAAQEAAAEAAQEAAAABAAAAAAEAAAEBAAAA5GaU' +
  'IszO5nagEl7OmpCM5HgQ/FBoAJow1jYC9OxWkMbw4CQQmjpqFgS8YmhIXuyYMjJQxCbyjvy+tvSYMOAeAnh6d3B4d3d5eXp6dnh5' +
  'eXd6eXh5eHd5end0enh5eXh5eHl6enl5eHp5eHh4cHh1eXl4eHd4d3d4dnV3eXd4eHQ=';

const CASES: [string, string, () => Tensor][] = [
  ['BF16 weights', V1_BF16, () => weights('BF16', 300, 7)],
  ['F32 holding BF16 values', V1_F32, () => Tensor.fromF32(weights('BF16', 64, 8).toF32())],
];

const bytes = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, 'base64'));

describe('byteplane format v1 payloads', () => {
  it.each(CASES)('%s: the pinned v1 payload decodes bit-exactly', (_name, b64, make) => {
    const t = make();
    const v1 = bytes(b64);
    expect([v1[0], v1[1] >> 4]).toEqual([1, 0]); // coded, version nibble 0
    expect(sameBytes(byteplane.decode(v1, t.shape, t.dtype, {}).bytes, t.bytes)).toBe(true);
  });

  it.each(CASES)('%s: today\'s encoder writes v2, smaller, with the same decode', (_name, b64, make) => {
    const t = make();
    const v2 = byteplane.encode(t, byteplane.params());
    expect([v2[0], v2[1] >> 4]).toEqual([1, 2]);
    expect(v2.byteLength).toBeLessThan(bytes(b64).byteLength);
    expect(sameBytes(byteplane.decode(v2, t.shape, t.dtype, {}).bytes, t.bytes)).toBe(true);
  });

  it('refuses unknown format versions and flags with FormatError naming the field', () => {
    const t = weights('BF16', 300, 7);
    for (const header of [0x11, 0x31, 0xf1, 0x03, 0x25]) {
      const bad = bytes(V1_BF16);
      bad[1] = header;
      expect(() => byteplane.decode(bad, t.shape, t.dtype, {})).toThrow(FormatError);
    }
    const bad = bytes(V1_BF16);
    bad[1] = 0x31;
    expect(() => byteplane.decode(bad, t.shape, t.dtype, {})).toThrow(/version 3 is unknown/);
  });

  it('damaged v1 payloads give the right shape or a TensorhiveError, never another exception', () => {
    const rng = new Rng(3030);
    const seeds = CASES.map(([, b64, make]) => ({ t: make(), payload: bytes(b64) }));
    let threw = 0;
    for (let m = 0; m < 1000; m++) {
      const { t, payload } = seeds[m % seeds.length];
      try {
        const back = byteplane.decode(mutate(payload, rng), t.shape, t.dtype, {});
        expect(back.bytes.byteLength).toBe(t.bytes.byteLength);
      } catch (err) {
        if (!(err instanceof TensorhiveError)) throw new Error(`mutation ${m}: ${String(err)}`, { cause: err });
        threw++;
      }
    }
    expect(threw).toBeGreaterThan(250);
  });
});
