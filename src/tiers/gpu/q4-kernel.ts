/**
 * A WGSL kernel dequantizing Q4_0 (GGML type 2: blocks of 18 bytes, fp16 d
 * then qs[16]; element j is the low nibble of qs[j], element j+16 the high
 * one; value = (q − 8)·d) into f32 words.
 *
 * Exactness: q − 8 has 4 significant bits and d 11, so the product is exact
 * in f32 on both sides: bit-exact (0 ulp) with dequantizeRowQ4_0. Subnormal
 * scales are converted by hand (fp16_scale); a non-finite scale flags its
 * block and the decode rejects with the reference's FormatError field.
 */
import { FormatError } from '../../errors/index.js';
import type { DecodeKernel } from './decode-pass.js';

export const Q4_0_BLOCK_BYTES = 18;

/** Unit = one block (18 input bytes, 32 outputs). */
export const Q4_0_KERNEL: DecodeKernel = {
  name: 'q4_0',
  inputs: 1,
  wgsl: /* wgsl */ `
fn decode(e: u32) {
  let block = e / 32u;
  let j = e % 32u;
  let at = block * ${Q4_0_BLOCK_BYTES}u;
  let h = in0_u16(at);
  var d = 0.0;
  if ((h & 0x7c00u) == 0x7c00u) { flag_bad(block); } else { d = fp16_scale(h); }
  let b = in0_byte(at + 2u + (j & 15u));
  let q = select(b & 0xfu, b >> 4u, j >= 16u);
  put(e, bitcast<u32>(f32(i32(q) - 8) * d));
}
`,
};

/** The FormatError dequantizeRowQ4_0 throws for block `i`. */
export function q4BadScale(i: number): FormatError {
  return new FormatError(`payload.block[${i}].d`, 'q4_0 scale is not finite');
}
