/** The GGML codecs under test, with their row kernels and geometry, as one table. */
import type { AnyCodec } from '../../../src/codecs/codec.js';
import { dequantizeRowQ4_0, q4_0, quantizeRowQ4_0 } from '../../../src/codecs/q4_0.js';
import { dequantizeRowQ4_1, q4_1, quantizeRowQ4_1 } from '../../../src/codecs/q4_1.js';
import { dequantizeRowQ4_K, q4_k, quantizeRowQ4_K } from '../../../src/codecs/q4_k.js';
import { dequantizeRowQ5_0, q5_0, quantizeRowQ5_0 } from '../../../src/codecs/q5_0.js';
import { dequantizeRowQ5_1, q5_1, quantizeRowQ5_1 } from '../../../src/codecs/q5_1.js';
import { dequantizeRowQ6_K, q6_k, quantizeRowQ6_K } from '../../../src/codecs/q6_k.js';
import { dequantizeRowQ8_0, q8_0, quantizeRowQ8_0 } from '../../../src/codecs/q8_0.js';

export interface GgmlCase {
  readonly codec: AnyCodec;
  readonly id: number;
  readonly ggmlType: number;
  readonly block: number;
  readonly bytes: number;
  readonly quantize: (src: Float32Array, dst: Uint8Array) => void;
  readonly dequantize: (src: Uint8Array, dst: Float32Array) => void;
}

export const GGML_CASES: readonly GgmlCase[] = [
  { codec: q8_0, id: 10, ggmlType: 8, block: 32, bytes: 34, quantize: quantizeRowQ8_0, dequantize: dequantizeRowQ8_0 },
  { codec: q4_0, id: 11, ggmlType: 2, block: 32, bytes: 18, quantize: quantizeRowQ4_0, dequantize: dequantizeRowQ4_0 },
  { codec: q4_1, id: 12, ggmlType: 3, block: 32, bytes: 20, quantize: quantizeRowQ4_1, dequantize: dequantizeRowQ4_1 },
  { codec: q5_0, id: 13, ggmlType: 6, block: 32, bytes: 22, quantize: quantizeRowQ5_0, dequantize: dequantizeRowQ5_0 },
  { codec: q5_1, id: 14, ggmlType: 7, block: 32, bytes: 24, quantize: quantizeRowQ5_1, dequantize: dequantizeRowQ5_1 },
  { codec: q4_k, id: 15, ggmlType: 12, block: 256, bytes: 144, quantize: quantizeRowQ4_K, dequantize: dequantizeRowQ4_K },
  { codec: q6_k, id: 16, ggmlType: 14, block: 256, bytes: 210, quantize: quantizeRowQ6_K, dequantize: dequantizeRowQ6_K },
];

/** Quantize then dequantize `x` with a case's row kernels. */
export function roundTrip(c: GgmlCase, x: Float32Array): { bytes: Uint8Array; y: Float32Array } {
  const bytes = new Uint8Array((x.length / c.block) * c.bytes);
  c.quantize(x, bytes);
  const y = new Float32Array(x.length);
  c.dequantize(bytes, y);
  return { bytes, y };
}

/** ggml test-quantize-fns data: x_i = 0.1 + 2·cos(i + offset), as float32. */
export function cosData(n: number, offset: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => 0.1 + 2 * Math.cos(i + offset));
}
