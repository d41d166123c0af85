/**
 * The 6-bit scale/min packing of Q4_K (and Q5_K): 8 scales and 8 mins in 12
 * bytes. j < 4: scales[j] and scales[j+4] hold sc and m in their low 6 bits;
 * j ≥ 4: scales[j+4] holds the low nibbles, and the top 2 bits of sc / m sit
 * in bits 6..7 of scales[j−4] / scales[j].
 */

/** Pack (sc, m) for sub-block j into the 12 bytes at q[off..]; bytes start zeroed. */
export function putScaleMinK4(j: number, sc: number, m: number, q: Uint8Array, off: number): void {
  if (j < 4) {
    q[off + j] = sc;
    q[off + j + 4] = m;
  } else {
    q[off + j + 4] = (sc & 0xf) | ((m & 0xf) << 4);
    q[off + j - 4] |= (sc >>> 4) << 6;
    q[off + j] |= (m >>> 4) << 6;
  }
}

/** ggml's get_scale_min_k4: the 6-bit scale of sub-block j. */
export function getScaleK4(j: number, q: Uint8Array, off: number): number {
  return j < 4 ? q[off + j] & 63 : (q[off + j + 4] & 0xf) | ((q[off + j - 4] >>> 6) << 4);
}

/** ggml's get_scale_min_k4: the 6-bit min of sub-block j. */
export function getMinK4(j: number, q: Uint8Array, off: number): number {
  return j < 4 ? q[off + j + 4] & 63 : (q[off + j + 4] >>> 4) | ((q[off + j] >>> 6) << 4);
}
