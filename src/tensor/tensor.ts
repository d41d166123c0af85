/**
 * A Tensor is a dtype, a shape and a contiguous little-endian byte view. The
 * bytes may live in an ArrayBuffer or a SharedArrayBuffer; constructing a
 * Tensor never copies.
 */
import { ArgumentError, CapacityError, ShapeError } from '../errors/index.js';
import { bytesToF32, f32ToBytes } from './convert.js';
import { type DType, dtypeInfo, isDType } from './dtype.js';
import { type Shape, checkShape, formatShape, numel } from './shape.js';

export type TensorData = ArrayBufferLike | ArrayBufferView;

function asBytes(data: TensorData): Uint8Array {
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  // Anything else (a number, a plain array) would make Uint8Array allocate or copy.
  // Tag check rather than instanceof so buffers from another realm are accepted.
  const tag = Object.prototype.toString.call(data);
  if (tag === '[object ArrayBuffer]' || tag === '[object SharedArrayBuffer]') return new Uint8Array(data);
  throw new ArgumentError('data must be an ArrayBuffer, a SharedArrayBuffer or an ArrayBufferView');
}

export class Tensor {
  readonly dtype: DType;
  readonly shape: Shape;
  /** The element bytes, little-endian, row-major. */
  readonly bytes: Uint8Array;

  constructor(dtype: DType, shape: Shape, data: TensorData) {
    if (!isDType(dtype)) throw new ArgumentError(`dtype must be one of the known dtypes, got ${JSON.stringify(dtype)}`);
    this.dtype = dtype;
    this.shape = Object.freeze([...checkShape(shape)]);
    this.bytes = asBytes(data);
    const want = numel(this.shape) * dtypeInfo(dtype).bytes;
    if (this.bytes.byteLength !== want) {
      throw new ShapeError(
        `${dtype} tensor of shape ${formatShape(this.shape)} needs ${want} bytes, got ${this.bytes.byteLength}`,
      );
    }
  }

  /** Wrap f32 values (no copy). Shape defaults to 1-D. */
  static fromF32(values: Float32Array, shape: Shape = [values.length]): Tensor {
    return new Tensor('F32', shape, values);
  }

  /** Convert f32 values into a new tensor of `dtype`. */
  static fromF32As(dtype: DType, values: Float32Array, shape: Shape = [values.length]): Tensor {
    return new Tensor(dtype, shape, f32ToBytes(dtype, values));
  }

  static zeros(dtype: DType, shape: Shape): Tensor {
    const n = numel(checkShape(shape)) * dtypeInfo(dtype).bytes;
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(n);
    } catch (cause) {
      throw new CapacityError(`cannot allocate ${n} bytes for a ${dtype} tensor of shape ${formatShape(shape)}`, { cause });
    }
    return new Tensor(dtype, shape, bytes);
  }

  get numel(): number {
    return numel(this.shape);
  }

  get byteLength(): number {
    return this.bytes.byteLength;
  }

  /** f32 values: a view when the tensor is aligned F32, otherwise a converted copy. */
  toF32(): Float32Array {
    if (this.dtype === 'F32' && this.bytes.byteOffset % 4 === 0) {
      return new Float32Array(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength / 4);
    }
    return bytesToF32(this.dtype, this.bytes);
  }

  /** This tensor as `dtype` (itself when already that dtype). */
  to(dtype: DType): Tensor {
    if (dtype === this.dtype) return this;
    return new Tensor(dtype, this.shape, f32ToBytes(dtype, this.toF32()));
  }

  /** Same bytes, another shape with the same element count. */
  reshape(shape: Shape): Tensor {
    return new Tensor(this.dtype, shape, this.bytes);
  }

  /** A copy whose bytes live in a fresh ArrayBuffer (safe to transfer). */
  clone(): Tensor {
    return new Tensor(this.dtype, this.shape, this.bytes.slice());
  }

  toString(): string {
    return `Tensor(${this.dtype}, ${formatShape(this.shape)})`;
  }
}
