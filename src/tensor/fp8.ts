/**
 * OCP 8-bit floats. E4M3 is the "FN" variant (bias 7, no infinities, NaN is
 * S.1111.111, max finite 448); E5M2 is IEEE-like (bias 15, ±inf, NaNs, max
 * finite 57344). Both have subnormals.
 *
 * Encoding takes the f32 value of `x`, rounds to nearest even and SATURATES:
 * finite values past max finite and ±Infinity become ±max finite (what ML
 * casts want: an outlier must not turn into inf/NaN). NaN stays NaN
 * (E4M3 0x7f/0xff, E5M2 quiet 0x7e/0xfe by sign). Decoding is a lookup in a
 * 256-entry table built once. Encode allocates nothing per call.
 */

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

/** Adding then subtracting 2^52 rounds a double in [0, 2^52) to an integer, ties to even. */
const RNE_MAGIC = 4503599627370496;

// f32 bit patterns of the thresholds used below.
const F32_EXP_ALL = 0x7f800000;
const E4M3_MAX_BITS = 0x43e00000; // 448
const E4M3_MIN_NORMAL_BITS = 0x3c800000; // 2^-6
const E5M2_MAX_BITS = 0x47600000; // 57344
const E5M2_MIN_NORMAL_BITS = 0x38800000; // 2^-14

/** f32 value -> E4M3 (FN) bits, round to nearest even, saturating. */
export function f32ToE4M3Bits(x: number): number {
  scratchF32[0] = x;
  const b = scratchU32[0];
  const sign = (b >>> 24) & 0x80;
  const abs = b & 0x7fffffff;
  if (abs > F32_EXP_ALL) return sign | 0x7f;
  if (abs >= E4M3_MAX_BITS) return sign | 0x7e;
  if (abs < E4M3_MIN_NORMAL_BITS) {
    // Subnormal step is 2^-9; a result of 8 is the smallest normal's code.
    const y = Math.abs(scratchF32[0]) * 512;
    return sign | (y + RNE_MAGIC - RNE_MAGIC);
  }
  // Rebias the exponent (127 -> 7) and keep 3 mantissa bits, ties to even; a
  // carry out of the mantissa correctly bumps the exponent.
  const v = abs - (120 << 23);
  return sign | ((v + 0x7ffff + ((v >>> 20) & 1)) >>> 20);
}

/** f32 value -> E5M2 bits, round to nearest even, saturating. */
export function f32ToE5M2Bits(x: number): number {
  scratchF32[0] = x;
  const b = scratchU32[0];
  const sign = (b >>> 24) & 0x80;
  const abs = b & 0x7fffffff;
  if (abs > F32_EXP_ALL) return sign | 0x7e;
  if (abs >= E5M2_MAX_BITS) return sign | 0x7b;
  if (abs < E5M2_MIN_NORMAL_BITS) {
    // Subnormal step is 2^-16; a result of 4 is the smallest normal's code.
    const y = Math.abs(scratchF32[0]) * 65536;
    return sign | (y + RNE_MAGIC - RNE_MAGIC);
  }
  const v = abs - (112 << 23);
  return sign | ((v + 0xfffff + ((v >>> 21) & 1)) >>> 21);
}

function buildTable(expBits: number, mantBits: number, bias: number, ieeeSpecials: boolean): Float32Array {
  const t = new Float32Array(256);
  const mantMask = (1 << mantBits) - 1;
  const expMax = (1 << expBits) - 1;
  for (let code = 0; code < 256; code++) {
    const sign = code & 0x80 ? -1 : 1;
    const e = (code >>> mantBits) & expMax;
    const m = code & mantMask;
    let v: number;
    if (e === 0) v = m * 2 ** (1 - bias - mantBits);
    else if (e === expMax && ieeeSpecials) v = m === 0 ? Infinity : NaN;
    else if (e === expMax && m === mantMask) v = NaN; // E4M3FN: only S.1111.111 is NaN
    else v = (1 + m / (1 << mantBits)) * 2 ** (e - bias);
    t[code] = sign * v;
  }
  // NaN codes keep their sign (so a round trip gives the same code back): write quiet-NaN bits directly.
  const u = new Uint32Array(t.buffer);
  for (let code = 0; code < 256; code++) {
    if (Number.isNaN(t[code])) u[code] = ((code & 0x80) << 24) | 0x7fc00000;
  }
  return t;
}

const E4M3_TABLE = buildTable(4, 3, 7, false);
const E5M2_TABLE = buildTable(5, 2, 15, true);

/** E4M3 (FN) bits -> f32 value. */
export function e4m3BitsToF32(b: number): number {
  return E4M3_TABLE[b & 0xff];
}

/** E5M2 bits -> f32 value. */
export function e5m2BitsToF32(b: number): number {
  return E5M2_TABLE[b & 0xff];
}
