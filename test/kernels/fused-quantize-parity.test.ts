/**
 * Fused mat-vec vs decode-then-multiply, and native quantize vs the TS
 * reference, at every dispatch level.
 *
 * Tolerances, per row, relative to Σ|w·x|:
 * - MAX_DOT_PRODUCT_ERROR = 0.02 (ggml's test-quantize-fns limit) for the
 *   default path, whose activations are quantized to 8 bits per 32-block,
 *   against decode-then-multiply in float64 with the f32 activations.
 * - FUSED_REL = 1e-4 for the same path against decode-then-multiply with
 *   the activations quantized the documented way (x = q·d, d = max|x|/127,
 *   q rounded to nearest even; per 32, or per 256 for Q4_K): only float
 *   summation order differs.
 * - FUSED_REL = 1e-4 for `activations: 'f32'` against plain
 *   decode-then-multiply.
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
import { quantizedActivations } from './fused-helpers.js';

const FUSED_REL = 1e-4;
/** ggml's MAX_DOT_PRODUCT_ERROR (test-quantize-fns), for 8-bit activations. */
const MAX_DOT_PRODUCT_ERROR = 0.02;

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

function expectClose(got: Float32Array, ref: { y: Float64Array; mag: Float64Array }, what: string, rel = FUSED_REL): void {
  expect(got.length).toBe(ref.y.length);
  for (let r = 0; r < got.length; r++) {
    const err = Math.abs(got[r] - ref.y[r]);
    expect(err, `${what} row ${r}: ${got[r]} vs ${ref.y[r]}`).toBeLessThanOrEqual(rel * ref.mag[r] + 1e-30);
  }
}

/** reference() for each of `batch` activation vectors, concatenated like y. */
function batchReference(w: Float32Array, rows: number, cols: number, x: Float32Array, batch: number) {
  const y = new Float64Array(batch * rows);
  const mag = new Float64Array(batch * rows);
  for (let j = 0; j < batch; j++) {
    const r = reference(w, rows, cols, x.subarray(j * cols, (j + 1) * cols));
    y.set(r.y, j * rows);
    mag.set(r.mag, j * rows);
  }
  return { y, mag };
}

const ROWS = 7;

if (LEVELS.length === 0) {
  it('without the addon the kernel table is empty (TS reference kernels only)', () => {
    expect(Object.keys(kernels.dequantize)).toEqual([]);
    expect(kernels.int8Dequantize).toBeUndefined();
  });
}

