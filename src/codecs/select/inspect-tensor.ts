/**
 * What auto-selection looks at: one pass over the tensor's bit patterns
 * (zeros, distinct values up to a cap) and, for float dtypes, its values
 * (dynamic range, non-finite count) and, for finite 2-D float tensors, a
 * bounded-cost rank sketch (rank-sketch.ts). Cost O(n); memory bounded by the cap.
 */
import type { DType } from '../../tensor/dtype.js';
import { dtypeInfo } from '../../tensor/dtype.js';
import type { Tensor } from '../../tensor/tensor.js';
import { isZeroElement, patternHi, patternLo } from '../lossless/elements.js';
import { PatternTable } from '../lossless/pattern-table.js';
import { DICT_MAX_DISTINCT } from '../dict.js';
import { SKETCH_RANK, sketchEnergy } from './rank-sketch.js';

export interface TensorProfile {
  dtype: DType;
  numel: number;
  bytes: number;
  float: boolean;
  /** Share of elements whose bits are all zero (+0). */
  zeroFraction: number;
  /** Distinct bit patterns, or undefined when more than `DICT_MAX_DISTINCT`. */
  distinct: number | undefined;
  /** log2(max|x| / min non-zero |x|) over finite values (floats only; 0 when none). */
  dynamicRangeBits: number;
  /** NaN/±Infinity elements (floats only). */
  nonFinite: number;
  /**
   * Share of the energy a rank-SKETCH_RANK randomized sketch captures (2-D
   * finite float tensors with both sides ≥ 2·SKETCH_RANK; undefined otherwise).
   * Near 1 means low-rank structure.
   */
  rankEnergy: number | undefined;
}

export function inspectTensor(t: Tensor): TensorProfile {
  const info = dtypeInfo(t.dtype);
  const n = t.numel;
  const P = info.bytes;
  const b = t.bytes;
  let zeros = 0;
  const table = new PatternTable(DICT_MAX_DISTINCT, n);
  let distinctOk = true;
  for (let i = 0; i < n; i++) {
    if (isZeroElement(b, i, P)) zeros++;
    if (distinctOk && table.codeOf(patternLo(b, i, P), patternHi(b, i, P)) < 0) distinctOk = false;
  }
  let dynamicRangeBits = 0;
  let nonFinite = 0;
  let rankEnergy: number | undefined;
  if (info.float && n > 0) {
    const x = t.toF32();
    let max = 0;
    let min = Infinity;
    for (let i = 0; i < n; i++) {
      const a = Math.abs(x[i]);
      if (!(a < Infinity)) {
        nonFinite++;
        continue;
      }
      if (a > max) max = a;
      if (a > 0 && a < min) min = a;
    }
    if (max > 0) dynamicRangeBits = Math.log2(max / min);
    if (nonFinite === 0 && t.shape.length === 2) rankEnergy = sketchEnergy(x, t.shape[0], t.shape[1]);
  }
  return {
    dtype: t.dtype,
    numel: n,
    bytes: t.byteLength,
    float: info.float,
    zeroFraction: n === 0 ? 0 : zeros / n,
    distinct: distinctOk ? table.size : undefined,
    dynamicRangeBits,
    nonFinite,
    rankEnergy,
  };
}

/** One line for the reasons list. */
export function describeProfile(p: TensorProfile): string {
  const parts = [
    `${p.dtype} ${p.numel} elements (${p.bytes} B)`,
    `${(100 * p.zeroFraction).toFixed(1)}% zeros`,
    p.distinct === undefined ? `> ${DICT_MAX_DISTINCT} distinct values` : `${p.distinct} distinct values`,
  ];
  if (p.float) parts.push(`dynamic range 2^${p.dynamicRangeBits.toFixed(1)}`);
  if (p.nonFinite > 0) parts.push(`${p.nonFinite} non-finite`);
  if (p.rankEnergy !== undefined) parts.push(`rank-${SKETCH_RANK} sketch holds ${(100 * p.rankEnergy).toFixed(1)}% of the energy`);
  return parts.join(', ');
}
