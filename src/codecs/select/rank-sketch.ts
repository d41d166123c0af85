/**
 * A cheap test for rank structure: the share of a matrix's energy (‖A‖²_F)
 * that a rank-K randomized range sketch captures, ‖QQᵀA‖²_F / ‖A‖²_F with
 * Q = orth(A·Ω), Ω a seeded Gaussian n×K. A matrix of rank ≤ K (plus small
 * noise) gives ≈ 1; a Gaussian m×n matrix about K·(√m+√n)²/(m·n) (a few %).
 * Large matrices are subsampled by a row and column stride to at most
 * MAX_SIDE × MAX_SIDE first (a submatrix of a rank-r matrix has rank ≤ r), so
 * the cost is bounded: ≤ 2·MAX_SIDE²·K multiply-adds, whatever the tensor size.
 */
import { Rng } from '../../random/rng.js';
import { orthonormalize } from '../structural/svd.js';

export const SKETCH_RANK = 16;
export const MAX_SIDE = 512;
const SEED = 0x5eed;

/** Energy share captured by the rank-SKETCH_RANK sketch, or undefined when the matrix is too small or all zero. */
export function sketchEnergy(x: Float32Array, m: number, n: number): number | undefined {
  const K = SKETCH_RANK;
  if (m < 2 * K || n < 2 * K) return undefined;
  const rs = Math.ceil(m / MAX_SIDE);
  const cs = Math.ceil(n / MAX_SIDE);
  const mm = Math.ceil(m / rs);
  const nn = Math.ceil(n / cs);
  const a = new Float64Array(mm * nn);
  let total = 0;
  for (let i = 0; i < mm; i++) {
    const row = i * rs * n;
    for (let j = 0; j < nn; j++) {
      const v = x[row + j * cs];
      a[i * nn + j] = v;
      total += v * v;
    }
  }
  if (!(total > 0 && total < Infinity)) return undefined;
  const rng = new Rng(SEED);
  const omega = new Float64Array(nn * K);
  for (let k = 0; k < omega.length; k++) omega[k] = rng.normal();
  // Y = A·Ω (mm×K), then orthonormal columns Q.
  const y = new Float64Array(mm * K);
  for (let i = 0; i < mm; i++) {
    const ai = i * nn;
    const yi = i * K;
    for (let j = 0; j < nn; j++) {
      const v = a[ai + j];
      if (v === 0) continue;
      const oj = j * K;
      for (let k = 0; k < K; k++) y[yi + k] += v * omega[oj + k];
    }
  }
  orthonormalize(y, mm, K);
  // B = Qᵀ·A (K×nn); the captured energy is ‖B‖²_F.
  const b = new Float64Array(K * nn);
  for (let i = 0; i < mm; i++) {
    const ai = i * nn;
    for (let k = 0; k < K; k++) {
      const q = y[i * K + k];
      if (q === 0) continue;
      const bk = k * nn;
      for (let j = 0; j < nn; j++) b[bk + j] += q * a[ai + j];
    }
  }
  let kept = 0;
  for (let k = 0; k < b.length; k++) kept += b[k] * b[k];
  return Math.min(1, kept / total);
}
