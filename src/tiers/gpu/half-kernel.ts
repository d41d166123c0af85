/**
 * WGSL kernels widening 16-bit floats to f32 on the device: IEEE binary16
 * (raw F16 tensors, the f16 cast codec) and bfloat16 (raw BF16, the bf16
 * cast). Both work on bits only — no float arithmetic — so they are bit-exact
 * with the TS reference (src/tensor/half.ts) for every one of the 65 536
 * inputs: subnormal halves are normalised by hand (a GPU may flush
 * subnormals), infinities keep their sign, NaN keeps its sign and payload
 * with the quiet bit set, exactly as f16Table() builds them.
 */
import type { DecodeKernel } from './decode-pass.js';

/** Unit = one element: 2 input bytes, 1 output word. */
export const F16_KERNEL: DecodeKernel = {
  name: 'f16-to-f32',
  inputs: 1,
  wgsl: /* wgsl */ `
fn decode(e: u32) {
  let h = in0_u16(e * 2u);
  let s = (h & 0x8000u) << 16u;
  let ex = (h >> 10u) & 0x1fu;
  let m = h & 0x3ffu;
  var bits = s;
  if (ex == 0x1fu) {
    bits = s | 0x7f800000u | select(0u, 0x400000u | (m << 13u), m != 0u);
  } else if (ex != 0u) {
    bits = s | ((ex + 112u) << 23u) | (m << 13u);
  } else if (m != 0u) {
    // m·2^-24 with the top set bit of m at p: 2^(p-24)·1.f, exponent field p + 103.
    let p = 31u - countLeadingZeros(m);
    bits = s | ((p + 103u) << 23u) | ((m << (23u - p)) & 0x7fffffu);
  }
  put(e, bits);
}
`,
};

/** Unit = one element: 2 input bytes, 1 output word (the bf16 bits are the f32's top half). */
export const BF16_KERNEL: DecodeKernel = {
  name: 'bf16-to-f32',
  inputs: 1,
  wgsl: /* wgsl */ `
fn decode(e: u32) {
  put(e, in0_u16(e * 2u) << 16u);
}
`,
};
