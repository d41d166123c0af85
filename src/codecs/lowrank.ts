/**
 * lowrank — truncated SVD of a 2-D tensor, W ≈ U·diag(S)·Vᵀ (id 34, lossy).
 *
 * Params (at most one of energy / rank / ratio; default energy 0.99):
 *   energy      keep the fewest singular values whose squares reach this
 *               fraction of ‖W‖²_F (0 < energy ≤ 1), at most maxRank;
 *   rank        keep exactly this many (capped by min(m, n));
 *   ratio       the largest rank whose payload is ≤ source bytes / ratio;
 *   maxRank     cap for the energy rule (default 64: low rank means low);
 *   factors     'f16' (default) or 'f32' storage of U and Vᵀ (orthonormal,
 *               so |entries| ≤ 1 and f16 loses only ~3e-4 relative);
 *   oversample, powerIters, seed — the randomized SVD's sketch (svd.ts).
 * Matrices whose sketch would cover half their smaller side or more are
 * decomposed exactly (sketch = all of it, no power iterations needed).
 *
 * Payload (little-endian), k = the rank kept, b = 2 (f16) or 4 (f32):
 *   u32 k · f32 relError (‖W − W_k‖_F / ‖W‖_F, from the spectrum) ·
 *   f32 S[k] · U[m×k] row-major · Vᵀ[k×n] row-major
 * variableSize: the bound is the largest k the params allow. Decoding checks
 * k, the length, S ≥ 0 finite, finite factors, relError in [0, 1].
 */
import type { Codec } from './codec.js';
import { ArgumentError, FormatError, ShapeError } from '../errors/index.js';
import { Tensor } from '../tensor/tensor.js';
import { type DType, dtypeInfo } from '../tensor/dtype.js';
import { type Shape, formatShape } from '../tensor/shape.js';
import { f16Table, f32ArrayToF16 } from '../tensor/half.js';
import { enumParam, intParam, paramObject } from './quant/params.js';
import { requireFinite } from './quant/payload.js';
import { jacobiSvd, randomizedSvd, type Svd } from './structural/svd.js';

export type LowrankParams = {
  energy: number | null;
  rank: number | null;
  ratio: number | null;
  maxRank: number;
  factors: 'f16' | 'f32';
  oversample: number;
  powerIters: number;
  seed: number;
};

const NAME = 'lowrank';
const HEADER = 8;

function numberParam(raw: Readonly<Record<string, unknown>>, name: string, ok: (v: number) => boolean, what: string): number | null {
  const v = raw[name];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw new ArgumentError(`params.${name} must be ${what}, got ${JSON.stringify(v)}`);
  return v;
}

function dims(shape: Shape): [number, number] {
  if (shape.length !== 2 || shape[0] < 1 || shape[1] < 1) {
    throw new ShapeError(`${NAME} needs a 2-D tensor with both sides ≥ 1, got shape ${formatShape(shape)}`);
  }
  return [shape[0], shape[1]];
}

const factorBytes = (p: LowrankParams): number => (p.factors === 'f16' ? 2 : 4);
const bytesForRank = (m: number, n: number, k: number, fb: number): number => HEADER + k * (4 + (m + n) * fb);

/** The most singular values the params allow for this shape. */
function maxRankFor(m: number, n: number, dtype: DType, p: LowrankParams): number {
  const full = Math.min(m, n);
  if (p.rank !== null) return Math.min(p.rank, full);
  if (p.ratio !== null) {
    const budget = (m * n * dtypeInfo(dtype).bytes) / p.ratio;
    return Math.max(1, Math.min(full, Math.floor((budget - HEADER) / (4 + (m + n) * factorBytes(p)))));
  }
  return Math.min(p.maxRank, full);
}

