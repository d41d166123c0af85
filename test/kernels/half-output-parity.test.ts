/**
 * Decode straight to f16 / bf16 (kernels.dequantizeF16/Bf16[ggmlType],
 * nf4DequantizeF16/Bf16) at every dispatch level and in the TS fallback:
 * bit-exact with "TS reference decode to f32, then f32ToF16Bits /
 * f32ToBf16Bits" (round to nearest even, overflow to inf, subnormals).
 * Tolerance: NONE (16-bit patterns compared).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError } from '../../src/errors/index.js';
import { Rng } from '../../src/random/rng.js';
import { f32ToBf16Bits, f32ToF16Bits } from '../../src/tensor/half.js';
import { nf4 } from '../../src/codecs/nf4.js';
import { dequantizeRowQ8_0 } from '../../src/codecs/q8_0.js';
import { dequantizeRowQ4_0 } from '../../src/codecs/q4_0.js';
import { dequantizeRowQ4_1 } from '../../src/codecs/q4_1.js';
import { dequantizeRowQ5_0 } from '../../src/codecs/q5_0.js';
import { dequantizeRowQ5_1 } from '../../src/codecs/q5_1.js';
import { dequantizeRowQ4_K } from '../../src/codecs/q4_k.js';
import { dequantizeRowQ6_K } from '../../src/codecs/q6_k.js';
import {
  NATIVE_GGML, kernels, registerNf4ReferenceDecoder, registerReferenceDecoder, setNativeKernels,
} from '../../src/kernels/index.js';
import { nativeAddon } from '../../src/kernels/native.js';
import { LEVELS, NATIVE_GGML_ROWS, SCALE_FIELDS, randomPayload, useLevel, withReference } from './native-helpers.js';

const REF: Record<number, (src: Uint8Array, dst: Float32Array) => void> = {
  8: dequantizeRowQ8_0, 2: dequantizeRowQ4_0, 3: dequantizeRowQ4_1, 6: dequantizeRowQ5_0,
  7: dequantizeRowQ5_1, 12: dequantizeRowQ4_K, 14: dequantizeRowQ6_K,
};
for (const [type, fn] of Object.entries(REF)) {
  const g = NATIVE_GGML[Number(type)];
  registerReferenceDecoder(Number(type), g.qk, g.bytes, fn);
}
/** NF4 f32 reference: the codec's TS decode of (absmax, codes). */
function nf4RefF32(codes: Uint8Array, absmax: Float32Array, blockSize: number, n: number): Float32Array {
  const payload = new Uint8Array(4 * absmax.length + codes.length);
  payload.set(new Uint8Array(absmax.buffer, absmax.byteOffset, 4 * absmax.length));
  payload.set(codes, 4 * absmax.length);
  return withReference(() => nf4.decode(payload, [n], 'F32', { blockSize, doubleQuant: false })).toF32();
}
registerNf4ReferenceDecoder((codes, absmax, bs, dst) => dst.set(nf4RefF32(codes, absmax, bs, dst.length)));
afterAll(() => setNativeKernels(true));

const NARROW = { F16: f32ToF16Bits, BF16: f32ToBf16Bits } as const;
const expected = (f: Float32Array, to: 'F16' | 'BF16'): Uint16Array => Uint16Array.from(f, (v) => NARROW[to](v));
const firstDiff = (a: Uint16Array, b: Uint16Array): number => a.findIndex((v, i) => v !== b[i]);

// 'ts' = the fallback composed from the TS pieces (native off).
for (const level of ['ts', ...LEVELS]) {
  const use = (): void => {
    if (level === 'ts') setNativeKernels(false);
    else useLevel(level);
  };
  describe(`decode to f16/bf16 at level ${level}`, () => {
    for (const codec of NATIVE_GGML_ROWS) {
      const type = codec.ggmlType!;
      const { qk } = NATIVE_GGML[type];
      // Enough blocks to cross the 4096-value scratch chunks, plus a short run.
      for (const blocks of [3, qk === 32 ? 300 : 40]) {
        it(`${codec.name}, ${blocks} blocks: bit-exact with f32 decode then narrowing`, () => {
          const payload = randomPayload(type, blocks, new Rng(700 + type + blocks));
          const f32 = withReference(() => codec.decode(payload, [blocks * qk], 'F32', codec.params())).toF32();
          use();
          for (const to of ['F16', 'BF16'] as const) {
            const k = (to === 'F16' ? kernels.dequantizeF16 : kernels.dequantizeBf16)[type]!;
            const got = new Uint16Array(blocks * qk);
            expect(k(payload, got)).toBe(true);
            expect(firstDiff(got, expected(f32, to)), `${codec.name} → ${to}`).toBe(-1);
          }
        });
      }

      it(`${codec.name}: a bad scale is reported, lengths are checked`, () => {
        use();
        const payload = randomPayload(type, 200, new Rng(900 + type));
        payload[(150 * NATIVE_GGML[type].bytes) + SCALE_FIELDS[type][0] + 1] = 0x7e; // NaN scale in block 150
        const dst = new Uint16Array(200 * qk);
        if (level === 'ts') expect(() => kernels.dequantizeF16[type]!(payload, dst)).toThrow(FormatError);
        else {
          expect(kernels.dequantizeF16[type]!(payload, dst)).toBe(false);
          expect(kernels.dequantizeBf16[type]!(payload, dst)).toBe(false);
          expect(() => kernels.dequantizeF16[type]!(payload.subarray(1), dst)).toThrow(/blocks need/);
          expect(() => nativeAddon()!.dequantizeHalf(type, payload.subarray(1), dst, false)).toThrow(RangeError);
        }
      });
    }

    it('nf4 (block sizes 64, 6, 8192; odd length) is bit-exact with f32 decode then narrowing', () => {
      const rng = new Rng(77);
      for (const [n, bs] of [[10_001, 64], [999, 6], [20_000, 8192]] as const) {
        const codes = rng.bytes(Math.ceil(n / 2));
        const absmax = Float32Array.from({ length: Math.ceil(n / bs) }, () => rng.next() * 2 ** (rng.int(60) - 30));
        const f32 = nf4RefF32(codes, absmax, bs, n);
        use();
        for (const to of ['F16', 'BF16'] as const) {
          const got = new Uint16Array(n);
          (to === 'F16' ? kernels.nf4DequantizeF16 : kernels.nf4DequantizeBf16)!(codes, absmax, bs, got);
          expect(firstDiff(got, expected(f32, to)), `nf4 n=${n} bs=${bs} → ${to}`).toBe(-1);
        }
        if (level !== 'ts') {
          expect(() => kernels.nf4DequantizeF16!(codes.subarray(1), absmax, bs, new Uint16Array(n))).toThrow(/code bytes/);
        }
      }
    });
  });
}