for (const level of LEVELS) {
  describe(`fused mat-vec and quantize at level ${level}`, () => {
    for (const type of NATIVE_MATVEC) {
      const codec = CODECS.find((c) => c.ggmlType === type)!;
      const { qk, bytes } = NATIVE_GGML[type];
      it(`${codec.name}: int8-activation W·X within MAX_DOT_PRODUCT_ERROR of decode-then-multiply, batch 1–8`, () => {
        useLevel(level);
        const rng = new Rng(500 + type);
        for (const [rows, cols, batch] of [[ROWS, qk, 1], [ROWS, 4 * qk, 1], [9, 2 * qk, 3], [4, qk, 8], [7, 3 * qk, 2]] as const) {
          const w = randomPayload(type, (rows * cols) / qk, rng);
          const x = rng.normalArray(batch * cols);
          const dec = withReference(() => codec.decode(w, [rows, cols], 'F32', {})).toF32();
          const y = new Float32Array(batch * rows);
          expect(kernels.matvec[type]!(w, rows, cols, x, y, { batch })).toBe(true);
          const what = `${codec.name} ${rows}×${cols} batch ${batch}`;
          expectClose(y, batchReference(dec, rows, cols, x, batch), what, MAX_DOT_PRODUCT_ERROR);
          // Exactly the documented 8-bit activations, up to float summation order.
          const actBlock = type === 12 ? 256 : 32; // Q4_K: Q8_K-style activations
          expectClose(y, batchReference(dec, rows, cols, quantizedActivations(x, actBlock), batch), `${what} (q8 x)`);
        }
      });

      it(`${codec.name}: f32-activation W·X within ${FUSED_REL}·Σ|w·x| of decode-then-multiply`, () => {
        useLevel(level);
        const rng = new Rng(510 + type);
        for (const [cols, batch] of [[qk, 1], [4 * qk, 1], [2 * qk, 2]] as const) {
          const w = randomPayload(type, (ROWS * cols) / qk, rng);
          const x = rng.normalArray(batch * cols);
          const dec = withReference(() => codec.decode(w, [ROWS, cols], 'F32', {})).toF32();
          const y = new Float32Array(batch * ROWS);
          expect(kernels.matvec[type]!(w, ROWS, cols, x, y, { activations: 'f32', batch })).toBe(true);
          expectClose(y, batchReference(dec, ROWS, cols, x, batch), `${codec.name} f32 cols ${cols}`);
        }
      });

      it(`${codec.name}: NaN/Inf activations propagate (they take the f32 path)`, () => {
        useLevel(level);
        const cols = 2 * qk;
        const w = randomPayload(type, (ROWS * cols) / qk, new Rng(530 + type));
        const x = new Float32Array(cols).fill(0.5);
        x[3] = NaN;
        const y = new Float32Array(ROWS);
        expect(kernels.matvec[type]!(w, ROWS, cols, x, y)).toBe(true);
        expect(Array.from(y).every(Number.isNaN)).toBe(true);
      });

      it(`${codec.name}: mat-vec checks shapes and reports a bad scale`, () => {
        useLevel(level);
        const cols = qk * 2;
        const w = randomPayload(type, ROWS * 2, new Rng(600 + type));
        const y = new Float32Array(ROWS);
        expect(() => kernels.matvec[type]!(w, ROWS, cols, new Float32Array(cols - 1), y)).toThrow(/x.length/);
        expect(() => kernels.matvec[type]!(w, ROWS, cols, new Float32Array(cols), y, { batch: 2 })).toThrow(/x.length/);
        expect(() => kernels.matvec[type]!(w, ROWS, cols, new Float32Array(cols), y, { batch: 0 })).toThrow(/options.batch/);
        expect(() =>
          kernels.matvec[type]!(w, ROWS, cols, new Float32Array(cols), y, { activations: 'f16' as 'f32' }),
        ).toThrow(/options.activations/);
        expect(() => kernels.matvec[type]!(w, ROWS + 1, cols, new Float32Array(cols), new Float32Array(ROWS + 1))).toThrow(/bytes/);
        expect(() => kernels.matvec[type]!(w.subarray(1), ROWS, cols, new Float32Array(cols), y)).toThrow(/bytes/);
        w[bytes * 5 + (type === 14 ? 209 : 1)] = 0x7c; // block 5's d: +Inf
        w[bytes * 5 + (type === 14 ? 208 : 0)] = 0;
        for (const activations of ['int8', 'f32'] as const) {
          expect(kernels.matvec[type]!(w, ROWS, cols, new Float32Array(cols), y, { activations })).toBe(false);
          expect(kernels.matvec[type]!(w, ROWS, cols, Float32Array.from({ length: cols }, (_, i) => i - 7), y, { activations })).toBe(false);
        }
      });
    }

    it('nf4 (f32 activations): W·x within FUSED_REL for blocks that straddle rows', () => {
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
        kernels.nf4MatVec!(payload.subarray(4 * nb), absmax, blockSize, ROWS, cols, x, y, { activations: 'f32' });
        const dec = withReference(() => nf4.decode(payload, t.shape, 'F32', p)).toF32();
        expectClose(y, reference(dec, ROWS, cols, x), `nf4 bs ${blockSize} cols ${cols}`);
        const x3 = rng.normalArray(3 * cols);
        const y3 = new Float32Array(3 * ROWS);
        kernels.nf4MatVec!(payload.subarray(4 * nb), absmax, blockSize, ROWS, cols, x3, y3, { batch: 3, activations: 'f32' });
        expectClose(y3, batchReference(dec, ROWS, cols, x3, 3), `nf4 bs ${blockSize} cols ${cols} batch 3`);
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
