/**
 * A TF.js weight's stored bytes → a Tensor. Plain float32/int32/bool and
 * float16-quantized weights are their bytes as they are (F32, I32, BOOL,
 * F16: TF.js writes IEEE half, so no conversion and no rounding happen);
 * uint8/uint16-quantized weights are dequantized exactly as TF.js does it
 * (tfjs-core io_utils.ts `decodeWeight`): q·scale + min computed in double and
 * stored as float32, or rounded (Math.round) for int32 weights.
 */
import { FormatError } from '../errors/index.js';
import { Tensor } from '../tensor/tensor.js';
import type { TfjsWeightSpec } from './tfjs-manifest.js';

/** `bytes` holds exactly the weight's stored bytes (numel × width). */
export function decodeTfjsWeight(w: TfjsWeightSpec, bytes: Uint8Array): Tensor {
  if (!w.dtype || w.unsupported) throw new FormatError(w.field, `weight ${JSON.stringify(w.name)}: ${w.unsupported ?? 'unsupported'}`);
  const q = w.quantization;
  if (!q || q.dtype === 'float16') return new Tensor(w.dtype, w.shape, bytes);
  const n = w.numel;
  const scale = q.scale!;
  const min = q.min!;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = q.dtype === 'uint16';
  if (w.dtype === 'I32') {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.round((u16 ? dv.getUint16(2 * i, true) : bytes[i]) * scale + min);
    return new Tensor('I32', w.shape, out);
  }
  const out = new Float32Array(n);
  if (u16) for (let i = 0; i < n; i++) out[i] = dv.getUint16(2 * i, true) * scale + min;
  else for (let i = 0; i < n; i++) out[i] = bytes[i] * scale + min;
  return new Tensor('F32', w.shape, out);
}
