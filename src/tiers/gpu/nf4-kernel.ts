/**
 * A WGSL kernel decoding NF4 (bitsandbytes NormalFloat-4, codec id 20) into
 * f32 words: value = NF4_CODE[q]·absmax, the first element of each byte in the
 * HIGH nibble. Its two input streams are the per-block f32 absmax values and
 * the packed codes; the caller (gpu decoders) reads and validates the absmax
 * on the CPU — a 1/64 sliver of the payload at block 64, and with double
 * quantization the only way to reproduce the reference's float64
 * `fround(q·scale + mean)` exactly — and uploads it beside the codes.
 *
 * Exactness: the code book is written as exact hex-float literals, and WGSL's
 * f32 multiply is correctly rounded, as is the reference's (an f64 product of
 * two f32 values is exact, then rounded once to f32). So the kernel is
 * bit-exact with dequantizeNf4, with one named exception: WGSL lets a GPU
 * flush f32 SUBNORMAL results to zero, so an element whose value is below
 * 2^-126 in magnitude (absmax < ~1.2e-38) may come back as ±0.
 */
import { NF4_CODE } from '../../codecs/quant/nf4-code.js';
import type { DecodeKernel } from './decode-pass.js';

/** An f32 as an exact WGSL hex-float literal. */
export function f32HexLiteral(v: number): string {
  const bits = new Uint32Array(new Float32Array([v]).buffer)[0];
  const sign = bits >>> 31 ? '-' : '';
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0 && mant === 0) return `${sign}0.0f`;
  if (exp === 0 || exp === 0xff) throw new RangeError(`f32HexLiteral: ${v} is subnormal or not finite`);
  return `${sign}0x1.${(mant << 1).toString(16).padStart(6, '0')}p${exp - 127}f`;
}

const TABLE = Array.from(NF4_CODE, f32HexLiteral).join(', ');

/** Unit = one block of params.k0 (the block size, even) elements: 4 absmax bytes, k0/2 code bytes. */
export const NF4_KERNEL: DecodeKernel = {
  name: 'nf4',
  inputs: 2,
  wgsl: /* wgsl */ `
var<private> NF4_CODE: array<f32, 16> = array<f32, 16>(${TABLE});
fn decode(e: u32) {
  let a = bitcast<f32>(in0_u32((e / params.k0) * 4u));
  let b = in1_byte(e >> 1u);
  let q = select(b & 0xfu, b >> 4u, (e & 1u) == 0u);
  put(e, bitcast<u32>(NF4_CODE[q] * a));
}
`,
};
