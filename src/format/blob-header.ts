/**
 * The meaning of a blob header's fields, independent of where the bytes come
 * from: the blob itself (blob.ts) or the copy kept in a .thive index
 * (thive-index.ts). Both check a header with `resolveHeader`, so a header is
 * accepted or refused by the same rules wherever it is read.
 */
import { type AnyCodec, type CodecParams, payloadLengthFits } from '../codecs/codec.js';
import { codecById } from '../codecs/registry.js';
import { ArgumentError, DTypeError, FormatError, ShapeError, TensorhiveError } from '../errors/index.js';
import type { DType } from '../tensor/dtype.js';
import { type Shape, formatShape, numel } from '../tensor/shape.js';

export interface BlobHeader {
  /** Blob format version (1). */
  version: number;
  /** Registry id of the codec that wrote the payload. */
  codecId: number;
  /** The source tensor's dtype. */
  dtype: DType;
  shape: Shape;
  /** Codec parameters, completed by the codec (defaults filled in). */
  params: CodecParams;
  /** Bytes of payload that follow the header. */
  payloadLength: number;
  /** Bytes from the start of the blob to the first payload byte. */
  headerLength: number;
}

/** Longest params JSON a blob may carry, in bytes. */
export const MAX_PARAMS_BYTES = 4096;

/** Params keys: short and plain, so every implementation can hold them. */
const KEY = /^[A-Za-z0-9_.-]{1,64}$/;

/** Names the fields of one header for error messages: `header.params`, `index.tensors[2].params`. */
export interface FieldNames {
  codecId: string;
  dtype: string;
  shape: string;
  params: string;
  payloadLength: string;
}

export const BLOB_FIELDS: FieldNames = {
  codecId: 'header.codecId',
  dtype: 'header.dtype',
  shape: 'header.shape',
  params: 'header.params',
  payloadLength: 'payloadLength',
};

/**
 * Check that `value` is a JSON object of scalars with plain keys. Returns a
 * fresh object; throws `fail(message)`.
 */
export function checkParamsObject(value: unknown, fail: (message: string) => Error): CodecParams {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw fail(`must be a JSON object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  }
  const out: CodecParams = {};
  for (const [k, v] of Object.entries(value)) {
    if (!KEY.test(k) || k === '__proto__') throw fail(`key ${JSON.stringify(k.slice(0, 80))} is not a plain name (1-64 of A-Z a-z 0-9 _ . -)`);
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw fail(`${k} must be a finite number, got ${v}`);
    } else if (typeof v !== 'string' && typeof v !== 'boolean' && v !== null) {
      throw fail(`${k} must be a number, string, boolean or null, got ${Array.isArray(v) ? 'an array' : typeof v}`);
    }
    out[k] = v as CodecParams[string];
  }
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

/** Parse stored params JSON; every failure is a FormatError naming `field`. */
export function parseParamsJson(bytes: Uint8Array, field: string): CodecParams {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes));
  } catch (err) {
    throw new FormatError(field, `not valid UTF-8 JSON: ${(err as Error).message}`, { cause: err });
  }
  return checkParamsObject(value, (m) => new FormatError(field, m));
}

/** Serialize params for a header; ArgumentError when they cannot be stored. */
export function serializeParams(params: CodecParams): Uint8Array {
  const checked = checkParamsObject(params, (m) => new ArgumentError(`params ${m}`));
  const bytes = utf8Encoder.encode(JSON.stringify(checked));
  if (bytes.length > MAX_PARAMS_BYTES) {
    throw new ArgumentError(`params serialize to ${bytes.length} bytes of JSON; at most ${MAX_PARAMS_BYTES}`);
  }
  return bytes;
}

/** Field name for an error a codec raised while judging a header. */
function fieldFor(err: unknown, names: FieldNames): string {
  if (err instanceof ShapeError) return names.shape;
  if (err instanceof DTypeError) return names.dtype;
  return names.params;
}

/**
 * Judge a header's codec-level meaning: the codec exists, accepts the params
 * for this shape and dtype, and `payloadLength` is exactly the size it writes.
 * Every failure is a FormatError (the codec's own error is the `cause`).
 * Allocates nothing proportional to the claimed sizes.
 */
export function resolveHeader(
  fields: { codecId: number; dtype: DType; shape: Shape; params: CodecParams; payloadLength: number },
  names: FieldNames,
): { codec: AnyCodec; params: CodecParams } {
  const codec = codecById(fields.codecId);
  if (!codec) throw new FormatError(names.codecId, `unknown codec id ${fields.codecId} (see docs/codecs.md)`);
  try {
    numel(fields.shape);
  } catch (err) {
    throw new FormatError(names.shape, `shape ${formatShape(fields.shape)} has too many elements`, { cause: err });
  }
  let params: CodecParams;
  let expected: number;
  try {
    params = codec.params(fields.params);
    codec.check(fields.shape, fields.dtype, params);
    expected = codec.payloadBytes(fields.shape, fields.dtype, params);
  } catch (err) {
    const why = err instanceof TensorhiveError ? err.message : `codec ${codec.name} failed: ${String(err)}`;
    throw new FormatError(fieldFor(err, names), `not valid for codec ${codec.name}: ${why}`, { cause: err });
  }
  if (!payloadLengthFits(codec, expected, fields.payloadLength)) {
    throw new FormatError(
      names.payloadLength,
      `is ${fields.payloadLength}; codec ${codec.name} writes ${codec.variableSize === true ? 'at most ' : ''}${expected} bytes for ${fields.dtype} ${formatShape(fields.shape)}`,
    );
  }
  return { codec, params };
}
