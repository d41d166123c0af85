/**
 * Fused mat-vec vs decode-then-multiply, and native quantize vs the TS
 * reference, at every dispatch level.
 *
 * Tolerances:
 * - FUSED_REL = 1e-4 of Σ|w·x| per row. Fused kernels keep activations in f32
 *   (not quantized) and differ from decode-then-multiply only in float32
 *   summation order; that is 200× tighter than ggml's MAX_DOT_PRODUCT_ERROR
 *   0.02 (test-quantize-fns, where activations ARE quantized to 8 bits).
 * - quantize: NONE (byte-exact with quantizeRowQ8_0 / quantizeRowQ4_0).
 */
import { describe, expect, it, vi } from 'vitest';
import { nativeAddon } from '../../src/kernels/native.js';
import { CODECS, codecByName } from '../../src/codecs/registry.js';
import { nf4 } from '../../src/codecs/nf4.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { NATIVE_GGML, NATIVE_MATVEC, NATIVE_QUANTIZE, kernels } from '../../src/kernels/index.js';
import { LEVELS, randomPayload, thrown, useLevel, withReference } from './native-helpers.js';

const FUSED_REL = 1e-4;
/** ggml's MAX_DOT_PRODUCT_ERROR, for the record: the fused kernels are far inside it. */
const GGML_DOT_TOLERANCE = 0.02;

/** y = W·x in float64 from decoded f32 weights, and Σ|w·x| per row. */
function reference(w: Float32Array, rows: number, cols: number, x: Float32Array): { y: Float64Array; mag: Float64Array } {
  const y = new Float64Array(rows);
  const mag = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    let m = 0;
    for (let c = 0; c < cols; c++) {
      const t = w[r * cols + c] * x[c];
      s += t;
      m += Math.abs(t);
    }
    y[r] = s;
    mag[r] = m;
  }
  return { y, mag };
}

function expectClose(got: Float32Array, ref: { y: Float64Array; mag: Float64Array }, what: string): void {
  for (let r = 0; r < got.length; r++) {
    const err = Math.abs(got[r] - ref.y[r]);
    expect(err, `${what} row ${r}: ${got[r]} vs ${ref.y[r]}`).toBeLessThanOrEqual(FUSED_REL * ref.mag[r] + 1e-30);
    expect(err).toBeLessThanOrEqual(GGML_DOT_TOLERANCE * ref.mag[r] + 1e-30);
  }
}

const ROWS = 7;

