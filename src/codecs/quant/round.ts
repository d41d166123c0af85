/** Rounding rules used by the quantizers. */

/** Round half away from zero (C `roundf`, what ggml and our INT8 use). */
export function roundHalfAway(v: number): number {
  return v < 0 ? -Math.round(-v) : Math.round(v);
}

/** roundHalfAway then clamp into [lo, hi]. */
export function roundClamp(v: number, lo: number, hi: number): number {
  const r = v < 0 ? -Math.round(-v) : Math.round(v);
  return r < lo ? lo : r > hi ? hi : r;
}
