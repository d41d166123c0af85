/**
 * The TypeScript fallback of the decode-to-f16/bf16 kernels, composed from
 * the TS pieces: a reference f32 block decoder (registered by its codec, as
 * the kernels layer sits below the codecs) run over chunks of whole blocks
 * into a small reused f32 scratch, then narrowed with f32ToF16Bits /
 * f32ToBf16Bits. By construction it is what the native kernels must equal.
 */
import { f32ToBf16Bits, f32ToF16Bits } from '../tensor/half.js';
import type { DequantizeHalfKernel, Nf4DequantizeHalfKernel } from './table.js';

/** A reference decoder of whole blocks (throws its FormatError on a malformed block). */
export type F32BlockDecoder = (src: Uint8Array, dst: Float32Array) => void;
export type Nf4F32Decoder = (codes: Uint8Array, absmax: Float32Array, blockSize: number, dst: Float32Array) => void;

const CHUNK = 4096; // values per scratch chunk

/** dst[i] = f16 or bf16 bits of src[i]. */
export function narrowToHalf(src: Float32Array, dst: Uint16Array, to: 'F16' | 'BF16'): void {
  const f = to === 'F16' ? f32ToF16Bits : f32ToBf16Bits;
  for (let i = 0; i < src.length; i++) dst[i] = f(src[i]);
}

/** A DequantizeHalfKernel from a reference block decoder (`qk` values, `bytes` per block). */
export function composeHalfKernel(decode: F32BlockDecoder, qk: number, bytes: number, to: 'F16' | 'BF16'): DequantizeHalfKernel {
  const per = Math.max(1, Math.floor(CHUNK / qk));
  return (src, dst) => {
    const nb = dst.length / qk;
    const scratch = new Float32Array(Math.min(nb, per) * qk);
    for (let b = 0; b < nb; b += per) {
      const k = Math.min(per, nb - b);
      const f = scratch.subarray(0, k * qk);
      decode(src.subarray(b * bytes, (b + k) * bytes), f);
      narrowToHalf(f, dst.subarray(b * qk, (b + k) * qk), to);
    }
    return true;
  };
}

/** The NF4 version: chunks of whole NF4 blocks (one block when it is larger than a chunk). */
export function composeNf4HalfKernel(decode: Nf4F32Decoder, to: 'F16' | 'BF16'): Nf4DequantizeHalfKernel {
  return (codes, absmax, blockSize, dst) => {
    const n = dst.length;
    const per = blockSize >= CHUNK ? blockSize : Math.floor(CHUNK / blockSize) * blockSize;
    const scratch = new Float32Array(Math.min(per, n));
    for (let i = 0; i < n; i += per) {
      const k = Math.min(per, n - i);
      const f = scratch.subarray(0, k);
      decode(codes.subarray(i / 2, Math.ceil((i + k) / 2)), absmax.subarray(i / blockSize, Math.ceil((i + k) / blockSize)), blockSize, f);
      narrowToHalf(f, dst.subarray(i, i + k), to);
    }
  };
}
