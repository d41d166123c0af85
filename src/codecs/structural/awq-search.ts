/**
 * AWQ's scale search (Lin et al. 2023, `auto_scale`): per input channel
 * s_x = mean|X|; for α in {0, 0.05, …, 0.95}: s = max(s_x, 1e-4)^α, normalised
 * by sqrt(max(s)·min(s)); W' = Q(W·diag(s))·diag(s)⁻¹ with Q = INT4
 * asymmetric groups; keep the α minimizing ‖X·Wᵀ − X·W'ᵀ‖²_F. α = 0 is plain
 * INT4, so the search never does worse than it on the calibration data.
 *
 * Cost: tokens·out·in per α (the output error is measured directly, X·Eᵀ).
 */
import { ShapeError } from '../../errors/index.js';
import { dequantizeInt4, quantizeInt4 } from './int4-groups.js';

export const AWQ_ALPHAS: readonly number[] = Array.from({ length: 20 }, (_, i) => i / 20);

export interface AwqSearch {
  alpha: number;
  /** Per input channel, > 0. */
  scales: Float32Array;
  /** Output error ‖X(W − W')ᵀ‖² per α in AWQ_ALPHAS order. */
  losses: number[];
}

/** Per-channel scales for one α (normalised as in AWQ). */
export function awqScales(meanAbs: Float64Array, alpha: number): Float32Array {
  const s = new Float32Array(meanAbs.length);
  let lo = Infinity;
  let hi = 0;
  for (let c = 0; c < s.length; c++) {
    const v = Math.pow(Math.max(meanAbs[c], 1e-4), alpha);
    s[c] = v;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const norm = Math.sqrt(hi * lo);
  for (let c = 0; c < s.length; c++) s[c] = s[c] / norm;
  return s;
}

/** ‖X·Eᵀ‖² for X tokens×in and E out×in (row-major). */
export function outputError(x: Float32Array, tokens: number, e: Float32Array, out: number, cols: number): number {
  let sum = 0;
  for (let t = 0; t < tokens; t++) {
    const xo = t * cols;
    for (let o = 0; o < out; o++) {
      const eo = o * cols;
      let d = 0;
      for (let c = 0; c < cols; c++) d += x[xo + c] * e[eo + c];
      sum += d * d;
    }
  }
  return sum;
}

/** W' for given column scales: Q(W·diag(s))·diag(s)⁻¹. */
export function awqFakeQuant(w: Float32Array, rows: number, cols: number, groupSize: number, s: Float32Array): Float32Array {
  const scaled = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) scaled[r * cols + c] = w[r * cols + c] * s[c];
  return dequantizeInt4(quantizeInt4(scaled, rows, cols, groupSize), rows, cols, groupSize, s);
}

export function awqSearch(w: Float32Array, rows: number, cols: number, x: Float32Array, tokens: number, groupSize: number): AwqSearch {
  if (x.length !== tokens * cols || tokens < 1) {
    throw new ShapeError(`AWQ calibration activations must be [tokens ≥ 1, ${cols}] for a weight with ${cols} input channels, got ${x.length} values`);
  }
  const meanAbs = new Float64Array(cols);
  for (let t = 0; t < tokens; t++) for (let c = 0; c < cols; c++) meanAbs[c] += Math.abs(x[t * cols + c]);
  for (let c = 0; c < cols; c++) meanAbs[c] /= tokens;
  const err = new Float32Array(w.length);
  const losses: number[] = [];
  let best: { alpha: number; loss: number; scales: Float32Array } = { alpha: 0, loss: Infinity, scales: new Float32Array(cols).fill(1) };
  for (const alpha of AWQ_ALPHAS) {
    const s = awqScales(meanAbs, alpha);
    const wq = awqFakeQuant(w, rows, cols, groupSize, s);
    for (let i = 0; i < w.length; i++) err[i] = w[i] - wq[i];
    const loss = outputError(x, tokens, err, rows, cols);
    losses.push(loss);
    if (loss < best.loss) best = { alpha, loss, scales: s };
  }
  return { alpha: best.alpha, scales: best.scales, losses };
}
