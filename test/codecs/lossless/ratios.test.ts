/** Compression ratios on characteristic seeded data, and the per-plane / per-layout choices behind them. */
import { describe, expect, it } from 'vitest';
import { deflateSync } from 'node:zlib';
import { DEFAULT_MIN_GAIN, byteplane } from '../../../src/codecs/byteplane.js';
import { dict } from '../../../src/codecs/dict.js';
import { sparse } from '../../../src/codecs/sparse.js';
import { zerorun } from '../../../src/codecs/zerorun.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { fewValues, relu, sparseBits, weights } from './data.js';
import { sameBytes } from './same-bytes.js';

const N = 1 << 16;
const ratio = (payload: Uint8Array, t: Tensor) => payload.byteLength / t.byteLength;

describe('byteplane', () => {
  it('codes BF16 weights to ≤ 0.67 of their size (ZipNN 1.51×), below deflate -9 on the same bytes', () => {
    const t = weights('BF16', N, 11);
    const p = byteplane.encode(t, {});
    expect(p.subarray(0, 5)).toEqual(Uint8Array.of(1, 0x21, 2, 0, 1)); // coded, format v2 + sign rotated, 2 planes: raw mantissa, huffman exponent
    expect(ratio(p, t)).toBeLessThanOrEqual(0.67);
    expect(p.byteLength).toBeLessThan(deflateSync(t.bytes, { level: 9 }).byteLength);
  });

  it('Huffman-codes the exponent plane of F32 weights and stores the high mantissa planes raw', () => {
    const t = weights('F32', N, 12);
    const p = byteplane.encode(t, {});
    // Planes after the sign rotation: [mantissa low 7 + sign, mantissa, mantissa, exponent].
    expect(p[6]).toBe(1);
    expect([p[4], p[5]]).toEqual([0, 0]);
    expect(ratio(p, t)).toBeLessThan(0.84);
  });

  it('reduces planes that hold one byte value to a single byte (F32 holding BF16 values)', () => {
    const bf = weights('BF16', N, 13);
    const t = Tensor.fromF32(bf.toF32());
    const p = byteplane.encode(t, {});
    // Plane 0 holds only the rotated sign bit (Huffman, 1 bit), plane 1 only zeros (constant).
    expect([p[3], p[4], p[6]]).toEqual([1, 2, 1]);
    expect(ratio(p, t)).toBeLessThan(0.5);
  });
});

describe('byteplane compact tables and minGain', () => {
  it('codes small tensors that a 128-byte length table left raw (256 BF16 weights)', () => {
    const t = weights('BF16', 256, 21);
    const p = byteplane.encode(t, {});
    expect([p[0], p[3], p[4]]).toEqual([1, 0, 1]); // coded: raw mantissa plane, Huffman exponent plane
    expect(ratio(p, t)).toBeLessThan(0.72);
  });

  it('leaves a plane raw when coding saves less than minGain of it (F32 sign + low mantissa plane)', () => {
    const t = weights('F32', N, 12);
    const all = byteplane.encode(t, byteplane.params({ minGain: 0 }));
    const dflt = byteplane.encode(t, byteplane.params());
    // This generator's plane 0 saves ~1.4 % when coded: minGain 0 codes it, the default does not.
    expect([all[3], dflt[3]]).toEqual([1, 0]);
    expect(dflt.byteLength).toBeGreaterThan(all.byteLength);
    expect(dflt.byteLength - all.byteLength).toBeLessThan(0.02 * N);
    // A minGain above the exponent plane's saving stores everything raw (mode 0).
    expect(byteplane.encode(t, byteplane.params({ minGain: 0.9 }))[0]).toBe(0);
    for (const p of [all, dflt]) expect(sameBytes(byteplane.decode(p, t.shape, t.dtype, {}).bytes, t.bytes)).toBe(true);
  });

  it('checks minGain: a number in [0, 1), default DEFAULT_MIN_GAIN', () => {
    expect(byteplane.params()).toEqual({ minGain: DEFAULT_MIN_GAIN });
    expect(byteplane.params({ minGain: 0 })).toEqual({ minGain: 0 });
    for (const bad of [-0.1, 1, Number.NaN, '0.1', null]) {
      expect(() => byteplane.params({ minGain: bad })).toThrow(/params\.minGain must be a number in \[0, 1\)/);
    }
  });
});

describe('zerorun', () => {
  it('shrinks ReLU activations with long zero runs', () => {
    const t = relu('F32', N, 14, -1); // ~84 % zeros
    expect(ratio(zerorun.encode(t, {}), t)).toBeLessThan(0.3);
  });
  it('stores a tensor of all zeros in a few bytes', () => {
    const t = Tensor.zeros('F32', [N]);
    expect(zerorun.encode(t, {}).byteLength).toBeLessThanOrEqual(1 + 3 + 1);
  });
});

describe('sparse', () => {
  it('picks gap-coded positions below 1/8 density and a bitmap above', () => {
    const low = sparseBits('F32', N, 4, 0.01, 15);
    const pl = sparse.encode(low, {});
    expect(pl[1]).toBe(2); // coo
    expect(ratio(pl, low)).toBeLessThan(0.01 * (1 + 1 / 4) + 0.002);
    const mid = sparseBits('F32', N, 4, 0.3, 16);
    const pm = sparse.encode(mid, {});
    expect(pm[1]).toBe(1); // bitmap
    expect(ratio(pm, mid)).toBeLessThan(0.3 + 1 / 32 + 0.01);
  });
  it('stores raw when nearly every element is non-zero', () => {
    const t = sparseBits('F32', N, 4, 0.99, 17);
    expect(sparse.encode(t, {})[0]).toBe(0);
  });
});

describe('dict', () => {
  it('codes 16 distinct F32 values in 4 bits each', () => {
    const t = fewValues('F32', N, 4, 16, 18);
    const p = dict.encode(t, {});
    expect(p.byteLength).toBe(1 + 1 + 1 + 16 * 4 + N / 2);
  });
  it('codes a constant tensor in a table of one value and no code bits', () => {
    const t = fewValues('BF16', N, 2, 1, 19);
    expect(dict.encode(t, {}).byteLength).toBe(1 + 1 + 1 + 2);
  });
  it('gives up (stores raw) past 65,536 distinct values', () => {
    const t = weights('F32', 70000, 20);
    expect(dict.encode(t, {})[0]).toBe(0);
  });
});
