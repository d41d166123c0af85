/**
 * fp16 scale fields inside GGML blocks: little-endian IEEE binary16 at a byte
 * offset. Reads go through the 65536-entry table; writes round to nearest even
 * (ggml's GGML_FP32_TO_FP16 does the same, F16C or software).
 */
import { f16Table, f32ToF16Bits } from '../../tensor/half.js';

/** The shared f16 -> f32 table (one lookup per scale read). */
export const F16_TABLE: Float32Array = f16Table();

/** Write `value` as fp16 at `dst[off..off+2]`; returns the bits written. */
export function writeF16(dst: Uint8Array, off: number, value: number): number {
  const h = f32ToF16Bits(value);
  dst[off] = h & 0xff;
  dst[off + 1] = h >>> 8;
  return h;
}

/** The fp16 bits stored at `src[off..off+2]`. */
export function readF16Bits(src: Uint8Array, off: number): number {
  return src[off] | (src[off + 1] << 8);
}

/** True when fp16 `bits` are ±Infinity or NaN. */
export function f16IsNonFinite(bits: number): boolean {
  return (bits & 0x7c00) === 0x7c00;
}
