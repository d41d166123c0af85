/**
 * C `float` semantics for the GGML reference quantizers. JS numbers are
 * float64; an f32 op (+ − × ÷ sqrt) on f32 operands evaluated in float64 and
 * rounded once with Math.fround gives exactly the IEEE float32 result, so every
 * float operation of the C code is wrapped in `fround` where its rounding can
 * change a byte. Conversions that are undefined behaviour in C (NaN or
 * out-of-range float -> int) follow x86-64 (`cvttss2si` gives INT_MIN), which
 * is how ggml's reference code behaves on the machines that produce GGUF files.
 */
export const fround = Math.fround;

/** GROUP_MAX_EPS as the C float constant 1e-15f. */
export const GROUP_MAX_EPS = Math.fround(1e-15);

/** The C float constant 0.1f. */
export const F32_0_1 = Math.fround(0.1);

const scratchF32 = new Float32Array(1);
const scratchI32 = new Int32Array(scratchF32.buffer);

/**
 * ggml's `nearest_int`: add 1.5·2^23 in float32 (round half to even) and read
 * the mantissa bits. `f` must already be a float32 value. Out-of-range input
 * (|f| > 4194303, inf, NaN) gives the same garbage bits as the C code.
 */
export function nearestInt(f: number): number {
  const v = fround(f + 12582912);
  if (v >= 8388608 && v < 16777216) return (v - 12582912) | 0;
  scratchF32[0] = v;
  return (scratchI32[0] & 0x007fffff) - 0x00400000;
}

/** C float -> int32 conversion as x86-64 does it (truncate; NaN/overflow -> INT_MIN). */
export function truncI32(v: number): number {
  return v > -2147483649 && v < 2147483648 ? Math.trunc(v) : -2147483648;
}

/** C `(int8_t)floatValue` on x86-64: convert to int32, keep the low byte, signed. */
export function truncI8(v: number): number {
  return (truncI32(v) << 24) >> 24;
}

/** C `roundf` (half away from zero) for a float32 value. */
export function roundHalfAway(v: number): number {
  // |v| + 0.5 is exact in float64 for any float32 v below 2^29, so floor is exact.
  return v < 0 ? -Math.floor(0.5 - v) : Math.floor(v + 0.5);
}
