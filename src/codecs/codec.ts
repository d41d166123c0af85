/**
 * The codec contract. A codec turns a Tensor into payload bytes and back; it
 * never knows where the bytes live. Every codec is one file exporting one
 * `Codec` object, and one row in `registry.ts` — nothing else switches on codecs.
 *
 * Payload layouts are documented per codec in docs/codecs.md. GGML codecs'
 * payloads are exactly GGML's block bytes, so a GGUF tensor's data is a valid
 * payload and vice versa.
 */
import type { DType } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

/** Codec parameters: a small JSON-serializable object, stored in the blob header. */
export type CodecParams = Record<string, number | string | boolean | null>;

export type CodecFamily = 'raw' | 'cast' | 'ggml' | 'quant' | 'lossless' | 'structural';

export interface Codec<P extends CodecParams = CodecParams> {
  /** Permanent numeric id written into blobs. Never reused, even when retired. */
  readonly id: number;
  /** The name as the CLI spells it: `q8_0`, `nf4`, `int8`, `f16`, … */
  readonly name: string;
  readonly family: CodecFamily;
  /**
   * True when decode(encode(t)) is bit-exact for every input dtype the codec
   * accepts. A cast is exact only for inputs already representable in its
   * dtype; `exactFor` says which.
   */
  readonly lossless: boolean;
  /** Input dtypes that round-trip bit-exactly through this codec. */
  readonly exactFor: readonly DType[];
  /** Elements per block along the innermost dimension; 1 when unblocked. */
  readonly blockSize: number;
  /** GGML type id when the payload is byte-identical to that GGML type. */
  readonly ggmlType?: number;
  /**
   * For casts: the dtype whose element bytes the payload holds (so a model
   * file with that dtype can store the payload unchanged). Absent otherwise.
   */
  readonly storage?: DType;
  /** One line for `--help` and docs. */
  readonly summary: string;

  /**
   * Validate and complete parameters (defaults filled in). Throws ArgumentError
   * naming the parameter: `params.blockSize must be …`.
   */
  params(raw?: Readonly<Record<string, unknown>>): P;
  /** Throws ShapeError (or DTypeError) when a tensor of this shape/dtype cannot be encoded. */
  check(shape: Shape, dtype: DType, params: P): void;
  /**
   * When true, payloads vary with the data (entropy coders, sparse formats):
   * `payloadBytes` is then an upper bound, a payload may be any length up to
   * it, and the payload describes its own internal lengths (the decoder
   * checks them). Absent/false: `payloadBytes` is exact.
   */
  readonly variableSize?: boolean;
  /**
   * Payload size for a tensor of this shape, source dtype and params: exact,
   * or the largest possible when `variableSize`. Decoders reject payloads of
   * any other length (above the bound) before allocating anything.
   */
  payloadBytes(shape: Shape, dtype: DType, params: P): number;
  encode(tensor: Tensor, params: P): Uint8Array;
  /**
   * Decode a payload whose length was already checked against payloadBytes.
   * Returns F32 for lossy codecs, the cast dtype for casts, and the source
   * dtype for lossless codecs. `dtype` is the source tensor's dtype.
   * Must throw FormatError (never return wrong numbers) on a malformed payload.
   */
  decode(payload: Uint8Array, shape: Shape, dtype: DType, params: P): Tensor;
}

/** Helper for codecs: the parameters' declared type with no extra keys. */
export type AnyCodec = Codec<CodecParams>;

/**
 * Whether a payload of `length` bytes is acceptable for a codec whose
 * payloadBytes gave `expected`: equal, or at most `expected` for a
 * `variableSize` codec. The one rule every container applies.
 */
export function payloadLengthFits(codec: Pick<AnyCodec, 'variableSize'>, expected: number, length: number): boolean {
  if (!Number.isSafeInteger(expected) || !Number.isSafeInteger(length) || length < 0) return false;
  return codec.variableSize === true ? length <= expected : length === expected;
}
