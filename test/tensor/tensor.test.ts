import { describe, expect, it } from 'vitest';
import { ArgumentError, CapacityError, DTypeError, ShapeError } from '../../src/errors/index.js';
import { type DType, Tensor } from '../../src/tensor/index.js';

describe('Tensor', () => {
  it('wraps an ArrayBuffer without copying: writes on either side are visible to the other', () => {
    const buf = new ArrayBuffer(16);
    const t = new Tensor('F32', [2, 2], buf);
    expect(t.bytes.buffer).toBe(buf);
    new Float32Array(buf)[3] = 7;
    expect(t.toF32()[3]).toBe(7);
    t.toF32()[0] = -1; // aligned F32: toF32 is a view
    expect(new Float32Array(buf)[0]).toBe(-1);
  });

  it('wraps a SharedArrayBuffer without copying', () => {
    const sab = new SharedArrayBuffer(8);
    const t = new Tensor('F16', [4], sab);
    expect(t.bytes.buffer).toBe(sab);
    new Uint16Array(sab)[1] = 0x3c00; // 1.0
    expect(Array.from(t.toF32())).toEqual([0, 1, 0, 0]);
    t.bytes[0] = 0x00;
    t.bytes[1] = 0xc0; // -2.0
    expect(new Uint16Array(sab)[0]).toBe(0xc000);
  });

  it('wraps a typed-array view at its offset', () => {
    const buf = new ArrayBuffer(32);
    const view = new Float32Array(buf, 8, 4);
    view.set([1, 2, 3, 4]);
    const t = new Tensor('F32', [4], view);
    expect(t.bytes.byteOffset).toBe(8);
    expect(t.bytes.buffer).toBe(buf);
    expect(Array.from(t.toF32())).toEqual([1, 2, 3, 4]);
    const i16 = new Tensor('I16', [2, 2], new DataView(buf, 8, 8));
    expect(i16.byteLength).toBe(8);
  });

  it('converts misaligned views correctly', () => {
    const src = new Float32Array([1.5, -2, 1e-3, 65504]);
    const buf = new ArrayBuffer(src.byteLength + 1);
    const bytes = new Uint8Array(buf, 1, src.byteLength);
    bytes.set(new Uint8Array(src.buffer));
    const t = new Tensor('F32', [4], bytes);
    expect(Array.from(t.toF32())).toEqual(Array.from(src)); // a copy, since it cannot be a view
    expect(Array.from(t.to('F16').toF32())).toEqual([1.5, -2, Math.fround(0.0010004043579101562), 65504]);
    const i64 = Tensor.fromF32As('I64', new Float32Array([5, -6]));
    const odd = new Uint8Array(new ArrayBuffer(17), 1, 16);
    odd.set(i64.bytes);
    expect(Array.from(new Tensor('I64', [2], odd).toF32())).toEqual([5, -6]);
  });

  it('rejects byte counts that do not match the shape', () => {
    expect(() => new Tensor('F32', [3], new ArrayBuffer(8))).toThrow(ShapeError);
    expect(() => new Tensor('F32', [3], new ArrayBuffer(8))).toThrow(/needs 12 bytes, got 8/);
    expect(() => new Tensor('F16', [2, 2], new Uint8Array(9))).toThrow(ShapeError);
    expect(() => Tensor.fromF32(new Float32Array(6), [4, 2])).toThrow(ShapeError);
  });

  it('rejects bad shapes, dtypes and data with typed errors', () => {
    expect(() => new Tensor('F32', [-1], new ArrayBuffer(0))).toThrow(ShapeError);
    expect(() => new Tensor('F32', [1.5], new ArrayBuffer(0))).toThrow(/shape\[0\] must be a non-negative integer/);
    expect(() => new Tensor('F32', 'x' as unknown as number[], new ArrayBuffer(0))).toThrow(ShapeError);
    expect(() => new Tensor('F33' as DType, [1], new ArrayBuffer(4))).toThrow(ArgumentError);
    expect(() => new Tensor('F32', [2], 8 as unknown as ArrayBuffer)).toThrow(ArgumentError);
    expect(() => new Tensor('U8', [2], [1, 2] as unknown as ArrayBuffer)).toThrow(ArgumentError);
    expect(() => new Tensor('U8', [2], null as unknown as ArrayBuffer)).toThrow(ArgumentError);
    expect(() => Tensor.zeros('F32', [2 ** 30, 2 ** 30, 2 ** 30])).toThrow(ShapeError);
    // Too large to allocate: a typed error, not a bare RangeError.
    expect(() => Tensor.zeros('F32', [2 ** 25, 2 ** 25])).toThrow(CapacityError);
  });

  it('integer conversions saturate and round', () => {
    const t = Tensor.fromF32As('I8', new Float32Array([300, -300, 1.6, -1.6, 0.5, 1.5]));
    expect(t.dtype).toBe('I8');
    expect(Array.from(new Int8Array(t.bytes.buffer))).toEqual([127, -128, 2, -2, 0, 2]);
    const u = Tensor.fromF32(new Float32Array([-5, 256, 9.49])).to('U8');
    expect(Array.from(u.bytes)).toEqual([0, 255, 9]);
  });

  it('round-trips small values through I64', () => {
    const values = new Float32Array([0, 1, -1, 123456, -(2 ** 31), 2 ** 40]);
    const t = Tensor.fromF32(values).to('I64');
    expect(t.byteLength).toBe(48);
    expect(Array.from(new BigInt64Array(t.bytes.buffer))).toEqual([0n, 1n, -1n, 123456n, -(2n ** 31n), 2n ** 40n]);
    expect(Array.from(t.to('F32').toF32())).toEqual(Array.from(values));
  });

  it('reshape shares bytes; to() returns itself for the same dtype; clone copies into a fresh ArrayBuffer', () => {
    const sab = new SharedArrayBuffer(24);
    const t = new Tensor('F32', [6], sab);
    t.toF32().set([1, 2, 3, 4, 5, 6]);
    const r = t.reshape([2, 3]);
    expect(r.shape).toEqual([2, 3]);
    expect(r.bytes.buffer).toBe(sab);
    r.toF32()[5] = -6;
    expect(t.toF32()[5]).toBe(-6);
    expect(() => t.reshape([4])).toThrow(ShapeError);
    expect(t.to('F32')).toBe(t);

    const bf = t.to('BF16');
    expect(bf.dtype).toBe('BF16');
    expect(bf.shape).toEqual([6]);
    expect(Array.from(bf.toF32())).toEqual([1, 2, 3, 4, 5, -6]);

    const c = r.clone();
    expect(c.shape).toEqual([2, 3]);
    expect(c.bytes.buffer).toBeInstanceOf(ArrayBuffer);
    expect(c.bytes.buffer).not.toBe(sab);
    t.toF32()[0] = 99;
    expect(c.toF32()[0]).toBe(1);
  });

  it('freezes its shape and copies the array it was given', () => {
    const shape = [2, 2];
    const t = Tensor.zeros('F16', shape);
    shape[0] = 5;
    expect(t.shape).toEqual([2, 2]);
    expect(Object.isFrozen(t.shape)).toBe(true);
    expect(t.numel).toBe(4);
    expect(t.byteLength).toBe(8);
    expect(String(t)).toBe('Tensor(F16, [2, 2])');
  });

  it('supports scalars and empty tensors', () => {
    const s = Tensor.fromF32(new Float32Array([3]), []);
    expect(s.numel).toBe(1);
    const e = Tensor.zeros('BF16', [0, 5]);
    expect(e.numel).toBe(0);
    expect(e.toF32().length).toBe(0);
  });

  it('refuses to convert to F64 (read-only dtype)', () => {
    const f64 = new Tensor('F64', [2], new Float64Array([1.25, -3]));
    expect(Array.from(f64.toF32())).toEqual([1.25, -3]);
    expect(() => Tensor.fromF32(new Float32Array(2)).to('F64')).toThrow(DTypeError);
  });
});
