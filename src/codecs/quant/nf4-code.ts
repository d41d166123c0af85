/**
 * The NF4 code book (QLoRA, bitsandbytes `NF4` quant map): 16 values, the
 * quantiles of N(0,1) scaled to [-1, 1], with an exact zero at index 7.
 */

export const NF4_CODE = new Float32Array([
  -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
  -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
  0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
  0.7229568362236023, 1.0,
]);

/** Index of the code for 0.0. */
export const NF4_ZERO = 7;

/** Decision thresholds: MID[i] is the midpoint between code i and code i+1. */
const MID = new Float64Array(15);
for (let i = 0; i < 15; i++) MID[i] = (NF4_CODE[i] + NF4_CODE[i + 1]) / 2;

/**
 * Index of the code nearest to `v` (a value already divided by the block's
 * absmax). Exactly on a midpoint the upper code wins, as in bitsandbytes'
 * `dQuantizeNF4` (strict `>` comparisons). Four comparisons, no loop.
 */
export function nearestNf4(v: number): number {
  let q = v > MID[7] ? 8 : 0;
  q += v > MID[q + 3] ? 4 : 0;
  q += v > MID[q + 1] ? 2 : 0;
  q += v > MID[q] ? 1 : 0;
  return q;
}
