/**
 * Element conversions between any dtype's bytes and f32 values. These are the
 * only place that knows how each dtype is laid out in memory (little-endian).
 */
import { DTypeError } from '../errors/index.js';
import { type DType, dtypeInfo } from './dtype.js';
import { bf16ArrayToF32, f16ArrayToF32, f32ArrayToBf16, f32ArrayToF16 } from './half.js';
import { e4m3BitsToF32, e5m2BitsToF32, f32ToE4M3Bits, f32ToE5M2Bits } from './fp8.js';

/** A typed-array view over `bytes` when aligned; otherwise an aligned copy. */
function aligned<T>(bytes: Uint8Array, size: number, make: (b: ArrayBufferLike, off: number, len: number) => T): T {
  const len = bytes.byteLength / size;
  if (bytes.byteOffset % size === 0) return make(bytes.buffer, bytes.byteOffset, len);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return make(copy.buffer, 0, len);
}

/** Decode `bytes` of `dtype` into f32 values (`out` may be given). */
export function bytesToF32(dtype: DType, bytes: Uint8Array, out?: Float32Array): Float32Array {
  const info = dtypeInfo(dtype);
  const n = bytes.byteLength / info.bytes;
  if (!Number.isInteger(n)) throw new DTypeError(`${bytes.byteLength} bytes is not a whole number of ${dtype} elements`);
  const dst = out ?? new Float32Array(n);
  if (dst.length !== n) throw new DTypeError(`output has ${dst.length} elements, input ${n}`);
  switch (dtype) {
    case 'F32':
      dst.set(aligned(bytes, 4, (b, o, l) => new Float32Array(b, o, l)));
      break;
    case 'F64': {
      const src = aligned(bytes, 8, (b, o, l) => new Float64Array(b, o, l));
      for (let i = 0; i < n; i++) dst[i] = src[i];
      break;
    }
    case 'F16':
      f16ArrayToF32(aligned(bytes, 2, (b, o, l) => new Uint16Array(b, o, l)), dst);
      break;
    case 'BF16':
      bf16ArrayToF32(aligned(bytes, 2, (b, o, l) => new Uint16Array(b, o, l)), dst);
      break;
    case 'F8_E4M3':
      for (let i = 0; i < n; i++) dst[i] = e4m3BitsToF32(bytes[i]);
      break;
    case 'F8_E5M2':
      for (let i = 0; i < n; i++) dst[i] = e5m2BitsToF32(bytes[i]);
      break;
    case 'I8':
      dst.set(new Int8Array(bytes.buffer, bytes.byteOffset, n));
      break;
    case 'U8':
    case 'BOOL':
      dst.set(bytes);
      break;
    case 'I16':
      dst.set(aligned(bytes, 2, (b, o, l) => new Int16Array(b, o, l)));
      break;
    case 'I32':
      dst.set(aligned(bytes, 4, (b, o, l) => new Int32Array(b, o, l)));
      break;
    case 'I64': {
      const src = aligned(bytes, 8, (b, o, l) => new BigInt64Array(b, o, l));
      for (let i = 0; i < n; i++) dst[i] = Number(src[i]);
      break;
    }
  }
  return dst;
}

/**
 * Round to nearest, ties to even (like every float conversion here; Math.round
 * alone sends -2.5 to -2 but 2.5 to 3), then saturate to [lo, hi]; NaN -> 0.
 */
function clampInt(x: number, lo: number, hi: number): number {
  if (Number.isNaN(x)) return 0;
  let r = Math.round(x);
  if (r - x === 0.5 && r % 2 !== 0) r -= 1;
  return r < lo ? lo : r > hi ? hi : r;
}

/**
 * Encode f32 values as `dtype` bytes. Floats round to nearest even (fp8
 * saturates); integers round to nearest (ties to even) and saturate, NaN
 * becomes 0.
 */
export function f32ToBytes(dtype: DType, src: Float32Array, out?: Uint8Array): Uint8Array {
  const info = dtypeInfo(dtype);
  if (info.readOnly) throw new DTypeError(`${dtype} is read-only: tensors are never written as ${dtype}`);
  const n = src.length;
  const dst = out ?? new Uint8Array(n * info.bytes);
  if (dst.byteLength !== n * info.bytes) throw new DTypeError(`output has ${dst.byteLength} bytes, need ${n * info.bytes}`);
  const write = <T extends ArrayLike<number> | BigInt64Array>(
    make: (b: ArrayBufferLike, o: number, l: number) => T,
    fill: (view: T) => void,
  ): void => {
    if (dst.byteOffset % info.bytes === 0) fill(make(dst.buffer, dst.byteOffset, n));
    else {
      const tmp = new Uint8Array(dst.byteLength);
      fill(make(tmp.buffer, 0, n));
      dst.set(tmp);
    }
  };
  switch (dtype) {
    case 'F32':
      write((b, o, l) => new Float32Array(b, o, l), (v) => v.set(src));
      break;
    case 'F16':
      write((b, o, l) => new Uint16Array(b, o, l), (v) => f32ArrayToF16(src, v));
      break;
    case 'BF16':
      write((b, o, l) => new Uint16Array(b, o, l), (v) => f32ArrayToBf16(src, v));
      break;
    case 'F8_E4M3':
      for (let i = 0; i < n; i++) dst[i] = f32ToE4M3Bits(src[i]);
      break;
    case 'F8_E5M2':
      for (let i = 0; i < n; i++) dst[i] = f32ToE5M2Bits(src[i]);
      break;
    case 'I8':
      for (let i = 0; i < n; i++) dst[i] = clampInt(src[i], -128, 127) & 0xff;
      break;
    case 'U8':
      for (let i = 0; i < n; i++) dst[i] = clampInt(src[i], 0, 255);
      break;
    case 'BOOL':
      for (let i = 0; i < n; i++) dst[i] = src[i] !== 0 && !Number.isNaN(src[i]) ? 1 : 0;
      break;
    case 'I16':
      write((b, o, l) => new Int16Array(b, o, l), (v) => {
        for (let i = 0; i < n; i++) v[i] = clampInt(src[i], -32768, 32767);
      });
      break;
    case 'I32':
      write((b, o, l) => new Int32Array(b, o, l), (v) => {
        for (let i = 0; i < n; i++) v[i] = clampInt(src[i], -2147483648, 2147483647);
      });
      break;
    case 'I64':
      write((b, o, l) => new BigInt64Array(b, o, l), (v) => {
        for (let i = 0; i < n; i++) v[i] = BigInt(clampInt(src[i], -(2 ** 63), 2 ** 63 - 1024));
      });
      break;
    default:
      throw new DTypeError(`cannot write ${dtype}`);
  }
  return dst;
}
