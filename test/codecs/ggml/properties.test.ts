/**
 * GGML codec behaviour at the edges: re-quantization, typed errors, NaN/Inf,
 * input dtypes and shapes.
 */
import { describe, expect, it } from 'vitest';
import { ArgumentError, CodecError, DTypeError, FormatError, ShapeError } from '../../../src/errors/index.js';
import { Rng } from '../../../src/random/rng.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { GGML_CASES, roundTrip } from './ggml-types.js';

const byName = (name: string) => GGML_CASES.find((c) => c.codec.name === name)!;

describe('re-quantizing dequantized data', () => {
  const x = new Rng(7).normalArray(1 << 14);
  // Q8_0/Q4_0/Q5_0: the max element comes back as exactly ±127·d / −8·d / −16·d, so the
  // fp16 scale is recomputed exactly and every level sits ≥ 0.5 − O(2^-20) from a rounding
  // boundary: the bytes are identical whenever the stored d is not zero.
  it.each(['q8_0', 'q4_0', 'q5_0'])('%s: encode(decode(encode(x))) has the same bytes', (name) => {
    const c = byName(name);
    const first = roundTrip(c, x);
    const second = roundTrip(c, first.y);
    expect(second.bytes).toEqual(first.bytes);
  });
  // Q4_1/Q5_1: min and the levels come back, but max − min is re-rounded in float32, so
  // only the values (not necessarily d's last bit) are guaranteed to be reproduced closely.
  it.each(['q4_1', 'q5_1'])('%s: decode(encode(y)) ≈ y for already-dequantized y', (name) => {
    const c = byName(name);
    const first = roundTrip(c, x);
    const second = roundTrip(c, first.y);
    for (let i = 0; i < x.length; i++) expect(Math.abs(second.y[i] - first.y[i])).toBeLessThan(1e-3);
  });
  // The K-quants search their scales again, so nothing is asserted for them (Q6_K visibly
  // re-picks the sign of d in some blocks).
});

describe('typed errors', () => {
  it.each(GGML_CASES)('$codec.name: rows that are not whole blocks are a ShapeError naming shape, row and block', (c) => {
    const shape = [3, c.block + 4];
    expect(() => c.codec.check(shape, 'F32', {})).toThrow(ShapeError);
    expect(() => c.codec.payloadBytes(shape, 'F32', {})).toThrow(
      new RegExp(`\\[3, ${c.block + 4}\\].*${c.block + 4}|block size ${c.block}`),
    );
    expect(() => c.codec.encode(Tensor.zeros('F32', []), {})).toThrow(ShapeError); // a scalar is a row of 1
    expect(() => c.codec.check([c.block], 'BOOL', {})).toThrow(DTypeError);
  });

  it.each(GGML_CASES)('$codec.name: a payload of the wrong length is a FormatError', (c) => {
    const shape = [2, c.block];
    expect(() => c.codec.decode(new Uint8Array(2 * c.bytes - 1), shape, 'F32', {})).toThrow(FormatError);
    expect(() => c.codec.decode(new Uint8Array(2 * c.bytes + 1), shape, 'F32', {})).toThrow(/must be \d+ bytes/);
  });

  it.each(GGML_CASES)('$codec.name: a stored scale of Inf/NaN is a FormatError, not Inf/NaN values', (c) => {
    const payload = c.codec.encode(Tensor.fromF32(new Rng(1).normalArray(c.block)), {});
    const off = c.codec.name === 'q6_k' ? 208 : 0;
    payload[off] = 0x00;
    payload[off + 1] = 0x7c; // +Inf
    expect(() => c.codec.decode(payload, [c.block], 'F32', {})).toThrow(FormatError);
  });

  it.each(GGML_CASES)('$codec.name: params take no keys', (c) => {
    expect(c.codec.params()).toEqual({});
    expect(c.codec.params({})).toEqual({});
    expect(() => c.codec.params({ blockSize: 64 })).toThrow(ArgumentError);
    expect(() => c.codec.params({ blockSize: 64 })).toThrow(/params\.blockSize/);
  });

  it.each(GGML_CASES)('$codec.name: row kernels reject partial blocks and wrong buffer sizes', (c) => {
    expect(() => c.quantize(new Float32Array(c.block + 1), new Uint8Array(c.bytes))).toThrow(ArgumentError);
    expect(() => c.quantize(new Float32Array(c.block), new Uint8Array(c.bytes + 1))).toThrow(ArgumentError);
    expect(() => c.dequantize(new Uint8Array(c.bytes - 1), new Float32Array(c.block))).toThrow(ArgumentError);
  });
});

