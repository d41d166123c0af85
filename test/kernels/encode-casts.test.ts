/**
 * Native f32 → f16 / bf16 / fp8 E4M3 / fp8 E5M2 casts (native/src/cast_encode.cc)
 * vs the TS reference (f32ToBytes) at every dispatch level. Tolerance NONE:
 * every one of the 2^16 high halves of an f32 with low halves that sit on and
 * around each format's rounding ties, plus NaN payloads, subnormals, the
 * overflow/saturation thresholds, odd lengths and unaligned views.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ArgumentError } from '../../src/errors/index.js';
import { bf16, f16, f8e4m3, f8e5m2 } from '../../src/codecs/casts.js';
import { kernels } from '../../src/kernels/index.js';
import { nativeAddon } from '../../src/kernels/native.js';
import { Rng } from '../../src/random/rng.js';
import { f32ToBytes } from '../../src/tensor/convert.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { LEVELS, useLevel } from './native-helpers.js';

const DTYPES = ['F16', 'BF16', 'F8_E4M3', 'F8_E5M2'] as const;
const CODECS = { F16: f16, BF16: bf16, F8_E4M3: f8e4m3, F8_E5M2: f8e5m2 } as const;

// Low halves: f16 drops 13 mantissa bits (tie 0x1000, odd-LSB tie 0x3000),
// bf16 drops 16 (tie 0x8000), fp8 drops 20/21 (ties set by the high half).
const LOWS = [0x0000, 0x0001, 0x0fff, 0x1000, 0x1001, 0x2fff, 0x3000, 0x3001, 0x7fff, 0x8000, 0x8001, 0xefff, 0xffff];

/** Every high half × LOWS, as f32 bit patterns. */
function patterns(): Float32Array {
  const u = new Uint32Array(65536 * LOWS.length);
  let k = 0;
  for (const lo of LOWS) for (let hi = 0; hi < 65536; hi++) u[k++] = ((hi << 16) | lo) >>> 0;
  return new Float32Array(u.buffer);
}

/** Values next to each format's largest finite value and saturation / overflow thresholds. */
function thresholds(): Float32Array {
  const edges = [65504, 65520, 448, 464, 480, 57344, 61440, 3.3895313892515355e38, 2 ** -14, 2 ** -24, 2 ** -25, 2 ** -6, 2 ** -9, 2 ** -10, 2 ** -16, 2 ** -17, 2 ** -126, 1.4e-45];
  const u = new Uint32Array(edges.length * 2 * 9);
  const f = new Float32Array(1);
  const b = new Uint32Array(f.buffer);
  let k = 0;
  for (const e of edges) {
    for (const sign of [0, 0x80000000]) {
      f[0] = e;
      for (let d = -4; d <= 4; d++) u[k++] = ((b[0] + d) | sign) >>> 0;
    }
  }
  return new Float32Array(u.buffer);
}

function firstByteDiff(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

const BYTES = { F16: 2, BF16: 2, F8_E4M3: 1, F8_E5M2: 1 } as const;

afterEach(() => {
  vi.restoreAllMocks();
});

if (LEVELS.length === 0) {
  it('without the addon there are no native casts from f32', () => {
    expect(kernels.castFromF32).toBeUndefined();
  });
}

for (const level of LEVELS) {
  describe(`f32 → narrow float casts at level ${level}`, () => {
    const all = patterns();
    const edges = thresholds();

    for (const dtype of DTYPES) {
      it(`${dtype}: bit-exact on 2^16 high halves × ${LOWS.length} low halves and every threshold`, () => {
        useLevel(level);
        const k = kernels.castFromF32?.[dtype];
        expect(k).toBeTypeOf('function');
        for (const src of [all, edges]) {
          const got = new Uint8Array(src.length * BYTES[dtype]);
          k!(src, got);
          const want = f32ToBytes(dtype, src);
          const at = firstByteDiff(got, want);
          expect(at, `${dtype}: first differing byte (element ${Math.floor(at / BYTES[dtype])})`).toBe(-1);
        }
      });

      it(`${dtype}: odd lengths, unaligned views and codec.encode (native path)`, () => {
        useLevel(level);
        const rng = new Rng(31);
        const base = rng.normalArray(1000, 100);
        const spy = vi.spyOn(nativeAddon()!, 'castFromF32');
        for (const n of [0, 1, 7, 15, 17, 33, 999]) {
          const src = base.subarray(1, 1 + n); // 4 bytes past any vector boundary
          const dst = new Uint8Array(n * BYTES[dtype] + 1).subarray(1); // odd byte offset
          kernels.castFromF32![dtype]!(src, dst);
          expect(firstByteDiff(dst, f32ToBytes(dtype, src)), `n ${n}`).toBe(-1);
          const enc = CODECS[dtype].encode(Tensor.fromF32(src.slice(), [n]), {});
          expect(firstByteDiff(enc, f32ToBytes(dtype, src)), `codec n ${n}`).toBe(-1);
        }
        expect(spy).toHaveBeenCalledTimes(14);
        spy.mockRestore();
      });

      it(`${dtype}: a wrong output length throws ArgumentError (and RangeError in the addon)`, () => {
        useLevel(level);
        const src = new Float32Array(10);
        expect(() => kernels.castFromF32![dtype]!(src, new Uint8Array(10 * BYTES[dtype] - 1))).toThrow(ArgumentError);
        expect(() => kernels.castFromF32![dtype]!(src, new Uint8Array(10 * BYTES[dtype] + 1))).toThrow(/bytes/);
        expect(() => nativeAddon()!.castFromF32!(DTYPES.indexOf(dtype), src, new Uint8Array(3))).toThrow(RangeError);
      });
    }

    it('the addon rejects an unknown cast code', () => {
      useLevel(level);
      expect(() => nativeAddon()!.castFromF32!(4, new Float32Array(1), new Uint8Array(1))).toThrow(RangeError);
    });
  });
}
