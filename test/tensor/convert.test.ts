import { describe, expect, it } from 'vitest';
import { DTypeError } from '../../src/errors/index.js';
import { bytesToF32, f32ToBytes } from '../../src/tensor/convert.js';
import { DTYPES, type DType } from '../../src/tensor/dtype.js';

const WRITABLE = (Object.keys(DTYPES) as DType[]).filter((d) => !DTYPES[d].readOnly);

/** Values exactly representable in every dtype (BOOL aside). */
const EXACT: Record<DType, number[]> = {
  F64: [0, 1, -2.5, 1e30],
  F32: [0, 1, -2.5, 1e30, 1e-40],
  F16: [0, 1, -2.5, 65504, 2 ** -24],
  BF16: [0, 1, -2.5, 2 ** 100, -(2 ** -120)],
  F8_E4M3: [0, 1, -2.5, 448, 2 ** -9],
  F8_E5M2: [0, 1, -2.5, 57344, 2 ** -16],
  I64: [0, 1, -7, 2 ** 40, -(2 ** 31)],
  I32: [0, 1, -7, 2 ** 30, -(2 ** 31)],
  I16: [0, 1, -7, 32767, -32768],
  I8: [0, 1, -7, 127, -128],
  U8: [0, 1, 7, 255, 128],
  BOOL: [0, 1, 1, 0, 1],
};

/** A Uint8Array view starting at an odd byte offset, holding a copy of `src`. */
function misaligned(src: Uint8Array): Uint8Array {
  const buf = new ArrayBuffer(src.byteLength + 3);
  const view = new Uint8Array(buf, 1, src.byteLength);
  view.set(src);
  return view;
}

describe('bytesToF32 / f32ToBytes', () => {
  it.each(WRITABLE)('round-trips exact values of %s, aligned and misaligned', (dtype) => {
    const values = new Float32Array(EXACT[dtype]);
    const bytes = f32ToBytes(dtype, values);
    expect(bytes.byteLength).toBe(values.length * DTYPES[dtype].bytes);
    expect(Array.from(bytesToF32(dtype, bytes))).toEqual(Array.from(values));
    // Reading from an odd offset gives the same numbers.
    expect(Array.from(bytesToF32(dtype, misaligned(bytes)))).toEqual(Array.from(values));
    // Writing into an odd-offset output gives the same bytes, and nothing around it changes.
    const out = misaligned(new Uint8Array(bytes.byteLength).fill(0xaa));
    const around = new Uint8Array(out.buffer);
    around.fill(0x55);
    f32ToBytes(dtype, values, out);
    expect(Array.from(out)).toEqual(Array.from(bytes));
    expect(around[0]).toBe(0x55);
    expect(around[around.length - 1]).toBe(0x55);
  });

  it('writes little-endian bytes', () => {
    expect(Array.from(f32ToBytes('F32', new Float32Array([1])))).toEqual([0, 0, 0x80, 0x3f]);
    expect(Array.from(f32ToBytes('F16', new Float32Array([1])))).toEqual([0, 0x3c]);
    expect(Array.from(f32ToBytes('BF16', new Float32Array([1])))).toEqual([0x80, 0x3f]);
    expect(Array.from(f32ToBytes('I16', new Float32Array([-2])))).toEqual([0xfe, 0xff]);
    expect(Array.from(f32ToBytes('I64', new Float32Array([258])))).toEqual([2, 1, 0, 0, 0, 0, 0, 0]);
  });

  it('saturates and rounds (ties to even) integer conversions; NaN becomes 0', () => {
    const x = new Float32Array([127.4, 127.6, 200, -128.6, -1000, 2.5, -2.5, 3.5, -3.5, -0.5, 0.5, NaN, Infinity, -Infinity]);
    expect(Array.from(bytesToF32('I8', f32ToBytes('I8', x)))).toEqual([127, 127, 127, -128, -128, 2, -2, 4, -4, 0, 0, 0, 127, -128]);
    expect(Array.from(bytesToF32('U8', f32ToBytes('U8', x)))).toEqual([127, 128, 200, 0, 0, 2, 0, 4, 0, 0, 0, 0, 255, 0]);
    expect(Array.from(bytesToF32('I16', f32ToBytes('I16', new Float32Array([40000, -40000, 1.5, 254.5]))))).toEqual([
      32767, -32768, 2, 254,
    ]);
    const i32 = new Int32Array(f32ToBytes('I32', new Float32Array([3e9, -3e9, -1.5, Infinity])).buffer);
    expect(Array.from(i32)).toEqual([2147483647, -2147483648, -2, 2147483647]);
    const i64 = new BigInt64Array(f32ToBytes('I64', new Float32Array([1e30, -1e30, -6.5, NaN])).buffer);
    expect(Array.from(i64)).toEqual([2n ** 63n - 1024n, -(2n ** 63n), -6n, 0n]);
  });

  it('reads I64 values beyond f32 precision to the nearest f32', () => {
    const b = new BigInt64Array([2n ** 40n + 1n, -(2n ** 62n)]);
    expect(Array.from(bytesToF32('I64', new Uint8Array(b.buffer)))).toEqual([2 ** 40, -(2 ** 62)]);
  });

  it('writes BOOL as 0/1', () => {
    expect(Array.from(f32ToBytes('BOOL', new Float32Array([0, -0, 0.1, -3, NaN, Infinity])))).toEqual([0, 0, 1, 1, 0, 1]);
  });

  it('fp8 encodes saturate', () => {
    expect(Array.from(bytesToF32('F8_E4M3', f32ToBytes('F8_E4M3', new Float32Array([1e6, -Infinity]))))).toEqual([448, -448]);
    expect(Array.from(bytesToF32('F8_E5M2', f32ToBytes('F8_E5M2', new Float32Array([1e6, -Infinity]))))).toEqual([
      57344, -57344,
    ]);
  });

  it('reads F64 but never writes it', () => {
    const f64 = new Float64Array([1.5, -1e300, 1e-300]);
    expect(Array.from(bytesToF32('F64', new Uint8Array(f64.buffer)))).toEqual([1.5, -Infinity, 0]);
    expect(() => f32ToBytes('F64', new Float32Array(1))).toThrow(DTypeError);
  });

  it('rejects byte counts that are not whole elements and outputs of the wrong size', () => {
    expect(() => bytesToF32('F32', new Uint8Array(5))).toThrow(/5 bytes is not a whole number of F32/);
    expect(() => bytesToF32('F16', new Uint8Array(4), new Float32Array(3))).toThrow(DTypeError);
    expect(() => f32ToBytes('F16', new Float32Array(2), new Uint8Array(3))).toThrow(DTypeError);
    expect(() => bytesToF32('X' as DType, new Uint8Array(4))).toThrow(DTypeError);
  });
});
