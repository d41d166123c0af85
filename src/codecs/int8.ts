/**
 * int8 — INT8 with dynamic (data-derived) scales (id 21).
 *
 * Params: { scheme: 'symmetric' | 'asymmetric', granularity: 'tensor' |
 * 'channel' | 'block', axis: 0, blockSize: 64 }.
 *   - tensor:  one scale for the whole tensor.
 *   - channel: one scale per index along `axis` (negative counts from the
 *              end; checked against the shape in check(): ShapeError).
 *   - block:   one scale per `blockSize` consecutive elements of the
 *              flattened tensor; the last block may be short.
 * Scales (see quant/int8-scale.ts):
 *   symmetric:  scale = absmax/127, q = clamp(round(x/scale), -127, 127),
 *               x' = q·scale.
 *   asymmetric: scale = (max-min)/255, zp = round(-128 - min/scale) so that
 *               min -> -128 and max -> 127, q = clamp(round(x/scale) + zp,
 *               -128, 127), x' = (q - zp)·scale.
 *   round = half away from zero. All-zero groups decode to exact zeros.
 * NaN/±Infinity in the input is refused with a CodecError naming the first
 * bad element.
 *
 * Payload (little-endian), G = number of groups (1, shape[axis], or
 * ceil(n/blockSize)):
 *   scale f32[G]
 *   zp    i32[G]     asymmetric only (int32: an offset range need not include 0)
 *   q     i8[n]      row-major, like the tensor
 * Decoding rejects (FormatError) a wrong length and a scale that is NaN,
 * infinite or negative; values beyond the f32 range saturate at ±f32 max.
 */
import type { Codec } from './codec.js';
import { FormatError } from '../errors/index.js';
import { Tensor } from '../tensor/tensor.js';
import { type DType, dtypeInfo } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import { MAX_DIMS } from '../tensor/shape.js';
import { enumParam, intParam, paramObject } from './quant/params.js';
import { checkPayloadLength, F32_MAX, readF32s, readI32s, requireFinite } from './quant/payload.js';
import { type Granularity, type Groups, groupsOf, normalizeAxis } from './quant/int8-groups.js';
import { numel } from '../tensor/shape.js';
import { kernels } from '../kernels/table.js';
import { computeScales } from './quant/int8-scale.js';
import { roundClamp } from './quant/round.js';

export type Int8Params = {
  scheme: 'symmetric' | 'asymmetric';
  granularity: Granularity;
  axis: number;
  blockSize: number;
};

const NAME = 'int8';

function geometry(shape: Shape, p: Int8Params): { groups: Groups; qAt: number; total: number } {
  const groups = groupsOf(shape, p.granularity, p.axis, p.blockSize);
  const qAt = groups.count * (p.scheme === 'asymmetric' ? 8 : 4);
  return { groups, qAt, total: qAt + groups.n };
}

/** Elements per contiguous run of one group (the native kernels' group of i is floor(i / run) % G). */
function runOf(shape: Shape, p: Int8Params, n: number): number {
  return p.granularity === 'block' ? p.blockSize : p.granularity === 'tensor' ? n : numel(shape.slice(normalizeAxis(shape, p.axis) + 1));
}

