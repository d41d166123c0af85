/**
 * Native quantizers (native/src/quant_*.cc) vs the TS reference rows, at
 * every dispatch level this machine has: byte-exact output on every seeded
 * data family (tolerance NONE), the same refusals (NaN/Inf, |x| > 2^28, a
 * scale that overflows fp16) with the same CodecError, and the same typed
 * errors for lengths that are not whole blocks.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { ArgumentError, CodecError, ShapeError } from '../../src/errors/index.js';
import { CODECS } from '../../src/codecs/registry.js';
import { quantizeRowQ8_0 } from '../../src/codecs/q8_0.js';
import { quantizeRowQ4_0 } from '../../src/codecs/q4_0.js';
import { quantizeRowQ4_K } from '../../src/codecs/q4_k.js';
import { quantizeRowQ6_K } from '../../src/codecs/q6_k.js';
import { nativeAddon } from '../../src/kernels/native.js';
import { NATIVE_GGML, kernels } from '../../src/kernels/index.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { LEVELS, thrown, useLevel, withReference } from './native-helpers.js';
import { FAMILIES } from './quantize-data.js';

const REFERENCE: Record<number, (src: Float32Array, dst: Uint8Array) => void> = {
  8: quantizeRowQ8_0,
  2: quantizeRowQ4_0,
  12: quantizeRowQ4_K,
  14: quantizeRowQ6_K,
};
const TYPES = [8, 2, 12, 14];

// sha256 of ggml's quantize_row_<type>_ref bytes (as in test/codecs/ggml/conformance.test.ts)
// for x_i = 0.1 + 2·cos(i) and Rng(42).normalArray, 4096 values each.
const GOLDEN: Record<number, [string, string]> = {
  8: ['11f834840a5011cb4d72fc8604d8ded68163d196dd4f8bdc2ea56d5b40b10a2f', '80442eea1b7f0c4943eb6698412a26db916f0ee64b817741c2b3a11941179f24'],
  2: ['523b1fd831e754976826ad4ad397539e8a9f09a6de2ac7cfb7bd60a593d63e61', 'f936662be3d959b07152ba764a8137720d27b5b7f6f06d7550e77ac772d89f83'],
  12: ['c5b0ab128cca90695c2d3234c8d54a7bc3e0ea0e1e15366b4d175628cc72c2c6', '8c693557dd71f145c4b4f3a81f29444020fdb626c3688634448aa917252283a1'],
  14: ['8b76c8de301bb3d0067970c14aff3e45965bd0d43bc25ad2d474ffa9669bed64', 'd2cb9273a8a9bb35bedecec9c5cc6e6e515a2af34dfb15d6a102383a34e7dbef'],
};

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

if (LEVELS.length === 0) {
  it('without the addon there are no native quantizers (codecs use the TS reference)', () => {
    expect(Object.keys(kernels.quantize)).toEqual([]);
  });
}

for (const level of LEVELS) {
  describe(`native quantize at level ${level}`, () => {
    for (const type of TYPES) {
      const codec = CODECS.find((c) => c.ggmlType === type)!;
      const { qk, bytes } = NATIVE_GGML[type];
      // Odd block counts: the 2-super-block AVX-512 Q4_K path then also runs its tail.
      const blocks = qk === 32 ? 37 : 5;

      it(`${codec.name}: byte-exact with the TS reference on every data family`, () => {
        useLevel(level);
        const k = kernels.quantize[type];
        expect(k).toBeTypeOf('function');
        FAMILIES.forEach((f, s) => {
          const x = f.make(blocks, qk, new Rng(900 + 31 * type + s));
          const want = referenceBytes(type, x);
          const got = new Uint8Array(want.length).fill(0xa5);
          expect(k!(x, got), f.name).toBe(true);
          expect(firstByteDiff(got, want), `${codec.name} ${f.name}: first differing byte`).toBe(-1);
        });
      });

      it(`${codec.name}: unaligned views and the pinned ggml digests through codec.encode`, () => {
        useLevel(level);
        const x = new Rng(33 + type).normalArray(3 * qk + 1).subarray(1); // src 4 bytes past any vector boundary
        const outBuf = new Uint8Array(3 * bytes + 3);
        const out = outBuf.subarray(3, 3 + 3 * bytes); // dst at an odd byte offset
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
        // Non-finite, just above 2^28, and magnitudes whose scale overflows fp16
        // for some types (Q4_0 past 8·65504, Q8_0 past 127·65504, Q4_K near 2^28).
        const bad = [NaN, Infinity, -Infinity, 268435488, -1e6, 1e7, 2.6e8, 2 ** 28];
        let refused = 0;
        for (const v of bad) {
          for (const at of [5, qk + 5, (blocks - 1) * qk + 3]) {
            const x = rng.normalArray(blocks * qk);
            x[at] = v;
            const t = Tensor.fromF32(x, [x.length]);
            const ref = thrown(() => withReference(() => codec.encode(t, {})));
            const out = new Uint8Array(blocks * bytes);
            expect(kernels.quantize[type]!(x, out), `${v} at ${at}`).toBe(ref === undefined);
            expect(thrown(() => codec.encode(t, {})), `${v} at ${at}`).toEqual(ref);
            if (ref) {
              expect(ref.name).toBe(CodecError.name);
              refused++;
            }
          }
        }
        expect(refused).toBeGreaterThanOrEqual(12); // NaN, ±Inf and 2^28 + 32 always
      });

      it(`${codec.name}: lengths that are not whole blocks throw the reference's ArgumentError`, () => {
        useLevel(level);
        const k = kernels.quantize[type]!;
        for (const [n, nb] of [[qk + 1, bytes], [qk - 1, 0], [2 * qk, bytes], [qk, bytes + 1]] as const) {
          const x = new Float32Array(n);
          expect(() => k(x, new Uint8Array(nb)), `${n} values, ${nb} bytes`).toThrow(ArgumentError);
          expect(() => REFERENCE[type](x, new Uint8Array(nb)), `${n} values, ${nb} bytes`).toThrow(ArgumentError);
        }
        const t = Tensor.fromF32(new Float32Array(2 * (qk + 4)), [2, qk + 4]);
        const ref = thrown(() => withReference(() => codec.encode(t, {})));
        expect(ref?.name).toBe(ShapeError.name);
        expect(thrown(() => codec.encode(t, {}))).toEqual(ref);
        expect(k(new Float32Array(0), new Uint8Array(0))).toBe(true);
      });
    }
  });
}
