/**
 * The Codec object shared by every GGML block type: geometry checks, payload
 * sizing, and encode/decode over the whole tensor as one run of blocks (a
 * row-major tensor whose rows are whole blocks is exactly a sequence of rows of
 * blocks). Each type supplies only its two row kernels.
 */
import { ArgumentError, DTypeError, FormatError, ShapeError } from '../../errors/index.js';
import type { DType } from '../../tensor/dtype.js';
import { dtypeInfo } from '../../tensor/dtype.js';
import { type Shape, checkShape, formatShape, numel, rowLength } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import type { Codec, CodecParams } from '../codec.js';
import { kernels, registerReferenceDecoder } from '../../kernels/table.js';

/** GGML codecs take no parameters. */
export type GgmlParams = Record<string, never>;

export interface GgmlBlockSpec {
  readonly id: number;
  readonly name: string;
  readonly ggmlType: number;
  /** Elements per block (32, or 256 for K-quants). */
  readonly blockSize: number;
  /** Bytes per block. */
  readonly blockBytes: number;
  readonly summary: string;
  /** Quantize whole blocks of `src` into `dst` (GGML's quantize_row_*_ref). */
  quantizeRow(src: Float32Array, dst: Uint8Array): void;
  /** Dequantize whole blocks of `src` into `dst` (GGML's dequantize_row_*). */
  dequantizeRow(src: Uint8Array, dst: Float32Array): void;
}

export function ggmlBlockCodec(spec: GgmlBlockSpec): Codec<CodecParams> {
  const { name, blockSize, blockBytes } = spec;
  // The kernels layer composes its f16/bf16 fallbacks from the reference row decoder.
  registerReferenceDecoder(spec.ggmlType, blockSize, blockBytes, spec.dequantizeRow);

  function check(shape: Shape, dtype: DType): void {
    checkShape(shape);
    const info = dtypeInfo(dtype);
    if (dtype === 'BOOL') throw new DTypeError(`${name} encodes numeric tensors; got dtype ${info.name}`);
    const row = rowLength(shape);
    if (row % blockSize !== 0) {
      throw new ShapeError(
        `${name} needs rows (the innermost dimension) that are a multiple of its block size ${blockSize}; ` +
          `tensor shape ${formatShape(shape)} has row length ${row}`,
      );
    }
  }

  function payloadBytes(shape: Shape, dtype: DType): number {
    check(shape, dtype);
    return (numel(shape) / blockSize) * blockBytes;
  }

  return {
    id: spec.id,
    name,
    family: 'ggml',
    lossless: false,
    exactFor: [],
    blockSize,
    ggmlType: spec.ggmlType,
    summary: spec.summary,

    params(raw?: Readonly<Record<string, unknown>>): GgmlParams {
      if (raw === undefined) return {};
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
        throw new ArgumentError(`params for ${name} must be an object (it takes no parameters)`);
      }
      for (const key of Object.keys(raw)) {
        throw new ArgumentError(`params.${key} is not a parameter of ${name} (it takes no parameters)`);
      }
      return {};
    },

    check,
    payloadBytes,

    encode(tensor: Tensor): Uint8Array {
      const out = new Uint8Array(payloadBytes(tensor.shape, tensor.dtype));
      const src = tensor.toF32();
      // Native override first (bit-exact); on refused input the reference throws its own error.
      if (!kernels.quantize[spec.ggmlType]?.(src, out)) spec.quantizeRow(src, out);
      return out;
    },

    decode(payload: Uint8Array, shape: Shape, dtype: DType): Tensor {
      const want = payloadBytes(shape, dtype);
      if (payload.byteLength !== want) {
        throw new FormatError(
          'payload',
          `${name} payload for shape ${formatShape(shape)} must be ${want} bytes, got ${payload.byteLength}`,
        );
      }
      const out = new Float32Array(numel(shape));
      // Native override first (bit-exact); on a bad scale the reference throws the FormatError.
      if (!kernels.dequantize[spec.ggmlType]?.(payload, out)) spec.dequantizeRow(payload, out);
      return Tensor.fromF32(out, shape);
    },
  };
}
