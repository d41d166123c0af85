/**
 * The 8-bit-activation fused products at every dispatch level, on odd row
 * counts and shapes that exercise every step (full SIMD groups, tails):
 * - NF4 'int8' (int8 codebook round(code·127), activations per 32-block):
 *   within MAX_DOT_PRODUCT_ERROR = 0.02·Σ|w·x| (ggml's limit) of
 *   decode-then-multiply with the exact codes and f32 x, and within
 *   FUSED_REL = 1e-4 of decode-then-multiply with exactly the documented
 *   approximations (int8 codebook, quantized x): only summation order differs.
 * - NF4 falls back to the 'f32' path (bit-identical results) when cols or
 *   blockSize is not a multiple of 64, or x holds NaN/Inf.
 * - Q4_0 (four-block SIMD groups + 1–3 block tails) and Q4_K (Q8_K-style
 *   activations, one scale per 256) within FUSED_REL of the quantized-x reference.
 * - Truncated payloads are refused with ArgumentError.
 */
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors/index.js';
import { CODECS } from '../../src/codecs/registry.js';
import { NF4_CODE } from '../../src/codecs/quant/nf4-code.js';
import { Rng } from '../../src/random/rng.js';
import { kernels } from '../../src/kernels/index.js';
import { LEVELS, randomPayload, useLevel, withReference } from './native-helpers.js';
import { batchReference, expectClose, quantizedActivations } from './fused-helpers.js';

const FUSED_REL = 1e-4;
const MAX_DOT_PRODUCT_ERROR = 0.02;
/** The documented int8 codebook. */
const NF4_I8 = Array.from(NF4_CODE, (c) => Math.round(c * 127));

/** NF4 weights decoded with `code` (first element in the high nibble), absmax per flat block. */
function nf4Weights(codes: Uint8Array, absmax: Float32Array, bs: number, n: number, code: ArrayLike<number>, scale = 1): Float32Array {
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const byte = codes[i >> 1];
    w[i] = code[i % 2 === 0 ? byte >> 4 : byte & 15] * scale * absmax[Math.floor(i / bs)];
  }
  return w;
}

function nf4Case(rng: Rng, rows: number, cols: number, bs: number) {
  const n = rows * cols;
  const codes = rng.bytes(n / 2);
  const absmax = Float32Array.from({ length: Math.ceil(n / bs) }, () => 0.05 + rng.next() * 3);
  return { codes, absmax };
}

it('the int8 codebook is NF4 × 127 rounded (ggml kvalues_iq4nl style)', () => {
  expect(NF4_I8).toEqual([-127, -88, -67, -50, -36, -23, -12, 0, 10, 20, 31, 43, 56, 71, 92, 127]);
});

