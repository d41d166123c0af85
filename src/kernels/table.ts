/**
 * The kernel table: native overrides that codec rows consult before running
 * their TypeScript reference kernels, keyed like the registry (GGML type id;
 * NF4 and the 16-bit casts by name). An entry is absent when the addon is
 * not loaded, so a codec does `kernels.dequantize[type]?.(src, dst)` and
 * falls back to its reference on `undefined`. The entries' shapes are in
 * kernel-types.ts, how they are filled from the addon in fill-native.ts.
 */
import { nativeAddon } from './native.js';
import type { KernelTable } from './kernel-types.js';
import { clearKernels, fillNative } from './fill-native.js';
import { type F32BlockDecoder, type Nf4F32Decoder, composeHalfKernel, composeNf4HalfKernel } from './half-fallback.js';

export { NATIVE_GGML, NATIVE_MATVEC, NATIVE_QUANTIZE } from './geometry.js';
export type * from './kernel-types.js';

/** The one kernel table, filled once at load when the addon is present. */
export const kernels: KernelTable = {
  dequantize: {},
  dequantizeAsync: {},
  dequantizeF16: {},
  dequantizeBf16: {},
  quantize: {},
  matvec: {},
  castToF32: {},
};

let enabled = false;

// Reference f32 decoders registered by the codecs (the layer above), from
// which the decode-to-f16/bf16 entries are composed when native is off.
const references = new Map<number, { decode: F32BlockDecoder; qk: number; bytes: number }>();
let nf4Reference: Nf4F32Decoder | undefined;

function fillFallback(t: KernelTable): void {
  for (const [type, r] of references) {
    t.dequantizeF16[type] = composeHalfKernel(r.decode, r.qk, r.bytes, 'F16');
    t.dequantizeBf16[type] = composeHalfKernel(r.decode, r.qk, r.bytes, 'BF16');
  }
  if (nf4Reference) {
    t.nf4DequantizeF16 = composeNf4HalfKernel(nf4Reference, 'F16');
    t.nf4DequantizeBf16 = composeNf4HalfKernel(nf4Reference, 'BF16');
  }
}

/**
 * Registers a codec's TS reference decoder of whole blocks, so that
 * `kernels.dequantizeF16/Bf16[ggmlType]` exist (composed in TS: decode a
 * chunk to f32, narrow) when the native addon is missing or turned off. The
 * TS fallback throws the reference's FormatError on a malformed block.
 */
export function registerReferenceDecoder(ggmlType: number, qk: number, bytes: number, decode: F32BlockDecoder): void {
  references.set(ggmlType, { decode, qk, bytes });
  if (!enabled) fillFallback(kernels);
}

/** The same for NF4 (codes with the first element in the high nibble, absmax per block). */
export function registerNf4ReferenceDecoder(decode: Nf4F32Decoder): void {
  nf4Reference = decode;
  if (!enabled) fillFallback(kernels);
}

/**
 * Use native kernels (true, the default when the addon loads) or the TS
 * reference kernels only (false). Returns whether native kernels are now in
 * use. For parity tests and benchmarks; process-wide.
 */
export function setNativeKernels(on: boolean): boolean {
  const a = on ? nativeAddon() : null;
  clearKernels(kernels);
  if (a) fillNative(kernels, a);
  else fillFallback(kernels);
  enabled = a !== null;
  return enabled;
}

/** Whether the table currently holds native kernels. */
export function nativeKernelsEnabled(): boolean {
  return enabled;
}

setNativeKernels(true);