describe('NaN, Inf and huge values', () => {
  // GGML's reference has undefined behaviour for these; tensorhive refuses them with a
  // CodecError naming the element, never emitting bytes that decode to wrong numbers.
  it.each(GGML_CASES)('$codec.name: NaN, ±Inf and |x| > 2^28 are a CodecError naming the element', (c) => {
    for (const bad of [NaN, Infinity, -Infinity, 1e30]) {
      const x = new Rng(3).normalArray(2 * c.block);
      x[c.block + 5] = bad;
      const t = Tensor.fromF32(x);
      expect(() => c.codec.encode(t, {})).toThrow(CodecError);
      expect(() => c.codec.encode(t, {})).toThrow(new RegExp(`element ${c.block + 5}\\b`));
    }
  });

  // Largest magnitudes: Q8_0 127·65504, Q4_0 8·65504, Q5_0 16·65504, Q4_K ≈ 15·63·65504;
  // Q4_1/Q5_1 need |min| ≤ 65504. Values of 1e8 are below the 2^28 input limit but beyond all.
  it.each(GGML_CASES.filter((c) => c.codec.name !== 'q6_k'))(
    '$codec.name: values whose block scale overflows fp16 are a CodecError',
    (c) => {
      const x = new Rng(4).normalArray(c.block);
      for (let i = 0; i < x.length; i++) x[i] = Math.max(-1, Math.min(1, x[i])) * 1e8;
      expect(() => c.codec.encode(Tensor.fromF32(x), {})).toThrow(CodecError);
      expect(() => c.codec.encode(Tensor.fromF32(x), {})).toThrow(/overflows fp16/);
    },
  );

  // Q6_K reaches ≈ 32·128·65504 ≈ 2.68e8, about the 2^28 input limit: near it a block either
  // encodes to finite values or is refused, never Inf.
  it('q6_k: values near 2^28 encode to finite values or are refused', () => {
    const c = byName('q6_k');
    for (const scale of [1e8, 2.6e8, 2 ** 28]) {
      const x = new Rng(4).normalArray(c.block);
      for (let i = 0; i < x.length; i++) x[i] = Math.max(-1, Math.min(1, x[i])) * scale;
      let y: Float32Array | undefined;
      try {
        y = roundTrip(c, x).y;
      } catch (e) {
        expect(e).toBeInstanceOf(CodecError);
      }
      if (y) for (let i = 0; i < y.length; i++) expect(Math.abs(y[i] - x[i])).toBeLessThan(0.05 * scale);
    }
  });

  it.each(GGML_CASES)('$codec.name: subnormal and zero blocks encode and decode to finite values', (c) => {
    const x = new Rng(5).normalArray(2 * c.block);
    for (let i = 0; i < c.block; i++) x[i] *= 1e-40; // f32 subnormals: 1/d overflows in the C code
    for (let i = c.block; i < 2 * c.block; i++) x[i] = 0;
    const { y } = roundTrip(c, x);
    for (let i = 0; i < y.length; i++) expect(Math.abs(y[i])).toBeLessThan(1e-30);
  });
});

describe('inputs and shapes', () => {
  it.each(GGML_CASES)('$codec.name: encodes any numeric dtype as its f32 values, decodes to F32 of the same shape', (c) => {
    const shape = [2, 3, c.block];
    const x = new Rng(9).normalArray(6 * c.block, 4);
    for (const dtype of ['F16', 'BF16', 'F64', 'I8', 'I32'] as const) {
      // F64 is read-only in tensorhive (never written), so build that input from its bytes.
      const t = dtype === 'F64' ? new Tensor('F64', shape, Float64Array.from(x)) : Tensor.fromF32As(dtype, x, shape);
      const bytes = c.codec.encode(t, {});
      expect(bytes.length).toBe(c.codec.payloadBytes(shape, dtype, {}));
      expect(bytes).toEqual(c.codec.encode(Tensor.fromF32(t.toF32(), shape), {}));
      const back = c.codec.decode(bytes, shape, dtype, {});
      expect(back.dtype).toBe('F32');
      expect(back.shape).toEqual(shape);
    }
  });

  it.each(GGML_CASES)('$codec.name: an empty tensor has an empty payload', (c) => {
    const bytes = c.codec.encode(Tensor.zeros('F32', [0, c.block]), {});
    expect(bytes.length).toBe(0);
    expect(c.codec.decode(bytes, [0, c.block], 'F32', {}).numel).toBe(0);
  });

  it.each(GGML_CASES)('$codec.name: the tensor encodes as its rows of blocks, one after another', (c) => {
    const x = new Rng(11).normalArray(4 * c.block);
    const whole = c.codec.encode(Tensor.fromF32(x, [2, 2 * c.block]), {});
    const row1 = c.codec.encode(Tensor.fromF32(x.slice(2 * c.block), [2 * c.block]), {});
    expect(whole.subarray(2 * c.bytes)).toEqual(row1);
  });
});
