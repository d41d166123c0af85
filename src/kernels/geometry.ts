/**
 * GGML block geometry of the types the native addon handles, and which of
 * them have fused mat-vec and quantize kernels.
 */

export interface BlockGeometry {
  readonly name: string;
  readonly qk: number;
  readonly bytes: number;
}

/** GGML block geometry by GGML type id (the types the addon decodes). */
export const NATIVE_GGML: Readonly<Record<number, BlockGeometry>> = {
  8: { name: 'q8_0', qk: 32, bytes: 34 },
  2: { name: 'q4_0', qk: 32, bytes: 18 },
  3: { name: 'q4_1', qk: 32, bytes: 20 },
  6: { name: 'q5_0', qk: 32, bytes: 22 },
  7: { name: 'q5_1', qk: 32, bytes: 24 },
  12: { name: 'q4_k', qk: 256, bytes: 144 },
  14: { name: 'q6_k', qk: 256, bytes: 210 },
};
/** GGML types with a fused mat-vec kernel, and with a quantize kernel. */
export const NATIVE_MATVEC: readonly number[] = [8, 2, 12];
/** Types the addon can quantize (Q4_K / Q6_K since native/src/quant_k.cc, Q4_1 / Q5_0 / Q5_1 since quant_q4_1_q5.cc; an older build lacks them and is probed at load). */
export const NATIVE_QUANTIZE: readonly number[] = [8, 2, 3, 6, 7, 12, 14];
