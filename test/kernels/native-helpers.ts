/**
 * Shared by the kernel parity tests: the levels to loop over, seeded payloads
 * with finite (or deliberately broken) scales, and bit-exact comparison.
 */
import { CODECS } from '../../src/codecs/registry.js';
import type { AnyCodec } from '../../src/codecs/codec.js';
import { NATIVE_GGML, kernelLevels, setKernelLevel, setNativeKernels } from '../../src/kernels/index.js';
import { Rng } from '../../src/random/rng.js';

/** Every dispatch level this machine supports ([] when the addon is not built). */
export const LEVELS: readonly string[] = kernelLevels();

/** Registry rows that have a native decode kernel. */
export const NATIVE_GGML_ROWS: readonly AnyCodec[] = CODECS.filter((c) => c.ggmlType !== undefined && c.ggmlType in NATIVE_GGML);

/** Byte offsets of the fp16 scale fields inside one block, by GGML type. */
export const SCALE_FIELDS: Readonly<Record<number, readonly number[]>> = {
  8: [0], 2: [0], 3: [0, 2], 6: [0], 7: [0, 2], 12: [0, 2], 14: [208],
};

/** Random block bytes (every bit pattern of the quants) with finite fp16 scales. */
export function randomPayload(ggmlType: number, blocks: number, rng: Rng): Uint8Array {
  const { bytes } = NATIVE_GGML[ggmlType];
  const p = rng.bytes(blocks * bytes);
  for (let b = 0; b < blocks; b++) {
    for (const off of SCALE_FIELDS[ggmlType]) {
      // Exponent 0..29 keeps the scale finite and values far from overflow.
      const at = b * bytes + off;
      p[at + 1] = (p[at + 1] & 0x83) | ((rng.int(30) & 0x1f) << 2);
    }
  }
  return p;
}

/** Index of the first element whose f32 bits differ, or -1. */
export function firstBitDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return i;
  return -1;
}

/** Run `fn` with the TS reference kernels only, then restore native. */
export function withReference<T>(fn: () => T): T {
  setNativeKernels(false);
  try {
    return fn();
  } finally {
    setNativeKernels(true);
  }
}

/** Switch to `level` (and native kernels on). */
export function useLevel(level: string): void {
  setNativeKernels(true);
  setKernelLevel(level);
}

/** The error a thunk throws (or undefined), for comparing outcomes. */
export function thrown(fn: () => unknown): { name: string; message: string } | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    const err = e as Error;
    return { name: err.constructor.name, message: err.message };
  }
}
