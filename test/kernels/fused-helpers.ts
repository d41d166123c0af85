/**
 * Shared by the fused-product tests: the activations exactly as the 8-bit
 * paths see them, decode-then-multiply references, and the tolerance check.
 */
import { expect } from 'vitest';

/** Round half to even (C nearbyint in the default mode). */
function roundEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - Math.trunc(v)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * x as the int8 path sees it: per `block` q·d, in f32 like the addon (32:
 * Q8_0-style, for Q8_0/Q4_0/NF4; 256: Q8_K-style, for Q4_K).
 */
export function quantizedActivations(x: Float32Array, block = 32): Float32Array {
  const out = new Float32Array(x.length);
  for (let b = 0; b < x.length; b += block) {
    let amax = 0;
    for (let j = 0; j < block; j++) amax = Math.max(amax, Math.abs(x[b + j]));
    const d = Math.fround(amax / 127);
    const id = d ? Math.fround(1 / d) : 0;
    for (let j = 0; j < block; j++) out[b + j] = roundEven(Math.fround(x[b + j] * id)) * d;
  }
  return out;
}

/** y = W·x in float64 for each of `batch` activation vectors, and Σ|w·x| per output. */
export function batchReference(w: Float32Array, rows: number, cols: number, x: Float32Array, batch = 1) {
  const y = new Float64Array(batch * rows);
  const mag = new Float64Array(batch * rows);
  for (let j = 0; j < batch; j++) {
    for (let r = 0; r < rows; r++) {
      let s = 0;
      let m = 0;
      for (let c = 0; c < cols; c++) {
        const t = w[r * cols + c] * x[j * cols + c];
        s += t;
        m += Math.abs(t);
      }
      y[j * rows + r] = s;
      mag[j * rows + r] = m;
    }
  }
  return { y, mag };
}

/** Every output within rel·Σ|w·x| of the reference. */
export function expectClose(got: Float32Array, ref: { y: Float64Array; mag: Float64Array }, what: string, rel: number): void {
  expect(got.length).toBe(ref.y.length);
  for (let r = 0; r < got.length; r++) {
    const err = Math.abs(got[r] - ref.y[r]);
    expect(err, `${what} output ${r}: ${got[r]} vs ${ref.y[r]}`).toBeLessThanOrEqual(rel * ref.mag[r] + 1e-30);
  }
}
