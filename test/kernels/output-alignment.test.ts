/**
 * The AVX-512 decoders write through an aligned-store sink (native/src/sink512.h):
 * every store is a whole 64-byte line, the first and last partial lines masked;
 * the AVX2 GGML decoders through its 32-byte twin (native/src/simd_avx2.h).
 * These tests decode into views at every 4-byte offset inside a cache line,
 * between guard values, at every level: the output must be bit-exact and no
 * byte outside the view may change — also when the first block is malformed
 * (nothing decoded) and for the 16-bit casts with a scalar tail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeAddon } from '../../src/kernels/native.js';
import { Rng } from '../../src/random/rng.js';
import { NATIVE_GGML, kernels } from '../../src/kernels/index.js';
import { bytesToF32 } from '../../src/tensor/convert.js';
import { LEVELS, NATIVE_GGML_ROWS, SCALE_FIELDS, firstBitDiff, randomPayload, useLevel } from './native-helpers.js';

const GUARD = 12345.5;

/** A Float32Array of n at float offset `off` inside a guarded, 64-byte-aligned buffer. */
function guarded(n: number, off: number): { view: Float32Array; all: Float32Array } {
  const all = new Float32Array(n + 64).fill(GUARD);
  return { view: all.subarray(16 + off, 16 + off + n), all };
}

function guardsIntact(all: Float32Array, view: Float32Array): boolean {
  const start = view.byteOffset / 4;
  for (let i = 0; i < all.length; i++) {
    if ((i < start || i >= start + view.length) && all[i] !== GUARD) return false;
  }
  return true;
}

const NT_MODES = LEVELS.length > 0 ? ['regular', 'non-temporal'] : [];

if (LEVELS.length === 0) {
  it('without the addon there are no native decoders (the TS reference writes the output)', () => {
    expect(Object.keys(kernels.dequantize)).toEqual([]);
  });
}

for (const level of LEVELS) for (const nt of NT_MODES) {
  describe(`aligned output stores (${nt}) at level ${level}`, () => {
    // Threshold 0: every output takes the non-temporal path (normally only outputs past the LLC).
    let saved = 0;
    beforeAll(() => {
      if (nt === 'non-temporal') saved = nativeAddon()!.setNtThreshold(0);
    });
    afterAll(() => {
      if (nt === 'non-temporal') nativeAddon()!.setNtThreshold(saved);
    });
    for (const codec of NATIVE_GGML_ROWS) {
      const type = codec.ggmlType!;
      const { qk, bytes } = NATIVE_GGML[type];
      it(`${codec.name}: every output offset decodes bit-exactly and writes nothing outside`, () => {
        useLevel(level);
        const rng = new Rng(300 + type);
        const blocks = 3;
        const payload = randomPayload(type, blocks, rng);
        const want = new Float32Array(blocks * qk);
        expect(kernels.dequantize[type]!(payload, want)).toBe(true);
        for (let off = 0; off < 16; off++) {
          const { view, all } = guarded(blocks * qk, off);
          expect(kernels.dequantize[type]!(payload, view)).toBe(true);
          expect(firstBitDiff(view, want), `offset ${off}`).toBe(-1);
          expect(guardsIntact(all, view), `guards at offset ${off}`).toBe(true);
        }
      });

      it(`${codec.name}: a bad scale in block 0 writes nothing outside the output`, () => {
        useLevel(level);
        const payload = randomPayload(type, 2, new Rng(400 + type));
        payload[SCALE_FIELDS[type][0] + 1] = 0x7c; // +Inf
        for (let off = 0; off < 16; off++) {
          const { view, all } = guarded(2 * qk, off);
          expect(kernels.dequantize[type]!(payload, view)).toBe(false);
          expect(guardsIntact(all, view), `guards at offset ${off}`).toBe(true);
        }
        expect(bytes).toBeGreaterThan(0);
      });
    }

    for (const dtype of ['F16', 'BF16'] as const) {
      it(`${dtype} cast: lengths 0..40 at every offset are exact and stay inside`, () => {
        useLevel(level);
        const rng = new Rng(dtype === 'F16' ? 5 : 6);
        for (const n of [0, 1, 15, 16, 17, 31, 32, 40]) {
          const src = rng.bytes(2 * n);
          const want = bytesToF32(dtype, src);
          for (let off = 0; off < 16; off++) {
            const { view, all } = guarded(n, off);
            kernels.castToF32[dtype]!(src, view);
            expect(firstBitDiff(view, want), `${n} values at offset ${off}`).toBe(-1);
            expect(guardsIntact(all, view), `guards, ${n} values at offset ${off}`).toBe(true);
          }
        }
      });
    }
  });
}
