/**
 * awq — activation-aware INT4 weight quantization (id 35, lossy, 2-D
 * weights [out, in]). See structural/awq-search.ts for the search.
 *
 * Calibration activations cannot travel in codec params (small JSON in the
 * blob header), so they reach the encoder through `awqEncode(tensor,
 * activations, params)` — the compress job calls it with the layer's
 * activations from `--calibration`. The registry row's `encode` is the same
 * function without activations: α = 0, s = 1, i.e. plain INT4 asymmetric
 * group quantization. Either way the per-channel scales live in the payload,
 * so `decode` needs no activations.
 *
 * Params: { groupSize: 128 } (groups run along each row, i.e. over input
 * channels; the last group of a row may be short).
 *
 * Payload (little-endian), G = ceil(in / groupSize) groups per row:
 *   f32 alpha · f32 s[in] · f32 scale[out·G] · u8 zero[out·G] ·
 *   u8 q[ceil(out·in / 2)]   (element i in byte i>>1, low nibble when i is even)
 * W'[o, c] = (q − zero)·scale / s[c]. Decoding checks alpha ∈ [0, 1],
 * s > 0 finite, scale ≥ 0 finite, zero ≤ 15, and saturates at ±f32 max.
 */
import type { Codec } from './codec.js';
import { CodecError, FormatError, ShapeError } from '../errors/index.js';
import { Tensor } from '../tensor/tensor.js';
import { dtypeInfo } from '../tensor/dtype.js';
import { type Shape, formatShape } from '../tensor/shape.js';
import { intParam, paramObject } from './quant/params.js';
import { F32_MAX, checkPayloadLength, readF32s, requireFinite } from './quant/payload.js';
import { groupsPerRow, quantizeInt4 } from './structural/int4-groups.js';
import { awqSearch } from './structural/awq-search.js';

export type AwqParams = { groupSize: number };

const NAME = 'awq';

function dims(shape: Shape): [number, number] {
  if (shape.length !== 2 || shape[0] < 1 || shape[1] < 1) {
    throw new ShapeError(`${NAME} needs a 2-D weight [out, in] with both sides ≥ 1, got shape ${formatShape(shape)}`);
  }
  return [shape[0], shape[1]];
}

function layout(rows: number, cols: number, p: AwqParams): { sAt: number; scaleAt: number; zeroAt: number; qAt: number; total: number; G: number } {
  const G = groupsPerRow(cols, p.groupSize);
  const sAt = 4;
  const scaleAt = sAt + 4 * cols;
  const zeroAt = scaleAt + 4 * rows * G;
  const qAt = zeroAt + rows * G;
  return { sAt, scaleAt, zeroAt, qAt, total: qAt + Math.ceil((rows * cols) / 2), G };
}

/** Calibration activations for one layer: tokens × in, row-major. */
export interface AwqActivations {
  values: Float32Array;
  tokens: number;
}

/**
 * Encode a weight with AWQ scales searched on `activations` (or plain INT4
 * group quantization without them). Returns the payload and the α chosen.
 */
export function awqEncode(tensor: Tensor, activations: AwqActivations | undefined, p: AwqParams): { payload: Uint8Array; alpha: number } {
  const [rows, cols] = dims(tensor.shape);
  const w = tensor.toF32();
  requireFinite(NAME, w);
  if (activations) requireFinite(`${NAME} calibration`, activations.values);
  const search = activations ? awqSearch(w, rows, cols, activations.values, activations.tokens, p.groupSize) : undefined;
  const s = search?.scales ?? new Float32Array(cols).fill(1);
  const alpha = search?.alpha ?? 0;
  const scaled = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) scaled[r * cols + c] = w[r * cols + c] * s[c];
  const g = quantizeInt4(scaled, rows, cols, p.groupSize);
  const L = layout(rows, cols, p);
  const out = new Uint8Array(L.total);
  const dv = new DataView(out.buffer);
  dv.setFloat32(0, alpha, true);
  for (let c = 0; c < cols; c++) dv.setFloat32(L.sAt + 4 * c, s[c], true);
  for (let k = 0; k < g.scales.length; k++) {
    if (!Number.isFinite(g.scales[k])) throw new CodecError(`${NAME}: group ${k}'s scale overflows f32`);
    dv.setFloat32(L.scaleAt + 4 * k, g.scales[k], true);
  }
  out.set(g.zeros, L.zeroAt);
  for (let i = 0; i < g.q.length; i++) out[L.qAt + (i >> 1)] |= (i & 1) === 0 ? g.q[i] : g.q[i] << 4;
  return { payload: out, alpha };
}

/** The α an AWQ payload was searched to (0: plain INT4). */
export function awqAlpha(payload: Uint8Array): number {
  if (payload.byteLength < 4) throw new FormatError('payload', `${NAME} payload shorter than its header`);
  return new DataView(payload.buffer, payload.byteOffset, 4).getFloat32(0, true);
}

export const awq: Codec<AwqParams> = {
  id: 35,
  name: NAME,
  family: 'structural',
  lossless: false,
  exactFor: [],
  blockSize: 1,
  summary: 'AWQ: INT4 asymmetric group-128 with activation-aware per-channel scales (plain INT4 without calibration)',

  params(raw) {
    const r = paramObject(NAME, raw, ['groupSize']);
    return { groupSize: intParam(r, 'groupSize', 128, { min: 2, max: 2 ** 20 }) };
  },
  check(shape, dtype, _p) {
    dtypeInfo(dtype);
    dims(shape);
  },
  payloadBytes(shape, dtype, p) {
    dtypeInfo(dtype);
    const [rows, cols] = dims(shape);
    return layout(rows, cols, p).total;
  },
  encode(tensor, p) {
    return awqEncode(tensor, undefined, p).payload;
  },
  decode(payload, shape, dtype, p) {
    const [rows, cols] = dims(shape);
    const L = layout(rows, cols, p);
    checkPayloadLength(NAME, payload, awq.payloadBytes(shape, dtype, p));
    const alpha = new DataView(payload.buffer, payload.byteOffset, 4).getFloat32(0, true);
    if (!(alpha >= 0 && alpha <= 1)) throw new FormatError(`${NAME}.alpha`, `must be in [0, 1], got ${alpha}`);
    const s = readF32s(payload, L.sAt, cols);
    for (let c = 0; c < cols; c++) if (!(s[c] > 0 && s[c] <= F32_MAX)) throw new FormatError(`${NAME}.s[${c}]`, `must be finite and > 0, got ${s[c]}`);
    const scales = readF32s(payload, L.scaleAt, rows * L.G);
    for (let k = 0; k < scales.length; k++) {
      if (!(scales[k] >= 0 && scales[k] <= F32_MAX)) throw new FormatError(`${NAME}.scale[${k}]`, `must be finite and >= 0, got ${scales[k]}`);
      const z = payload[L.zeroAt + k];
      if (z > 15) throw new FormatError(`${NAME}.zero[${k}]`, `must be 0..15, got ${z}`);
    }
    const out = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const i = r * cols + c;
        const k = r * L.G + Math.floor(c / p.groupSize);
        const byte = payload[L.qAt + (i >> 1)];
        const q = (i & 1) === 0 ? byte & 15 : byte >> 4;
        const v = ((q - payload[L.zeroAt + k]) * scales[k]) / s[c];
        out[i] = v > F32_MAX ? F32_MAX : v < -F32_MAX ? -F32_MAX : v;
      }
    }
    return Tensor.fromF32(out, shape);
  },
};
