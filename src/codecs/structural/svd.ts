/**
 * Truncated SVD for the low-rank codec, in float64, row-major throughout.
 *
 * - `jacobiSvd`: one-sided (Hestenes) Jacobi on a tall matrix — rotate column
 *   pairs until all are orthogonal; singular values are the column norms.
 *   Accurate to working precision, O(sweeps·n²·m); used directly for small
 *   matrices and on the small projected matrix of the randomized method.
 * - `randomizedSvd` (Halko, Martinsson & Tropp 2011, alg. 4.4 + 5.1): a
 *   Gaussian sketch Y = A·Ω with oversampling, a few power iterations with
 *   re-orthonormalization (modified Gram-Schmidt, twice) for accuracy on slowly
 *   decaying spectra, then the exact SVD of B = Qᵀ·A (l×n).
 */
import { Rng } from '../../random/rng.js';

export interface Svd {
  /** m×k row-major, orthonormal columns. */
  u: Float64Array;
  /** k singular values, descending. */
  s: Float64Array;
  /** k×n row-major (rows are right singular vectors). */
  vt: Float64Array;
  k: number;
}

const MAX_SWEEPS = 40;

/** Columns of a row-major m×n matrix, as n contiguous Float64Arrays. */
function toColumns(a: Float64Array, m: number, n: number): Float64Array[] {
  const cols = Array.from({ length: n }, () => new Float64Array(m));
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) cols[j][i] = a[row + j];
  }
  return cols;
}

function dot(x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  return s;
}

/**
 * Thin SVD of a row-major m×n matrix (any m, n): u is m×r, vt r×n, r = min(m, n).
 * A wide matrix is handled through its transpose.
 */
export function jacobiSvd(input: ArrayLike<number>, m: number, n: number): Svd {
  const a = input instanceof Float64Array ? input : Float64Array.from(input);
  if (m < n) {
    const t = jacobiSvd(transpose(a, m, n), n, m);
    return { u: transpose(t.vt, t.k, m), s: t.s, vt: transpose(t.u, n, t.k), k: t.k };
  }
  const cols = toColumns(a, m, n); // columns of A, rotated in place into U·Σ
  const v = Array.from({ length: n }, (_, j) => {
    const e = new Float64Array(n);
    e[j] = 1;
    return e;
  });
  const norms = cols.map((c) => dot(c, c));
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const alpha = norms[p];
        const beta = norms[q];
        const cp = cols[p];
        const cq = cols[q];
        const gamma = dot(cp, cq);
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < m; i++) {
          const x = cp[i];
          const y = cq[i];
          cp[i] = c * x - s * y;
          cq[i] = s * x + c * y;
        }
        const vp = v[p];
        const vq = v[q];
        for (let i = 0; i < n; i++) {
          const x = vp[i];
          const y = vq[i];
          vp[i] = c * x - s * y;
          vq[i] = s * x + c * y;
        }
        norms[p] = dot(cp, cp);
        norms[q] = dot(cq, cq);
      }
    }
    if (!rotated) break;
  }
  const order = Array.from({ length: n }, (_, j) => j).sort((x, y) => norms[y] - norms[x]);
  const k = n;
  const u = new Float64Array(m * k);
  const s = new Float64Array(k);
  const vt = new Float64Array(k * n);
  for (let r = 0; r < k; r++) {
    const j = order[r];
    const sigma = Math.sqrt(norms[j]);
    s[r] = sigma;
    const col = cols[j];
    if (sigma > 0) for (let i = 0; i < m; i++) u[i * k + r] = col[i] / sigma;
    vt.set(v[j], r * n);
  }
  return { u, s, vt, k };
}

export function transpose(a: Float64Array, m: number, n: number): Float64Array {
  const t = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j];
  return t;
}

/** A (m×n) · B (n×l), row-major. */
function mul(a: Float64Array, m: number, n: number, b: Float64Array, l: number): Float64Array {
  const out = new Float64Array(m * l);
  for (let i = 0; i < m; i++) {
    const o = i * l;
    for (let k = 0; k < n; k++) {
      const x = a[i * n + k];
      if (x === 0) continue;
      const r = k * l;
      for (let j = 0; j < l; j++) out[o + j] += x * b[r + j];
    }
  }
  return out;
}

/** Aᵀ (n×m) · Q (m×l), A row-major m×n. */
function mulT(a: Float64Array, m: number, n: number, q: Float64Array, l: number): Float64Array {
  const out = new Float64Array(n * l);
  for (let i = 0; i < m; i++) {
    const r = i * l;
    for (let k = 0; k < n; k++) {
      const x = a[i * n + k];
      if (x === 0) continue;
      const o = k * l;
      for (let j = 0; j < l; j++) out[o + j] += x * q[r + j];
    }
  }
  return out;
}

/**
 * Orthonormalize the columns of a row-major m×l matrix in place (modified
 * Gram-Schmidt, two passes: "twice is enough"). A column with nothing left
 * after projection becomes zero rather than amplified noise.
 */
export function orthonormalize(y: Float64Array, m: number, l: number): void {
  const cols = toColumns(y, m, l);
  const start = cols.map((c) => Math.sqrt(dot(c, c)));
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < l; j++) {
      const cj = cols[j];
      for (let p = 0; p < j; p++) {
        const cp = cols[p];
        const r = dot(cp, cj);
        if (r !== 0) for (let i = 0; i < m; i++) cj[i] -= r * cp[i];
      }
      const norm = Math.sqrt(dot(cj, cj));
      if (norm <= 1e-12 * (start[j] || 1) || norm === 0) cj.fill(0);
      else for (let i = 0; i < m; i++) cj[i] /= norm;
    }
  }
  for (let i = 0; i < m; i++) for (let j = 0; j < l; j++) y[i * l + j] = cols[j][i];
}

export interface RandomizedOptions {
  /** Sketch width l (target rank + oversampling), ≤ min(m, n). */
  width: number;
  powerIters: number;
  seed: number;
}

/** Approximate leading l singular triplets of a row-major m×n matrix. */
export function randomizedSvd(input: ArrayLike<number>, m: number, n: number, o: RandomizedOptions): Svd {
  const l = o.width;
  // One Float64Array copy keeps every product below monomorphic (and exact in f64).
  const a = input instanceof Float64Array ? input : Float64Array.from(input);
  const omega = new Rng(o.seed).normalArray(n * l);
  let q = mul(a, m, n, Float64Array.from(omega), l);
  orthonormalize(q, m, l);
  for (let it = 0; it < o.powerIters; it++) {
    const z = mulT(a, m, n, q, l); // n×l
    orthonormalize(z, n, l);
    q = mul(a, m, n, z, l);
    orthonormalize(q, m, l);
  }
  // B = Qᵀ A (l×n) = (Aᵀ Q)ᵀ; its SVD B = Ub Σ Vᵀ gives A ≈ (Q Ub) Σ Vᵀ.
  const bt = mulT(a, m, n, q, l); // n×l = Bᵀ
  const b = transpose(bt, n, l); // l×n
  const small = jacobiSvd(b, l, n); // u: l×k, vt: k×n
  const u = mul(q, m, l, small.u, small.k);
  return { u, s: small.s, vt: small.vt, k: small.k };
}
