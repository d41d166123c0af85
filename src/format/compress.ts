/**
 * Tensor ⇄ blob: pick a codec, encode, wrap in the self-describing blob
 * container; and back. The blob carries everything needed to decode it.
 */
import { type AnyCodec, payloadLengthFits } from '../codecs/codec.js';
import { codecById, codecByName } from '../codecs/registry.js';
import { ArgumentError, CodecError, FormatError, TensorhiveError } from '../errors/index.js';
import { type DType, isDType } from '../tensor/dtype.js';
import { formatShape, numel, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import type { BlobHeader } from './blob-header.js';
import { blobLength, decodeBlob, encodeBlob, readBlobHeader } from './blob.js';

/** A codec given by name or object; an object must be the registry's own row (else its blobs could not be read). */
export function resolveCodec(codec: string | AnyCodec): AnyCodec {
  if (typeof codec === 'string') return codecByName(codec);
  if (typeof codec !== 'object' || codec === null) {
    throw new ArgumentError(`codec must be a codec name or a registered codec, got ${codec === null ? 'null' : typeof codec}`);
  }
  if (codecById(codec.id) !== codec) {
    throw new CodecError(`codec ${String(codec.name)} (id ${String(codec.id)}) is not the registered codec with that id; its blobs could not be decoded`);
  }
  return codec;
}

/** Encode `t` with `codec` (params validated and completed by the codec) into a blob. */
export function compressTensor(t: Tensor, codec: string | AnyCodec, params?: Record<string, unknown>): Uint8Array {
  if (!(t instanceof Tensor)) throw new ArgumentError('tensor must be a Tensor');
  const c = resolveCodec(codec);
  const p = c.params(params ?? {});
  c.check(t.shape, t.dtype, p);
  const payload = c.encode(t, p);
  const want = c.payloadBytes(t.shape, t.dtype, p);
  if (!payloadLengthFits(c, want, payload.byteLength)) {
    // A codec bug; refuse to store bytes no reader would accept.
    throw new CodecError(`codec ${c.name} wrote ${payload.byteLength} bytes for ${t.dtype} ${formatShape(t.shape)}; its payloadBytes says ${c.variableSize === true ? 'at most ' : ''}${want}`);
  }
  return encodeBlob({ codecId: c.id, dtype: t.dtype, shape: t.shape, params: p }, payload);
}

/**
 * Decode a payload whose blob was already verified by decodeBlob. Any failure
 * of the codec is a TensorhiveError (foreign exceptions become FormatError
 * `payload`), and the result's shape is checked against the header.
 */
export function decodeVerified(header: BlobHeader, payload: Uint8Array): Tensor {
  const codec = codecById(header.codecId) as AnyCodec; // known: the header was validated
  let t: Tensor;
  try {
    t = codec.decode(payload, header.shape, header.dtype, header.params);
  } catch (err) {
    if (err instanceof TensorhiveError) throw err;
    throw new FormatError('payload', `codec ${codec.name} could not decode it: ${String(err)}`, { cause: err });
  }
  if (!(t instanceof Tensor) || !sameShape(t.shape, header.shape)) {
    throw new CodecError(`codec ${codec.name} decoded a tensor that does not have the header's shape ${formatShape(header.shape)}`);
  }
  return t;
}

/**
 * Decode a blob to the codec's natural output: F32 for quantizers, the cast
 * dtype for casts, the source dtype for raw and lossless codecs. The tensor
 * may share memory with `blob` (raw does not copy).
 */
export function decompressBlob(blob: Uint8Array): Tensor {
  const { header, payload } = decodeBlob(blob);
  return decodeVerified(header, payload);
}

function checkTarget(dtype: unknown): DType | 'source' {
  if (dtype === 'source' || isDType(dtype)) return dtype;
  throw new ArgumentError(`dtype must be a dtype name or 'source', got ${JSON.stringify(dtype)}`);
}

/** Convert a decoded tensor to `dtype` ('source' = the dtype recorded in the header). */
export function convertDecoded(t: Tensor, header: BlobHeader, dtype: DType | 'source'): Tensor {
  const target = checkTarget(dtype);
  return t.to(target === 'source' ? header.dtype : target);
}

/** Decode a blob and convert it to `dtype`; 'source' gives back the original tensor's dtype. */
export function decompressBlobAs(blob: Uint8Array, dtype: DType | 'source'): Tensor {
  checkTarget(dtype);
  const { header, payload } = decodeBlob(blob);
  return convertDecoded(decodeVerified(header, payload), header, dtype);
}

export interface BlobDescription {
  header: BlobHeader;
  /** The codec's name as the CLI spells it. */
  codec: string;
  lossless: boolean;
  /** Payload bits per element (0 for an empty tensor). */
  bitsPerWeight: number;
  /** Whole blob size: header + payload + checksum. */
  blobBytes: number;
}

/** What a blob holds, from its header alone (works on a prefix holding the header). */
export function describeBlob(blob: Uint8Array): BlobDescription {
  const header = readBlobHeader(blob);
  const codec = codecById(header.codecId) as AnyCodec;
  const n = numel(header.shape);
  return {
    header,
    codec: codec.name,
    lossless: codec.lossless,
    bitsPerWeight: n === 0 ? 0 : (header.payloadLength * 8) / n,
    blobBytes: blobLength(header),
  };
}
