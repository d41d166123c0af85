/**
 * delta_q8 — lossy batch delta (id 37): the arithmetic difference to a
 * reference, d = x − ref (in f32), quantized with GGML Q8_0 blocks over the
 * flattened tensor (the last block zero-padded), after dividing by one f32
 * tensor scale s = max|d| (deltas of near-identical states are tiny: without
 * it Q8_0's fp16 block scales would fall into fp16's subnormal range and lose
 * ~15 dB). Decoding gives fround(ref + d'·s) in F32. The error is Q8_0's error on the DIFFERENCE
 * (~45 dB SQNR relative to d on Gaussian-like deltas), so for near-identical
 * states it is far below the error of quantizing x itself.
 *
 * Params and reference handling as `delta` (lossless/delta-reference.ts):
 * { ref, refChecksum }, ref '' = zero reference (then d = x: plain Q8_0).
 *
 * Payload: f32 s (finite, > 0; 1 when d is all zero), then ceil(n/32) Q8_0
 * blocks of 34 bytes (fp16 d, int8 qs[32]): exactly 4 + 34·ceil(n/32) bytes.
 */
import { DTypeError, FormatError } from '../errors/index.js';
import { type DType, dtypeInfo } from '../tensor/dtype.js';
import { type Shape, checkShape, numel } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import type { Codec } from './codec.js';
import { dequantizeRowQ8_0, quantizeRowQ8_0 } from './q8_0.js';
import { type DeltaParams, NO_REFERENCES, type ReferenceResolver, deltaParams, resolveReference } from './lossless/delta-reference.js';

const NAME = 'delta_q8';
const QK = 32;
const BLOCK_BYTES = 34;
const HEADER = 4;

function check(shape: Shape, dtype: DType): number {
  const n = numel(checkShape(shape));
  if (dtype === 'BOOL') throw new DTypeError(`${NAME} encodes numeric tensors; got dtype BOOL`);
  dtypeInfo(dtype);
  return n;
}

const blocks = (n: number): number => Math.ceil(n / QK);

export function deltaQ8Codec(resolve: ReferenceResolver): Codec<DeltaParams> {
  return {
    id: 37,
    name: NAME,
    family: 'quant',
    lossless: false,
    exactFor: [],
    blockSize: QK,
    summary: 'lossy batch delta: (x − reference) quantized with Q8_0 blocks (8.5 bits/weight, error relative to the delta)',
    params: (raw) => deltaParams(NAME, raw),
    check(shape: Shape, dtype: DType) {
      check(shape, dtype);
    },
    payloadBytes: (shape: Shape, dtype: DType) => HEADER + blocks(check(shape, dtype)) * BLOCK_BYTES,
    encode(tensor: Tensor, p: DeltaParams) {
      const n = check(tensor.shape, tensor.dtype);
      const ref = resolveReference(NAME, p, tensor.shape, tensor.dtype, resolve);
      const nb = blocks(n);
      const d = new Float32Array(nb * QK);
      d.set(tensor.toF32());
      if (ref !== undefined) {
        const r = ref.toF32();
        for (let i = 0; i < n; i++) d[i] -= r[i];
      }
      let s = 0;
      for (let i = 0; i < n; i++) {
        const a = Math.abs(d[i]);
        if (a > s) s = a; // NaN/Infinity are refused by the Q8_0 quantizer below
      }
      if (!(s > 0 && s < Infinity)) s = 1;
      s = Math.fround(s);
      for (let i = 0; i < n; i++) d[i] /= s;
      const out = new Uint8Array(HEADER + nb * BLOCK_BYTES);
      new DataView(out.buffer).setFloat32(0, s, true);
      quantizeRowQ8_0(d, out.subarray(HEADER));
      return out;
    },
    decode(payload: Uint8Array, shape: Shape, dtype: DType, p: DeltaParams) {
      const n = check(shape, dtype);
      const ref = resolveReference(NAME, p, shape, dtype, resolve);
      const nb = blocks(n);
      if (payload.byteLength !== HEADER + nb * BLOCK_BYTES) {
        throw new FormatError('payload', `${NAME} payload for ${n} elements must be ${HEADER + nb * BLOCK_BYTES} bytes, got ${payload.byteLength}`);
      }
      const s = new DataView(payload.buffer, payload.byteOffset, HEADER).getFloat32(0, true);
      if (!(s > 0 && s < Infinity)) throw new FormatError(`${NAME}.scale`, `must be finite and > 0, got ${s}`);
      const d = new Float32Array(nb * QK);
      dequantizeRowQ8_0(payload.subarray(HEADER), d);
      const out = d.subarray(0, n);
      const r = ref?.toF32();
      for (let i = 0; i < n; i++) {
        out[i] = r === undefined ? out[i] * s : out[i] * s + r[i];
        if (!Number.isFinite(out[i])) throw new FormatError(`${NAME}.blocks`, `element ${i} decodes to ${out[i]} (scale ${s} out of range for this payload)`);
      }
      return new Tensor('F32', shape, out.slice());
    },
  };
}

/** The registry row: no reference at hand, only the zero reference (ref ''). */
export const deltaQ8 = deltaQ8Codec(NO_REFERENCES);
