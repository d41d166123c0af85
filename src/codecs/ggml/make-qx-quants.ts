/**
 * ggml's make_qx_quants for symmetric types (used by Q6_K with rmse_type 1 and
 * no importance weights): levels l in −nmax..nmax−1 stored as l + nmax, scale
 * refined by weighted least squares (w = x²) over 19 candidate inverse scales.
 * Float32 evaluation in the C order, so the result is the reference's exactly.
 */
import { F32_0_1, GROUP_MAX_EPS, fround, nearestInt } from './f32-math.js';

/**
 * x[xOff..xOff+n) -> L[lOff..lOff+n) (as l + nmax; all 0 for an all-zero
 * group); returns the scale. Only rmse_type 1 with qw = NULL is implemented,
 * the one the K-quant reference quantizers here use.
 */
export function makeQxQuantsRmse1(n: number, nmax: number, x: Float32Array, xOff: number, L: Int8Array, lOff: number): number {
  let max = 0;
  let amax = 0;
  for (let i = 0; i < n; i++) {
    const ax = Math.abs(x[xOff + i]);
    if (ax > amax) {
      amax = ax;
      max = x[xOff + i];
    }
  }
  if (amax < GROUP_MAX_EPS) {
    for (let i = 0; i < n; i++) L[lOff + i] = 0;
    return 0;
  }
  let iscale = fround(-nmax / max);
  let sumlx = 0;
  let suml2 = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[xOff + i];
    const l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(fround(iscale * xi))));
    L[lOff + i] = l + nmax;
    const w = fround(xi * xi);
    const wl = fround(w * l);
    sumlx = fround(sumlx + fround(fround(w * xi) * l));
    suml2 = fround(suml2 + fround(wl * l));
  }
  let scale = suml2 !== 0 ? fround(sumlx / suml2) : 0;
  let best = fround(scale * sumlx);
  for (let is = -9; is <= 9; is++) {
    if (is === 0) continue;
    iscale = fround(-fround(nmax + fround(F32_0_1 * is)) / max);
    sumlx = 0;
    suml2 = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[xOff + i];
      const l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(fround(iscale * xi))));
      const w = fround(xi * xi);
      sumlx = fround(sumlx + fround(fround(w * xi) * l));
      suml2 = fround(suml2 + fround(fround(w * l) * l));
    }
    if (suml2 > 0 && fround(sumlx * sumlx) > fround(best * suml2)) {
      for (let i = 0; i < n; i++) {
        const l = nearestInt(fround(iscale * x[xOff + i]));
        L[lOff + i] = nmax + Math.max(-nmax, Math.min(nmax - 1, l));
      }
      scale = fround(sumlx / suml2);
      best = fround(scale * sumlx);
    }
  }
  return scale;
}
