/**
 * Payload plumbing shared by the codecs: the length check every decoder runs
 * first, and little-endian f32/i32 sections read from a payload at any offset.
 */
import { CodecError, FormatError } from '../../errors/index.js';

/** Throws FormatError unless the payload is exactly `expected` bytes. */
export function checkPayloadLength(codec: string, payload: Uint8Array, expected: number): void {
  if (payload.byteLength !== expected) {
    throw new FormatError('payload', `${codec} payload must be ${expected} bytes for this shape and params, got ${payload.byteLength}`);
  }
}

/** `count` f32 values at byte `offset` of `payload`: a view when aligned, otherwise a copy. */
export function readF32s(payload: Uint8Array, offset: number, count: number): Float32Array {
  const at = payload.byteOffset + offset;
  if (at % 4 === 0) return new Float32Array(payload.buffer, at, count);
  return new Float32Array(payload.slice(offset, offset + count * 4).buffer);
}

/** `count` i32 values at byte `offset` of `payload`: a view when aligned, otherwise a copy. */
export function readI32s(payload: Uint8Array, offset: number, count: number): Int32Array {
  const at = payload.byteOffset + offset;
  if (at % 4 === 0) return new Int32Array(payload.buffer, at, count);
  return new Int32Array(payload.slice(offset, offset + count * 4).buffer);
}

/**
 * Index of the first NaN or ±Infinity in `values`, or -1. Lossy quantizers
 * refuse such input: a single Inf would turn its whole block into NaN/zero.
 */
export function firstNonFinite(values: Float32Array): number {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v !== 0) return i;
  }
  return -1;
}

/** Throws CodecError naming the first non-finite element. */
export function requireFinite(codec: string, values: Float32Array): void {
  const i = firstNonFinite(values);
  if (i >= 0) {
    throw new CodecError(`${codec} cannot encode non-finite values: element ${i} is ${values[i]}`);
  }
}

/** Largest finite f32. */
export const F32_MAX = 3.4028234663852886e38;
