/**
 * NF4 decode and the 16-bit float casts, native vs TS reference at every
 * dispatch level. Tolerance: NONE (bit-exact): NF4 is one float32 multiply
 * code·absmax, casts are exact conversions (NaN stays quiet with its payload).
 */
import { describe, expect, it, vi } from 'vitest';
import { nf4 } from '../../src/codecs/nf4.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { bf16BitsToF32, f16Table } from '../../src/tensor/half.js';
import { kernels } from '../../src/kernels/index.js';
import { nativeAddon } from '../../src/kernels/native.js';
import { LEVELS, firstBitDiff, useLevel, withReference } from './native-helpers.js';

// Block sizes from the smallest legal one up, with short last blocks and odd n.
const CASES: readonly [blockSize: number, n: number][] = [[2, 7], [6, 61], [64, 1000], [64, 4096], [100, 333], [256, 1031]];

if (LEVELS.length === 0) {
  it('without the addon the kernel table is empty (TS reference kernels only)', () => {
    expect(Object.keys(kernels.dequantize)).toEqual([]);
    expect(kernels.int8Dequantize).toBeUndefined();
  });
}

for (const level of LEVELS) {
  describe(`nf4 and casts at level ${level}`, () => {
    it('nf4 decodes bit-exactly, with and without double quantization', () => {
      useLevel(level);
      const spy = vi.spyOn(nativeAddon()!, 'nf4Dequantize');
      const rng = new Rng(20);
      for (const [blockSize, n] of CASES) {
        for (const doubleQuant of [false, true]) {
          const p = nf4.params({ blockSize, doubleQuant });
          const t = Tensor.fromF32(rng.normalArray(n, 3), [n]);
          const payload = nf4.encode(t, p);
          const want = withReference(() => nf4.decode(payload, t.shape, 'F32', p)).toF32();
          const got = nf4.decode(payload, t.shape, 'F32', p).toF32();
          expect(firstBitDiff(got, want), `blockSize ${blockSize} n ${n} dq ${doubleQuant}`).toBe(-1);
        }
      }
      expect(spy).toHaveBeenCalledTimes(CASES.length * 2); // the native path really ran
      spy.mockRestore();
    });

    it('nf4 kernel rejects mismatched layouts at the JS boundary and in the addon', () => {
      useLevel(level);
      const dst = new Float32Array(10);
      const absmax = new Float32Array(3);
      expect(() => kernels.nf4Dequantize!(new Uint8Array(4), absmax, 4, dst)).toThrow(/code bytes/);
      expect(() => kernels.nf4Dequantize!(new Uint8Array(5), new Float32Array(2), 4, dst)).toThrow(/absmax/);
      expect(() => kernels.nf4Dequantize!(new Uint8Array(5), absmax, 3, dst)).toThrow(/blockSize/);
      expect(() => nativeAddon()!.nf4Dequantize(new Uint8Array(4), absmax, 4, dst)).toThrow(RangeError);
    });

    it('f16 -> f32 matches the reference table for all 65536 patterns (and odd lengths/offsets)', () => {
      useLevel(level);
      const bits = new Uint16Array(65536).map((_, i) => i);
      const src = new Uint8Array(bits.buffer);
      const got = new Float32Array(65536);
      kernels.castToF32.F16!(src, got);
      expect(firstBitDiff(got, f16Table())).toBe(-1);
      for (const n of [0, 1, 7, 15, 17, 33]) {
        const odd = new Uint8Array(2 * n + 1).subarray(1);
        odd.set(src.subarray(2 * 1000, 2 * (1000 + n)));
        const out = new Float32Array(n);
        kernels.castToF32.F16!(odd, out);
        expect(firstBitDiff(out, f16Table().subarray(1000, 1000 + n))).toBe(-1);
      }
    });

    it('bf16 -> f32 matches the reference for all 65536 patterns', () => {
      useLevel(level);
      const bits = new Uint16Array(65536).map((_, i) => i);
      const got = new Float32Array(65536);
      kernels.castToF32.BF16!(new Uint8Array(bits.buffer), got);
      const want = new Float32Array(65536);
      const wantBits = new Uint32Array(want.buffer);
      for (let h = 0; h < 65536; h++) {
        want[h] = bf16BitsToF32(h);
        if (Number.isNaN(want[h])) wantBits[h] = h << 16; // a JS number cannot carry NaN bits
      }
      expect(firstBitDiff(got, want)).toBe(-1);
      expect(() => kernels.castToF32.BF16!(new Uint8Array(3), new Float32Array(2))).toThrow(/need 4 bytes/);
    });
  });
}