for (const level of LEVELS) {
  describe(`8-bit fused paths at level ${level}`, () => {
    it('nf4 int8: within 0.02 of the f32 reference and 1e-4 of the documented approximation', () => {
      useLevel(level);
      const rng = new Rng(900);
      // [rows, cols, blockSize, batch]: 128-steps, a 64 tail, blocks spanning rows, batch.
      for (const [rows, cols, bs, batch] of [[7, 64, 64, 1], [5, 192, 64, 1], [3, 256, 128, 2], [9, 64, 256, 1], [4, 384, 64, 3], [1, 128, 192, 1]] as const) {
        const { codes, absmax } = nf4Case(rng, rows, cols, bs);
        const x = rng.normalArray(batch * cols);
        const y = new Float32Array(batch * rows);
        kernels.nf4MatVec!(codes, absmax, bs, rows, cols, x, y, { batch });
        const what = `nf4 ${rows}×${cols} bs ${bs} batch ${batch}`;
        expectClose(y, batchReference(nf4Weights(codes, absmax, bs, rows * cols, NF4_CODE), rows, cols, x, batch), what, MAX_DOT_PRODUCT_ERROR);
        const approx = nf4Weights(codes, absmax, bs, rows * cols, NF4_I8, 1 / 127);
        expectClose(y, batchReference(approx, rows, cols, quantizedActivations(x), batch), `${what} (int8 codebook, q8 x)`, FUSED_REL);
        // The f32 path: the exact codes and activations.
        const yf = new Float32Array(batch * rows);
        kernels.nf4MatVec!(codes, absmax, bs, rows, cols, x, yf, { batch, activations: 'f32' });
        expectClose(yf, batchReference(nf4Weights(codes, absmax, bs, rows * cols, NF4_CODE), rows, cols, x, batch), `${what} f32`, FUSED_REL);
        // The two paths are different computations (the int8 one really ran).
        expect(Buffer.from(y.buffer).equals(Buffer.from(yf.buffer))).toBe(false);
      }
    });

    it('nf4 int8 falls back to the f32 path off the 64-grid and for NaN/Inf x', () => {
      useLevel(level);
      const rng = new Rng(901);
      for (const [rows, cols, bs] of [[3, 96, 64], [5, 64, 32], [2, 40, 6]] as const) {
        const { codes, absmax } = nf4Case(rng, rows, cols, bs);
        const x = rng.normalArray(cols);
        const a = new Float32Array(rows);
        const b = new Float32Array(rows);
        kernels.nf4MatVec!(codes, absmax, bs, rows, cols, x, a);
        kernels.nf4MatVec!(codes, absmax, bs, rows, cols, x, b, { activations: 'f32' });
        expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
      }
      const { codes, absmax } = nf4Case(rng, 3, 128, 64);
      const x = rng.normalArray(128);
      x[70] = Infinity;
      const y = new Float32Array(3);
      kernels.nf4MatVec!(codes, absmax, 64, 3, 128, x, y);
      expect(Array.from(y).every((v) => !Number.isFinite(v))).toBe(true);
    });

    for (const [type, actBlock, shapes] of [
      [2, 32, [[5, 5], [3, 6], [7, 7], [1, 9], [4, 8], [6, 1]]],
      [12, 256, [[5, 1], [3, 3], [9, 2]]],
    ] as const) {
      const codec = CODECS.find((c) => c.ggmlType === type)!;
      it(`${codec.name}: SIMD groups and tails within ${FUSED_REL} of the quantized-x reference, batch 1 and 2`, () => {
        useLevel(level);
        const rng = new Rng(910 + type);
        const qk = type === 12 ? 256 : 32;
        for (const [rows, nbr] of shapes) {
          for (const batch of [1, 2]) {
            const cols = nbr * qk;
            const w = randomPayload(type, rows * nbr, rng);
            const x = rng.normalArray(batch * cols);
            const dec = withReference(() => codec.decode(w, [rows, cols], 'F32', {})).toF32();
            const y = new Float32Array(batch * rows);
            expect(kernels.matvec[type]!(w, rows, cols, x, y, { batch })).toBe(true);
            const what = `${codec.name} ${rows}×${cols} batch ${batch}`;
            expectClose(y, batchReference(dec, rows, cols, quantizedActivations(x, actBlock), batch), what, FUSED_REL);
            expectClose(y, batchReference(dec, rows, cols, x, batch), `${what} vs f32 x`, MAX_DOT_PRODUCT_ERROR);
          }
        }
      });
    }

    it('truncated payloads are refused with ArgumentError', () => {
      useLevel(level);
      const { codes, absmax } = nf4Case(new Rng(920), 3, 128, 64);
      const x = new Float32Array(128);
      const y = new Float32Array(3);
      expect(() => kernels.nf4MatVec!(codes.subarray(1), absmax, 64, 3, 128, x, y)).toThrow(ArgumentError);
      expect(() => kernels.nf4MatVec!(codes, absmax.subarray(1), 64, 3, 128, x, y)).toThrow(ArgumentError);
      expect(() => kernels.nf4MatVec!(codes, absmax, 64, 3, 128, x, y, { activations: 'i4' as 'int8' })).toThrow(ArgumentError);
      for (const type of [2, 12]) {
        const qk = type === 12 ? 256 : 32;
        const w = randomPayload(type, 3 * 2, new Rng(921));
        const xx = new Float32Array(2 * qk);
        expect(() => kernels.matvec[type]!(w.subarray(0, w.length - 1), 3, 2 * qk, xx, y)).toThrow(ArgumentError);
      }
    });
  });
}
