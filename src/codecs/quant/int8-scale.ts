/**
 * Dynamic INT8 scales: computed from each group's min and max.
 *
 * symmetric:  scale = absmax/127, zero point 0, q in [-127, 127].
 * asymmetric: scale = (max - min)/255 and an integer zero point
 *             zp = round(-128 - min/scale), so min -> -128 and max -> 127;
 *             q in [-128, 127]; x' = (q - zp)·scale.
 * Degenerate groups decode exactly: an all-zero group gets scale 0 (every
 * element decodes to 0, no 0/0), a constant group c gets scale |c|, zp 0.
 * The asymmetric scale is floored at max(|min|,|max|)·2^-30 so zp always
 * fits an int32; that floor only bites when the group's spread is below f32
 * precision, where the extra error is under one f32 ulp of the values.
 */
import { roundHalfAway } from './round.js';

/** Smallest positive f32 (subnormal). */
const F32_TINY = Math.fround(1.401298464324817e-45);

/** Fill scales (and zero points) from per-group min/max. */
export function computeScales(
  symmetric: boolean,
  mins: Float64Array,
  maxs: Float64Array,
  scales: Float32Array,
  zps: Int32Array | undefined,
): void {
  for (let g = 0; g < scales.length; g++) {
    const lo = mins[g];
    const hi = maxs[g];
    if (symmetric) {
      scales[g] = Math.max(-lo, hi) / 127;
      continue;
    }
    const zp = zps as Int32Array;
    if (hi === lo) {
      scales[g] = Math.abs(lo);
      zp[g] = 0;
      continue;
    }
    let s = Math.fround(Math.max((hi - lo) / 255, Math.max(-lo, hi, lo, -hi) * 2 ** -30));
    if (s === 0) s = F32_TINY;
    scales[g] = s;
    zp[g] = roundHalfAway(-128 - lo / s);
  }
}