export const int8: Codec<Int8Params> = {
  id: 21,
  name: NAME,
  family: 'quant',
  lossless: false,
  exactFor: [],
  blockSize: 1, // not bound to rows: params.blockSize blocks the flattened tensor
  summary: 'INT8 with dynamic scales: symmetric or asymmetric, per tensor, channel or block',

  params(raw) {
    const r = paramObject(NAME, raw, ['scheme', 'granularity', 'axis', 'blockSize']);
    return {
      scheme: enumParam(r, 'scheme', ['symmetric', 'asymmetric'] as const, 'symmetric'),
      granularity: enumParam(r, 'granularity', ['tensor', 'channel', 'block'] as const, 'block'),
      axis: intParam(r, 'axis', 0, { min: -MAX_DIMS, max: MAX_DIMS - 1 }),
      blockSize: intParam(r, 'blockSize', 64, { min: 1, max: 2 ** 30 }),
    };
  },
  check(shape: Shape, dtype: DType, p: Int8Params) {
    dtypeInfo(dtype);
    geometry(shape, p);
  },
  payloadBytes(shape: Shape, dtype: DType, p: Int8Params) {
    dtypeInfo(dtype);
    return geometry(shape, p).total;
  },

  encode(tensor: Tensor, p: Int8Params) {
    const { groups, qAt, total } = geometry(tensor.shape, p);
    const x = tensor.toF32();
    const G = groups.count;
    const mins = new Float64Array(G).fill(Infinity);
    const maxs = new Float64Array(G).fill(-Infinity);
    // Native override (bit-exact): group of element i is floor(i / run) % G.
    const run = groups.n > 0 ? runOf(tensor.shape, p, groups.n) : 0;
    const native = run > 0 && kernels.int8MinMax !== undefined && kernels.int8Quantize !== undefined;
    if (native) {
      if (!kernels.int8MinMax!(x, run, mins, maxs)) requireFinite(NAME, x); // throws the CodecError
    } else {
      requireFinite(NAME, x);
      groups.forEachRun((g, s, e) => {
        let lo = mins[g];
        let hi = maxs[g];
        for (let i = s; i < e; i++) {
          const v = x[i];
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        mins[g] = lo;
        maxs[g] = hi;
      });
    }
    for (let g = 0; g < G; g++) {
      if (mins[g] > maxs[g]) mins[g] = maxs[g] = 0; // a group with no elements
    }
    const out = new Uint8Array(total);
    const scales = new Float32Array(out.buffer, 0, G);
    const symmetric = p.scheme === 'symmetric';
    const zps = symmetric ? undefined : new Int32Array(out.buffer, 4 * G, G);
    computeScales(symmetric, mins, maxs, scales, zps);
    const q = new Int8Array(out.buffer, qAt, groups.n);
    const qlo = symmetric ? -127 : -128;
    if (native) {
      kernels.int8Quantize!(x, scales, zps ?? null, run, q);
      return out;
    }
    groups.forEachRun((g, s, e) => {
      const scale = scales[g];
      const zp = zps ? zps[g] : 0;
      if (scale === 0) {
        q.fill(zp, s, e);
        return;
      }
      for (let i = s; i < e; i++) q[i] = roundClamp(x[i] / scale, qlo - zp, 127 - zp) + zp;
    });
    return out;
  },

  decode(payload: Uint8Array, shape: Shape, dtype: DType, p: Int8Params) {
    const { groups, qAt } = geometry(shape, p);
    checkPayloadLength(NAME, payload, int8.payloadBytes(shape, dtype, p));
    const G = groups.count;
    const scales = readF32s(payload, 0, G);
    const zps = p.scheme === 'asymmetric' ? readI32s(payload, 4 * G, G) : undefined;
    for (let g = 0; g < G; g++) {
      const s = scales[g];
      if (!(s >= 0 && s <= F32_MAX)) throw new FormatError(`${NAME}.scale[${g}]`, `must be finite and >= 0, got ${s}`);
    }
    const q = new Int8Array(payload.buffer, payload.byteOffset + qAt, groups.n);
    const out = new Float32Array(groups.n);
    if (kernels.int8Dequantize && groups.n > 0) {
      // Native override (bit-exact): group of element i is floor(i / run) % G.
      kernels.int8Dequantize(q, scales, zps ?? null, runOf(shape, p, groups.n), out);
      return Tensor.fromF32(out, shape);
    }
    groups.forEachRun((g, s, e) => {
      const scale = scales[g];
      const zp = zps ? zps[g] : 0;
      // Only a group whose extreme codes overflow f32 takes the saturating loop.
      if (Math.max(128 + zp, 127 - zp, -128 - zp, zp - 127) * scale < F32_MAX) {
        for (let i = s; i < e; i++) out[i] = (q[i] - zp) * scale;
      } else {
        for (let i = s; i < e; i++) {
          const v = (q[i] - zp) * scale;
          out[i] = v > F32_MAX ? F32_MAX : v < -F32_MAX ? -F32_MAX : v;
        }
      }
    });
    return Tensor.fromF32(out, shape);
  },
};
