/**
 * Calibration activations for `compress --codec awq --calibration acts.safetensors`.
 *
 * Naming rule: the activations for weight `W` are the safetensors tensor named
 * exactly `W`, else — when `W` ends in `.weight` — the tensor named after its
 * module (`model.layers.0.mlp.down_proj.weight` → `model.layers.0.mlp.down_proj`,
 * the name a forward hook on that module sees). Their shape is [tokens, in] or
 * [..., in] (leading dims are flattened into tokens); `in` must equal the
 * weight's second dim. Any float dtype; they are read as F32. A weight with no
 * activations is quantized as plain INT4 g128, and the report says so.
 */
import { ShapeError } from '../errors/index.js';
import { type AwqParams, awqEncode } from '../codecs/awq.js';
import { dtypeInfo } from '../tensor/dtype.js';
import { formatShape, numel } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { SafetensorsReader } from '../format/safetensors-reader.js';

export function activationNames(weight: string): string[] {
  return weight.endsWith('.weight') && weight.length > 7 ? [weight, weight.slice(0, -7)] : [weight];
}

export class AwqCalibration {
  private constructor(private readonly reader: SafetensorsReader) {}

  static async open(path: string): Promise<AwqCalibration> {
    return new AwqCalibration(await SafetensorsReader.open(path));
  }

  /** Encode `tensor` (a 2-D weight named `name`) with AWQ; returns the payload and the report's decision. */
  async encode(name: string, tensor: Tensor, params: AwqParams): Promise<{ payload: Uint8Array; decision: string }> {
    const names = activationNames(name);
    const info = this.reader.tensors.find((t) => names.includes(t.name));
    if (!info) {
      const { payload } = awqEncode(tensor, undefined, params);
      return { payload, decision: `compressed (awq: no activations named ${names.map((n) => JSON.stringify(n)).join(' or ')}; plain INT4 g${params.groupSize})` };
    }
    const cols = tensor.shape[1];
    if (!dtypeInfo(info.dtype).float || info.shape.length < 1 || info.shape[info.shape.length - 1] !== cols || numel(info.shape) === 0) {
      throw new ShapeError(
        `calibration tensor ${JSON.stringify(info.name)} (${info.dtype} ${formatShape(info.shape)}) must be float activations [tokens, ${cols}] for weight ${JSON.stringify(name)} ${formatShape(tensor.shape)}`,
      );
    }
    const acts = await this.reader.read(info.name);
    const tokens = numel(info.shape) / cols;
    const { payload, alpha } = awqEncode(tensor, { values: acts.toF32(), tokens }, params);
    return { payload, decision: `compressed (awq α=${alpha.toFixed(2)} on ${tokens} calibration tokens from ${JSON.stringify(info.name)})` };
  }

  close(): Promise<void> {
    return this.reader.close();
  }
}
