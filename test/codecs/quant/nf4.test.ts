import { describe, expect, it } from 'vitest';
import { nf4 } from '../../../src/codecs/nf4.js';
import { NF4_CODE, nearestNf4 } from '../../../src/codecs/quant/nf4-code.js';
import { CodecError, FormatError } from '../../../src/errors/index.js';
import { Rng } from '../../../src/random/rng.js';
import { sqnrDb } from '../../../src/tensor/stats.js';
import { Tensor } from '../../../src/tensor/tensor.js';

const P64 = nf4.params();
const DQ = nf4.params({ doubleQuant: true });
const N = 1 << 20;
const gauss = new Rng(2024).normalArray(N);

function roundTrip(x: Float32Array, p = P64, shape: number[] = [x.length]): Float32Array {
  const payload = nf4.encode(Tensor.fromF32(x, shape), p);
  expect(payload.byteLength).toBe(nf4.payloadBytes(shape, 'F32', p));
  const t = nf4.decode(payload, shape, 'F32', p);
  expect(t.dtype).toBe('F32');
  expect(t.shape).toEqual(shape);
  return t.toF32();
}

describe('nf4 codec', () => {
  it('picks the nearest code, upper code on a tie', () => {
    for (let i = 0; i < 16; i++) expect(nearestNf4(NF4_CODE[i])).toBe(i);
    expect(nearestNf4(-5)).toBe(0);
    expect(nearestNf4(5)).toBe(15);
    for (let i = 0; i < 15; i++) {
      const mid = (NF4_CODE[i] + NF4_CODE[i + 1]) / 2;
      expect(nearestNf4(mid)).toBe(i);
      expect(nearestNf4(mid + 1e-9)).toBe(i + 1);
    }
  });

  it('encodes hand-picked values to known codes, first element in the high nibble', () => {
    const p = nf4.params({ blockSize: 4 });
    const x = new Float32Array([-1, 1, 0, 0.45, 2, -0.5, 0.2, 0]);
    const payload = nf4.encode(Tensor.fromF32(x), p);
    // absmax f32[2] = 1, 2; then codes.
    expect([...payload.subarray(0, 8)]).toEqual([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x40]);
    // block 0: -1 -> 0, 1 -> 15, 0 -> 7, 0.45 -> 12 (0.4407)
    // block 1 (/2): 1 -> 15, -0.25 -> 4 (-0.2844), 0.1 -> 8 (0.0796), 0 -> 7
    expect([...payload.subarray(8)]).toEqual([0x0f, 0x7c, 0xf4, 0x87]);
    const y = nf4.decode(payload, [8], 'F32', p).toF32();
    const want = [0, 15, 7, 12].map((q) => NF4_CODE[q]).concat([15, 4, 8, 7].map((q) => NF4_CODE[q] * 2));
    expect([...y]).toEqual(want.map(Math.fround));
  });

  it(`reaches >= 20.5 dB SQNR on N(0,1) at block 64 (REFERENCE: 20.7)`, () => {
    expect(sqnrDb(gauss, roundTrip(gauss))).toBeGreaterThanOrEqual(20.5);
  });

  it('double quantization costs 4.127 bits/weight and keeps the SQNR', () => {
    const bytes = nf4.payloadBytes([N], 'F32', DQ);
    const nb = N / 64;
    expect(bytes).toBe(4 + 4 * Math.ceil(nb / 256) + nb + N / 2);
    expect(Math.abs((bytes * 8) / N - 4.127)).toBeLessThan(0.01);
    expect((nf4.payloadBytes([N], 'F32', P64) * 8) / N).toBe(4.5);
    expect(sqnrDb(gauss, roundTrip(gauss, DQ))).toBeGreaterThanOrEqual(20.5);
  });

  it('handles an element count that is not a multiple of the block size (short last block)', () => {
    const x = new Rng(3).normalArray(101);
    x[100] = 7; // the short block's absmax
    const payload = nf4.encode(Tensor.fromF32(x), P64);
    expect(payload.byteLength).toBe(2 * 4 + 51);
    expect(new DataView(payload.buffer).getFloat32(4, true)).toBe(7);
    expect(payload[8 + 50] & 0x0f).toBe(7); // odd count: padding nibble is the zero code
    const y = roundTrip(x);
    expect(y[100]).toBe(7);
    expect(sqnrDb(x, y)).toBeGreaterThan(18);
  });

  it('decodes all-zero blocks to exact zeros, with and without double quantization', () => {
    const x = new Float32Array(64 * 600);
    for (let i = 64 * 300; i < x.length; i++) x[i] = gauss[i] * 100;
    for (const p of [P64, DQ]) {
      const y = roundTrip(x, p);
      for (let i = 0; i < 64 * 300; i++) if (y[i] !== 0) throw new Error(`element ${i} is ${y[i]}`);
    }
  });

  it('accepts other block sizes, shapes and input dtypes', () => {
    const x = gauss.subarray(0, 4096);
    const y32 = roundTrip(x, nf4.params({ blockSize: 32 }), [64, 64]);
    const y256 = roundTrip(x, nf4.params({ blockSize: 256 }), [4, 4, 256]);
    expect(sqnrDb(x, y32)).toBeGreaterThan(sqnrDb(x, y256));
    const bf = Tensor.fromF32(x).to('BF16');
    const y = nf4.decode(nf4.encode(bf, P64), [4096], 'BF16', P64).toF32();
    expect(sqnrDb(bf.toF32(), y)).toBeGreaterThan(20);
    expect([...roundTrip(new Float32Array([-3]), P64, [])]).toEqual([-3]);
  });

  it('refuses NaN or infinite input with CodecError naming the element', () => {
    const x = new Float32Array(100);
    x[37] = NaN;
    x[50] = Infinity;
    expect(() => nf4.encode(Tensor.fromF32(x), P64)).toThrow(CodecError);
    expect(() => nf4.encode(Tensor.fromF32(x), P64)).toThrow(/element 37/);
  });

  it('decodes from an unaligned payload', () => {
    const x = gauss.subarray(0, 1000);
    for (const p of [P64, DQ]) {
      const payload = nf4.encode(Tensor.fromF32(x), p);
      const shifted = new Uint8Array(payload.byteLength + 1).subarray(1);
      shifted.set(payload);
      expect(nf4.decode(shifted, [1000], 'F32', p).toF32()).toEqual(nf4.decode(payload, [1000], 'F32', p).toF32());
    }
  });

  describe('malformed payloads', () => {
    const x = gauss.subarray(0, 512);
    const good = nf4.encode(Tensor.fromF32(x), P64);
    const goodDq = nf4.encode(Tensor.fromF32(x), DQ);
    const patched = (src: Uint8Array, at: number, v: number): Uint8Array => {
      const b = src.slice();
      new DataView(b.buffer).setFloat32(at, v, true);
      return b;
    };

    it('rejects a wrong length', () => {
      expect(() => nf4.decode(good.subarray(1), [512], 'F32', P64)).toThrow(FormatError);
      expect(() => nf4.decode(good, [512], 'F32', DQ)).toThrow(FormatError);
      expect(() => nf4.decode(good, [513], 'F32', P64)).toThrow(FormatError);
    });

    it('rejects NaN, infinite or negative absmax', () => {
      for (const v of [NaN, Infinity, -1]) {
        expect(() => nf4.decode(patched(good, 4, v), [512], 'F32', P64)).toThrow(/nf4\.absmax\[1\]/);
      }
    });

    it('rejects a bad double-quantization mean or scale', () => {
      expect(() => nf4.decode(patched(goodDq, 0, NaN), [512], 'F32', DQ)).toThrow(/absmaxMean/);
      for (const v of [NaN, Infinity, -0.5]) {
        expect(() => nf4.decode(patched(goodDq, 4, v), [512], 'F32', DQ)).toThrow(/absmaxScale\[0\]/);
      }
    });

    it('never yields non-finite values from a huge (finite) scale', () => {
      const y = nf4.decode(patched(goodDq, 4, 3e38), [512], 'F32', DQ).toF32();
      for (const v of y) expect(Number.isFinite(v)).toBe(true);
    });
  });
});
