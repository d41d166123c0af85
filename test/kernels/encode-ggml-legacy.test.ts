/**
 * Native Q4_1 / Q5_0 / Q5_1 quantizers (native/src/quant_q4_1_q5.cc) vs the
 * TS reference rows at every dispatch level: byte-exact (tolerance NONE) on
 * every seeded data family, the pinned ggml digests through codec.encode,
 * the same CodecError refusals and the same typed errors for bad lengths.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ArgumentError, CodecError, ShapeError } from '../../src/errors/index.js';
import { CODECS } from '../../src/codecs/registry.js';
import { quantizeRowQ4_1 } from '../../src/codecs/q4_1.js';
import { quantizeRowQ5_0 } from '../../src/codecs/q5_0.js';
import { quantizeRowQ5_1 } from '../../src/codecs/q5_1.js';
import { nativeAddon } from '../../src/kernels/native.js';
import { NATIVE_GGML, kernels } from '../../src/kernels/index.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { LEVELS, thrown, useLevel, withReference } from './native-helpers.js';
import { type DataFamily, FAMILIES } from './quantize-data.js';

const REFERENCE: Record<number, (src: Float32Array, dst: Uint8Array) => void> = { 3: quantizeRowQ4_1, 6: quantizeRowQ5_0, 7: quantizeRowQ5_1 };
const TYPES = [3, 6, 7];

// sha256 of ggml's quantize_row_<type>_ref bytes (test/codecs/ggml/conformance.test.ts)
// for x_i = 0.1 + 2·cos(i) and Rng(42).normalArray, 4096 values each.
const GOLDEN: Record<number, [string, string]> = {
  3: ['fa364c6501e7d5cb2df84b2ac2002bea54841cb8576024a3df93e9ca760bc25e', '9fdc1fbd16a017bbb27454cbc5bc32ca6be2c515badaac04f9abb4291e655271'],
  6: ['d4b2cb6455ffb080545dd4c615039408b065745e6f12cb288293a4f93047d382', '70b5b2acff3e6dd91ebebd926a35211cf8629f8227f176903bad654dc97d4a40'],
  7: ['e6d7c2ed20284fa672488a43500b8cb280a171802e216ac878d716de559069e5', '01f433891e8e94220a8238e34f5800fd6f1e6c6ddffb0df762cafaa69411d56d'],
};

const map = (n: number, f: (i: number) => number): Float32Array => Float32Array.from({ length: n }, (_, i) => f(i));
// The min/max scans keep the FIRST zero (with its sign) when the min or max is zero.
const SIGNED_ZERO_EXTREMES: readonly DataFamily[] = [
  { name: 'non-negative with ±0', make: (b, qk, rng) => map(b * qk, () => (rng.next() < 0.3 ? (rng.next() < 0.5 ? -0 : 0) : Math.abs(rng.normal()))) },
  { name: 'non-positive with ±0', make: (b, qk, rng) => map(b * qk, () => (rng.next() < 0.3 ? (rng.next() < 0.5 ? -0 : 0) : -Math.abs(rng.normal()))) },
  { name: 'large but fp16-safe (1e4)', make: (b, qk, rng) => map(b * qk, () => 1e4 * rng.normal()) },
];

function firstByteDiff(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

function referenceBytes(type: number, x: Float32Array): Uint8Array {
  const { qk, bytes } = NATIVE_GGML[type];
  const out = new Uint8Array((x.length / qk) * bytes);
  REFERENCE[type](x, out);
  return out;
}

afterEach(() => {
  vi.restoreAllMocks();
});

if (LEVELS.length === 0) {
  it('without the addon there are no native Q4_1 / Q5 quantizers', () => {
    for (const type of TYPES) expect(kernels.quantize[type]).toBeUndefined();
  });
}

for (const level of LEVELS) {
  describe(`native Q4_1 / Q5_0 / Q5_1 quantize at level ${level}`, () => {
    for (const type of TYPES) {
      const codec = CODECS.find((c) => c.ggmlType === type)!;
      const { qk, bytes } = NATIVE_GGML[type];
      const blocks = 37;

      it(`${codec.name}: byte-exact with the TS reference on every data family`, () => {
        useLevel(level);
        const k = kernels.quantize[type];
        expect(k).toBeTypeOf('function');
        [...FAMILIES, ...SIGNED_ZERO_EXTREMES].forEach((f, s) => {
          const x = f.make(blocks, qk, new Rng(700 + 31 * type + s));
          const got = new Uint8Array((x.length / qk) * bytes).fill(0xa5);
          // Q4_1 / Q5_1 store the min in fp16: the 4e4 family's min can overflow it, and both refuse.
          if (thrown(() => referenceBytes(type, x))) {
            expect(k!(x, got), f.name).toBe(false);
            return;
          }
          expect(k!(x, got), f.name).toBe(true);
          expect(firstByteDiff(got, referenceBytes(type, x)), `${codec.name} ${f.name}: first differing byte`).toBe(-1);
        });
      });

      it(`${codec.name}: unaligned views and the pinned ggml digests through codec.encode`, () => {
        useLevel(level);
        const x = new Rng(33 + type).normalArray(3 * qk + 1).subarray(1);
        const out = new Uint8Array(3 * bytes + 3).subarray(3, 3 + 3 * bytes);
        expect(kernels.quantize[type]!(x, out)).toBe(true);
        expect(firstByteDiff(out, referenceBytes(type, x))).toBe(-1);

        const spy = vi.spyOn(nativeAddon()!, 'quantize');
        const inputs = [Float32Array.from({ length: 4096 }, (_, i) => 0.1 + 2 * Math.cos(i)), new Rng(42).normalArray(4096)];
        inputs.forEach((input, j) => {
          const enc = codec.encode(Tensor.fromF32(input, [16, 256]), {});
          expect(createHash('sha256').update(enc).digest('hex'), `input ${j}`).toBe(GOLDEN[type][j]);
        });
        expect(spy).toHaveBeenCalledTimes(inputs.length);
        spy.mockRestore();
      });

      it(`${codec.name}: refuses what the reference refuses, with the same CodecError`, () => {
        useLevel(level);
        const rng = new Rng(77 + type);
        // Non-finite, past 2^28, a min below −65504 (Q4_1/Q5_1 store it in fp16),
        // spreads whose scale overflows fp16.
        const bad = [NaN, Infinity, -Infinity, 268435488, -1e5, -1e6, 1e7, 2.6e8, 2 ** 28];
        let refused = 0;
        for (const v of bad) {
          for (const at of [5, qk + 20, (blocks - 1) * qk + 3]) {
            const x = rng.normalArray(blocks * qk);
            x[at] = v;
            const t = Tensor.fromF32(x, [x.length]);
            const ref = thrown(() => withReference(() => codec.encode(t, {})));
            expect(kernels.quantize[type]!(x, new Uint8Array(blocks * bytes)), `${v} at ${at}`).toBe(ref === undefined);
            expect(thrown(() => codec.encode(t, {})), `${v} at ${at}`).toEqual(ref);
            if (ref) {
              expect(ref.name).toBe(CodecError.name);
              refused++;
            }
          }
        }
        expect(refused).toBeGreaterThanOrEqual(12);
      });

      it(`${codec.name}: lengths that are not whole blocks throw the reference's ArgumentError`, () => {
        useLevel(level);
        const k = kernels.quantize[type]!;
        for (const [n, nb] of [[qk + 1, bytes], [qk - 1, 0], [2 * qk, bytes], [qk, bytes + 1]] as const) {
          const x = new Float32Array(n);
          expect(() => k(x, new Uint8Array(nb)), `${n} values, ${nb} bytes`).toThrow(ArgumentError);
          expect(() => REFERENCE[type](x, new Uint8Array(nb)), `${n} values, ${nb} bytes`).toThrow(ArgumentError);
        }
        expect(() => nativeAddon()!.quantize(type, new Float32Array(qk + 1), new Uint8Array(bytes))).toThrow(RangeError);
        const t = Tensor.fromF32(new Float32Array(2 * (qk + 4)), [2, qk + 4]);
        const ref = thrown(() => withReference(() => codec.encode(t, {})));
        expect(ref?.name).toBe(ShapeError.name);
        expect(thrown(() => codec.encode(t, {}))).toEqual(ref);
        expect(k(new Float32Array(0), new Uint8Array(0))).toBe(true);
      });
    }
  });
}
