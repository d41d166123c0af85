/**
 * INT4 asymmetric group quantization along each row, as AWQ's
 * `pseudo_quantize_tensor` does it (w_bit 4, zero point): per group of
 * `groupSize` consecutive elements of a row (the last group of a row may be
 * short), scale = max(max − min, 1e-5) / 15, zero = clamp(−round(min/scale),
 * 0, 15), q = clamp(round(w/scale) + zero, 0, 15), w' = (q − zero)·scale.
 * round = Math.round (half up).
 */
export interface Int4Groups {
  /** Per (row, group): f32 scale. */
  scales: Float32Array;
  /** Per (row, group): zero point 0..15. */
  zeros: Uint8Array;
  /** One code 0..15 per element, row-major. */
  q: Uint8Array;
}

export const groupsPerRow = (cols: number, groupSize: number): number => Math.ceil(cols / groupSize);

/** Quantize a row-major rows×cols matrix. */
export function quantizeInt4(w: Float32Array, rows: number, cols: number, groupSize: number): Int4Groups {
  const G = groupsPerRow(cols, groupSize);
  const scales = new Float32Array(rows * G);
  const zeros = new Uint8Array(rows * G);
  const q = new Uint8Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < G; g++) {
      const s = r * cols + g * groupSize;
      const e = r * cols + Math.min(cols, (g + 1) * groupSize);
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = s; i < e; i++) {
        const v = w[i];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      const scale = Math.fround(Math.max(hi - lo, 1e-5) / 15);
      const zero = Math.min(15, Math.max(0, -Math.round(lo / scale)));
      scales[r * G + g] = scale;
      zeros[r * G + g] = zero;
      for (let i = s; i < e; i++) q[i] = Math.min(15, Math.max(0, Math.round(w[i] / scale) + zero));
    }
  }
  return { scales, zeros, q };
}

/** w'[r, c] = (q − zero)·scale, divided by colScale[c] when given (AWQ's diag(s)⁻¹). */
export function dequantizeInt4(g: Int4Groups, rows: number, cols: number, groupSize: number, colScale?: Float32Array, out = new Float32Array(rows * cols)): Float32Array {
  const G = groupsPerRow(cols, groupSize);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const k = r * G + Math.floor(c / groupSize);
      const i = r * cols + c;
      const v = (g.q[i] - g.zeros[k]) * g.scales[k];
      out[i] = colScale ? v / colScale[c] : v;
    }
  }
  return out;
}
