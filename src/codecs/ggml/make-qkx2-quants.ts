/**
 * ggml's make_qkx2_quants: for one sub-block, find scale and min (x ≈ scale·L +
 * min, min ≤ 0, L in 0..nmax) by trying nstep+1 candidate inverse scales and
 * keeping the weighted least-squares fit with the smallest weighted error.
 * Every float operation is rounded to float32 in the C order, so the chosen
 * levels and scales are the reference's bit for bit. Linear in n per step.
 *
 * Note the reference's quirk kept here: once a better fit is found, later
 * candidates are measured from the *updated* min.
 */
import { fround, nearestInt } from './f32-math.js';

/** fround(x[i] − min) for the current min; recomputed only when min changes. */
const xm = new Float32Array(256);

export interface Qkx2Result {
  /** The fitted scale (the C return value). */
  scale: number;
  /** −min, i.e. the positive offset (the C `*the_min`). */
  theMin: number;
}

/**
 * x[xOff..xOff+n) with weights w[0..n); writes levels to L[lOff..lOff+n) and
 * uses Laux[0..n) as scratch; `out` receives scale and theMin (no allocation).
 */
export function makeQkx2Quants(
  n: number,
  nmax: number,
  x: Float32Array,
  xOff: number,
  w: Float32Array,
  L: Uint8Array,
  lOff: number,
  Laux: Uint8Array,
  rmin: number,
  rdelta: number,
  nstep: number,
  useMad: boolean,
  out: Qkx2Result,
): void {
  let min = x[xOff];
  let max = x[xOff];
  let sumW = w[0];
  let sumX = fround(sumW * x[xOff]);
  for (let i = 1; i < n; i++) {
    const xi = x[xOff + i];
    if (xi < min) min = xi;
    if (xi > max) max = xi;
    const wi = w[i];
    sumW = fround(sumW + wi);
    sumX = fround(sumX + fround(wi * xi));
  }
  if (min > 0) min = 0;
  if (max === min) {
    for (let i = 0; i < n; i++) L[lOff + i] = 0;
    out.scale = 0;
    out.theMin = -min;
    return;
  }
  let iscale = fround(nmax / fround(max - min));
  let scale = fround(1 / iscale);
  let bestError = 0;
  for (let i = 0; i < n; i++) xm[i] = x[xOff + i] - min; // store rounds to f32
  for (let i = 0; i < n; i++) {
    const xi = x[xOff + i];
    let l = nearestInt(fround(iscale * xm[i]));
    l = l < 0 ? 0 : l > nmax ? nmax : l;
    L[lOff + i] = l;
    let diff = fround(fround(fround(scale * l) + min) - xi);
    diff = useMad ? Math.abs(diff) : fround(diff * diff);
    bestError = fround(bestError + fround(w[i] * diff));
  }
  if (nstep < 1) {
    out.scale = scale;
    out.theMin = -min;
    return;
  }
  for (let is = 0; is <= nstep; is++) {
    iscale = fround(fround(fround(rmin + fround(rdelta * is)) + nmax) / fround(max - min));
    let sumL = 0;
    let sumL2 = 0;
    let sumXL = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[xOff + i];
      let l = nearestInt(fround(iscale * xm[i]));
      l = l < 0 ? 0 : l > nmax ? nmax : l;
      Laux[i] = l;
      const wl = fround(w[i] * l);
      sumL = fround(sumL + wl);
      sumL2 = fround(sumL2 + fround(wl * l));
      sumXL = fround(sumXL + fround(wl * xi));
    }
    const D = fround(fround(sumW * sumL2) - fround(sumL * sumL));
    if (D > 0) {
      let thisScale = fround(fround(fround(sumW * sumXL) - fround(sumX * sumL)) / D);
      let thisMin = fround(fround(fround(sumL2 * sumX) - fround(sumL * sumXL)) / D);
      if (thisMin > 0) {
        thisMin = 0;
        thisScale = fround(sumXL / sumL2);
      }
      let curError = 0;
      for (let i = 0; i < n; i++) {
        let diff = fround(fround(fround(thisScale * Laux[i]) + thisMin) - x[xOff + i]);
        diff = useMad ? Math.abs(diff) : fround(diff * diff);
        curError = fround(curError + fround(w[i] * diff));
      }
      if (curError < bestError) {
        for (let i = 0; i < n; i++) L[lOff + i] = Laux[i];
        bestError = curError;
        scale = thisScale;
        if (thisMin !== min) {
          min = thisMin;
          for (let i = 0; i < n; i++) xm[i] = x[xOff + i] - min;
        }
      }
    }
  }
  out.scale = scale;
  out.theMin = -min;
}