function decompose(x: Float32Array, m: number, n: number, cap: number, p: LowrankParams): Svd {
  const full = Math.min(m, n);
  const width = Math.min(full, cap + p.oversample);
  if (2 * width >= full) return jacobiSvd(x, m, n);
  return randomizedSvd(x, m, n, { width, powerIters: p.powerIters, seed: p.seed });
}

/** Rank kept for a spectrum: energy rule or the cap. */
function chooseRank(s: Float64Array, frob2: number, cap: number, p: LowrankParams): number {
  const k0 = Math.min(cap, s.length);
  if (p.rank !== null || p.ratio !== null || frob2 === 0) return frob2 === 0 ? 0 : k0;
  const target = p.energy! * frob2;
  let acc = 0;
  for (let k = 0; k < k0; k++) {
    acc += s[k] * s[k];
    if (acc >= target * (1 - 1e-12)) return k + 1;
  }
  return k0;
}

export const lowrank: Codec<LowrankParams> = {
  id: 34,
  name: NAME,
  family: 'structural',
  lossless: false,
  exactFor: [],
  blockSize: 1,
  variableSize: true,
  summary: 'low-rank SVD of a matrix (randomized for large ones), rank by energy, rank or ratio',

  params(raw) {
    const r = paramObject(NAME, raw, ['energy', 'rank', 'ratio', 'maxRank', 'factors', 'oversample', 'powerIters', 'seed']);
    const energy = numberParam(r, 'energy', (v) => v > 0 && v <= 1, 'a number in (0, 1]');
    const rank = r.rank === undefined || r.rank === null ? null : intParam(r, 'rank', 1, { min: 1, max: 2 ** 20 });
    const ratio = numberParam(r, 'ratio', (v) => v > 1, 'a number > 1');
    if ([energy, rank, ratio].filter((v) => v !== null).length > 1) {
      throw new ArgumentError('params.energy, params.rank and params.ratio are alternatives: give at most one');
    }
    return {
      energy: rank === null && ratio === null ? (energy ?? 0.99) : null,
      rank,
      ratio,
      maxRank: intParam(r, 'maxRank', 64, { min: 1, max: 2 ** 20 }),
      factors: enumParam(r, 'factors', ['f16', 'f32'] as const, 'f16'),
      oversample: intParam(r, 'oversample', 10, { min: 0, max: 1024 }),
      powerIters: intParam(r, 'powerIters', 2, { min: 0, max: 16 }),
      seed: intParam(r, 'seed', 0x5eed, { min: 0, max: 2 ** 32 - 1 }),
    };
  },
  check(shape, dtype, _p) {
    dtypeInfo(dtype);
    dims(shape);
  },
  payloadBytes(shape, dtype, p) {
    const [m, n] = dims(shape);
    return bytesForRank(m, n, maxRankFor(m, n, dtype, p), factorBytes(p));
  },

  encode(tensor, p) {
    const [m, n] = dims(tensor.shape);
    const x = tensor.toF32();
    requireFinite(NAME, x);
    let frob2 = 0;
    for (let i = 0; i < x.length; i++) frob2 += x[i] * x[i];
    const cap = maxRankFor(m, n, tensor.dtype, p);
    const svd = frob2 === 0 ? { u: new Float64Array(0), s: new Float64Array(0), vt: new Float64Array(0), k: 0 } : decompose(x, m, n, cap, p);
    const k = chooseRank(svd.s, frob2, cap, p);
    let kept = 0;
    for (let j = 0; j < k; j++) kept += svd.s[j] * svd.s[j];
    const fb = factorBytes(p);
    const out = new Uint8Array(bytesForRank(m, n, k, fb));
    const dv = new DataView(out.buffer);
    dv.setUint32(0, k, true);
    dv.setFloat32(4, frob2 === 0 ? 0 : Math.sqrt(Math.max(0, 1 - kept / frob2)), true);
    for (let j = 0; j < k; j++) dv.setFloat32(HEADER + 4 * j, svd.s[j], true);
    // U's first k columns (row-major m×k) then Vᵀ's first k rows.
    const u = new Float32Array(m * k);
    for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) u[i * k + j] = svd.u[i * svd.k + j];
    const vt = Float32Array.from(svd.vt.subarray(0, k * n));
    let at = HEADER + 4 * k;
    for (const f of [u, vt]) {
      const bytes = fb === 2 ? new Uint8Array(f32ArrayToF16(f).buffer) : new Uint8Array(f.buffer);
      out.set(bytes, at);
      at += bytes.byteLength;
    }
    return out;
  },

  decode(payload, shape, dtype, p) {
    const [m, n] = dims(shape);
    const fb = factorBytes(p);
    if (payload.byteLength < HEADER) throw new FormatError('payload', `${NAME} payload must hold its ${HEADER}-byte header, got ${payload.byteLength} bytes`);
    const dv = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
    const k = dv.getUint32(0, true);
    const cap = maxRankFor(m, n, dtype, p);
    if (k > cap) throw new FormatError(`${NAME}.rank`, `${k} is more than the ${cap} these params allow for shape ${formatShape(shape)}`);
    const want = bytesForRank(m, n, k, fb);
    if (payload.byteLength !== want) throw new FormatError('payload', `${NAME} payload of rank ${k} must be ${want} bytes, got ${payload.byteLength}`);
    const rel = dv.getFloat32(4, true);
    if (!(rel >= 0 && rel <= 1)) throw new FormatError(`${NAME}.relError`, `must be in [0, 1], got ${rel}`);
    const s = new Float32Array(k);
    for (let j = 0; j < k; j++) {
      s[j] = dv.getFloat32(HEADER + 4 * j, true);
      if (!(s[j] >= 0 && Number.isFinite(s[j]))) throw new FormatError(`${NAME}.S[${j}]`, `must be finite and >= 0, got ${s[j]}`);
    }
    const read = (at: number, count: number, what: string): Float32Array => {
      const f = new Float32Array(count);
      if (fb === 2) {
        const t = f16Table();
        for (let i = 0; i < count; i++) f[i] = t[dv.getUint16(at + 2 * i, true)];
      } else for (let i = 0; i < count; i++) f[i] = dv.getFloat32(at + 4 * i, true);
      for (let i = 0; i < count; i++) if (!Number.isFinite(f[i])) throw new FormatError(`${NAME}.${what}[${i}]`, `is not finite (${f[i]})`);
      return f;
    };
    const u = read(HEADER + 4 * k, m * k, 'U');
    const vt = read(HEADER + 4 * k + m * k * fb, k * n, 'Vt');
    const out = new Float32Array(m * n);
    const acc = new Float64Array(n);
    for (let i = 0; i < m; i++) {
      acc.fill(0);
      for (let j = 0; j < k; j++) {
        const c = u[i * k + j] * s[j];
        if (c === 0) continue;
        const r = j * n;
        for (let c2 = 0; c2 < n; c2++) acc[c2] += c * vt[r + c2];
      }
      for (let c2 = 0; c2 < n; c2++) out[i * n + c2] = acc[c2];
    }
    // |U|,|V| ≤ 1 (checked finite) and S finite: the sum can still exceed f32 for hostile S; saturate.
    for (let i = 0; i < out.length; i++) if (!Number.isFinite(out[i])) out[i] = out[i] > 0 || Number.isNaN(out[i]) ? 3.4028234663852886e38 : -3.4028234663852886e38;
    return Tensor.fromF32(out, shape);
  },
};

/** What a lowrank payload says about itself: the rank kept and the relative Frobenius error. */
export function describeLowrank(payload: Uint8Array): { rank: number; relError: number } {
  if (payload.byteLength < HEADER) throw new FormatError('payload', `${NAME} payload shorter than its header`);
  const dv = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  return { rank: dv.getUint32(0, true), relError: dv.getFloat32(4, true) };
}
