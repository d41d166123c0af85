/**
 * INT8 decode and fp8 → f32 casts: native vs the TS reference at every
 * dispatch level. Tolerance: NONE (bit-exact), including groups that
 * saturate at ±f32 max and zero points far outside the int8 range.
 */
import { describe, expect, it, vi } from 'vitest';
import { int8, type Int8Params } from '../../src/codecs/int8.js';
import { kernels } from '../../src/kernels/index.js';
import { nativeAddon } from '../../src/kernels/native.js';
import { Rng } from '../../src/random/rng.js';
import { bytesToF32 } from '../../src/tensor/convert.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { LEVELS, firstBitDiff, useLevel, withReference } from './native-helpers.js';

const VARIANTS: Partial<Int8Params>[] = [];
for (const scheme of ['symmetric', 'asymmetric'] as const) {
  VARIANTS.push({ scheme, granularity: 'tensor' });
  for (const blockSize of [64, 7, 1]) VARIANTS.push({ scheme, granularity: 'block', blockSize });
  for (const axis of [0, 1, -1]) VARIANTS.push({ scheme, granularity: 'channel', axis });
}

if (LEVELS.length === 0) {
  it('without the addon the kernel table is empty (TS reference kernels only)', () => {
    expect(Object.keys(kernels.dequantize)).toEqual([]);
    expect(kernels.int8Dequantize).toBeUndefined();
  });
}

for (const level of LEVELS) {
  describe(`int8 and fp8 decode at level ${level}`, () => {
    it('int8: every scheme × granularity is bit-exact with the reference', () => {
      useLevel(level);
      const rng = new Rng(900);
      const spy = vi.spyOn(nativeAddon()!, 'int8Dequantize');
      for (const raw of VARIANTS) {
        const p = int8.params(raw);
        const shape = [5, 6, 13];
        const t = Tensor.fromF32(rng.normalArray(5 * 6 * 13, 3), shape);
        const payload = int8.encode(t, p);
        const got = int8.decode(payload, shape, 'F32', p).toF32();
        const want = withReference(() => int8.decode(payload, shape, 'F32', p)).toF32();
        expect(firstBitDiff(got, want), JSON.stringify(raw)).toBe(-1);
      }
      expect(spy).toHaveBeenCalledTimes(VARIANTS.length);
      spy.mockRestore();
    });

    it('int8: hand-made payloads — huge scales (saturation) and far zero points — stay bit-exact', () => {
      useLevel(level);
      const rng = new Rng(901);
      const p = int8.params({ scheme: 'asymmetric', granularity: 'block', blockSize: 16 });
      const n = 16 * 8;
      const payload = new Uint8Array(8 * 8 + n);
      const dv = new DataView(payload.buffer);
      const scales = [1e37, 3.4e38, 0.5, 1e-30, 0, 2.5, 7e36, 1];
      const zps = [0, -100, 2 ** 24, -(2 ** 30), 5, 2 ** 23 - 3, 127, -(2 ** 31)];
      for (let g = 0; g < 8; g++) {
        dv.setFloat32(4 * g, scales[g], true);
        dv.setInt32(32 + 4 * g, zps[g], true);
      }
      payload.set(rng.bytes(n), 64);
      const got = int8.decode(payload, [n], 'F32', p).toF32();
      const want = withReference(() => int8.decode(payload, [n], 'F32', p)).toF32();
      expect(firstBitDiff(got, want)).toBe(-1);
      expect(got.some((v) => Math.abs(v) === 3.4028234663852886e38)).toBe(true);
    });

    it('fp8 E4M3 / E5M2 → f32 is bit-exact for all 256 patterns and random arrays', () => {
      useLevel(level);
      const all = Uint8Array.from({ length: 256 }, (_, i) => i);
      const random = new Rng(902).bytes(10_001);
      for (const dtype of ['F8_E4M3', 'F8_E5M2'] as const) {
        for (const src of [all, random, random.subarray(3)]) {
          const got = new Float32Array(src.length);
          kernels.castToF32[dtype]!(src, got);
          expect(firstBitDiff(got, bytesToF32(dtype, src))).toBe(-1);
        }
        expect(() => kernels.castToF32[dtype]!(all, new Float32Array(255))).toThrow(/bytes/);
      }
    });

    it('int8 kernel checks its arguments at the JS boundary', () => {
      useLevel(level);
      const k = kernels.int8Dequantize!;
      expect(() => k(new Int8Array(4), new Float32Array(1), null, 4, new Float32Array(5))).toThrow(/q.length/);
      expect(() => k(new Int8Array(4), new Float32Array(1), null, 0, new Float32Array(4))).toThrow(/run/);
      expect(() => k(new Int8Array(4), new Float32Array(0), null, 4, new Float32Array(4))).toThrow(/scales/);
      expect(() => k(new Int8Array(4), new Float32Array(2), new Int32Array(1), 2, new Float32Array(4))).toThrow(/zps/);
    });
  });
}