for (const level of LEVELS) {
  describe(`fused mat-vec and quantize at level ${level}`, () => {
    for (const type of NATIVE_MATVEC) {
      const codec = CODECS.find((c) => c.ggmlType === type)!;
      const { qk, bytes } = NATIVE_GGML[type];
      it(`${codec.name}: W·x within ${FUSED_REL}·Σ|w·x| of decode-then-multiply`, () => {
        useLevel(level);
        const rng = new Rng(500 + type);
        for (const cols of [qk, 4 * qk]) {
          const w = randomPayload(type, (ROWS * cols) / qk, rng);
          const x = rng.normalArray(cols);
          const dec = withReference(() => codec.decode(w, [ROWS, cols], 'F32', {})).toF32();
          const y = new Float32Array(ROWS);
          expect(kernels.matvec[type]!(w, ROWS, cols, x, y)).toBe(true);
          expectClose(y, reference(dec, ROWS, cols, x), `${codec.name} cols ${cols}`);
        }
      });

      it(`${codec.name}: mat-vec checks shapes and reports a bad scale`, () => {
        useLevel(level);
        const cols = qk * 2;
        const w = randomPayload(type, ROWS * 2, new Rng(600 + type));
        const y = new Float32Array(ROWS);
        expect(() => kernels.matvec[type]!(w, ROWS, cols, new Float32Array(cols - 1), y)).toThrow(/x.length/);
        expect(() => kernels.matvec[type]!(w, ROWS + 1, cols, new Float32Array(cols), new Float32Array(ROWS + 1))).toThrow(/bytes/);
        expect(() => kernels.matvec[type]!(w.subarray(1), ROWS, cols, new Float32Array(cols), y)).toThrow(/bytes/);
        w[bytes * 5 + (type === 14 ? 209 : 1)] = 0x7c; // block 5's d: +Inf
        w[bytes * 5 + (type === 14 ? 208 : 0)] = 0;
        expect(kernels.matvec[type]!(w, ROWS, cols, new Float32Array(cols), y)).toBe(false);
      });
    }

    it('nf4: W·x within tolerance for blocks that straddle rows', () => {
      useLevel(level);
      const rng = new Rng(520);
      for (const [blockSize, cols] of [[64, 256], [64, 96], [6, 40], [256, 64]] as const) {
        const p = nf4.params({ blockSize });
        const t = Tensor.fromF32(rng.normalArray(ROWS * cols), [ROWS, cols]);
        const payload = nf4.encode(t, p);
        const nb = Math.ceil((ROWS * cols) / blockSize);
        const absmax = new Float32Array(payload.slice(0, 4 * nb).buffer);
        const x = rng.normalArray(cols);
        const y = new Float32Array(ROWS);
        kernels.nf4MatVec!(payload.subarray(4 * nb), absmax, blockSize, ROWS, cols, x, y);
        const dec = withReference(() => nf4.decode(payload, t.shape, 'F32', p)).toF32();
        expectClose(y, reference(dec, ROWS, cols, x), `nf4 bs ${blockSize} cols ${cols}`);
      }
      expect(() => kernels.nf4MatVec!(new Uint8Array(7), new Float32Array(1), 64, 1, 14, new Float32Array(14), new Float32Array(1))).not.toThrow();
      expect(() => kernels.nf4MatVec!(new Uint8Array(7), new Float32Array(1), 64, 2, 7, new Float32Array(7), new Float32Array(2))).toThrow(/even/);
    });

    for (const type of NATIVE_QUANTIZE) {
      const codec = CODECS.find((c) => c.ggmlType === type)!;
      it(`${codec.name}: native quantize is byte-exact with the reference, and refuses the same input`, () => {
        useLevel(level);
        const rng = new Rng(700 + type);
        const { qk } = NATIVE_GGML[type];
        const inputs = [rng.normalArray(64 * qk), rng.normalArray(8 * qk, 1e-6), new Float32Array(2 * qk)];
        // Ties and exact multiples: integers and halves.
        inputs.push(Float32Array.from({ length: 4 * qk }, (_, i) => ((i % 33) - 16) / 2));
        const spy = vi.spyOn(nativeAddon()!, 'quantize');
        for (const x of inputs) {
          const t = Tensor.fromF32(x, [x.length]);
          const want = withReference(() => codec.encode(t, {}));
          expect(Buffer.from(codec.encode(t, {})).equals(Buffer.from(want))).toBe(true);
        }
        expect(spy).toHaveBeenCalledTimes(inputs.length);
        spy.mockRestore();
        // Non-finite, above 2^28, and a scale that overflows fp16 (Q4_0: 1e6/8 > 65504).
        for (const bad of [NaN, -Infinity, 2 ** 29, 1e6]) {
          const x = rng.normalArray(3 * qk);
          x[qk + 5] = bad;
          const t = Tensor.fromF32(x, [x.length]);
          expect(thrown(() => codec.encode(t, {}))).toEqual(thrown(() => withReference(() => codec.encode(t, {}))));
        }
      });
    }

    it('quantize kernel checks lengths at the JS boundary', () => {
      useLevel(level);
      expect(() => kernels.quantize[8]!(new Float32Array(32), new Uint8Array(33))).toThrow(/bytes/);
      expect(codecByName('q8_0').ggmlType).toBe(8);
    });
  });
}
