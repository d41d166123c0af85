/**
 * The .thive index: UTF-8 JSON naming every blob with its place in the file
 * and a copy of its header fields, plus a string→string metadata map.
 *
 *   {"format":"tensorhive","version":1,"metadata":{…},"tensors":[{"name":…,
 *    "offset":…,"length":…,"codecId":…,"dtype":…,"shape":[…],"params":{…},
 *    "payloadLength":…,"headerLength":…}, …]}
 *
 * Tensors are listed in file order. A reader trusts nothing in it: every
 * field is type-checked, the header fields are judged by the same rules as a
 * blob header, and blobs must lie inside the blob area without overlapping.
 */
import { FormatError } from '../errors/index.js';
import { isDType } from '../tensor/dtype.js';
import { MAX_DIMS } from '../tensor/shape.js';
import { type BlobHeader, type FieldNames, checkParamsObject, resolveHeader } from './blob-header.js';
import { BLOB_FIXED_HEADER_BYTES, BLOB_TRAILER_BYTES, BLOB_VERSION, blobLength } from './blob.js';
import { THIVE_ALIGN, THIVE_HEADER_BYTES, THIVE_VERSION } from './thive-layout.js';

export interface ThiveEntry {
  name: string;
  /** Byte offset of the blob in the file. */
  offset: number;
  /** Blob length in bytes (header + payload + checksum). */
  length: number;
  header: BlobHeader;
}

export interface ThiveIndex {
  metadata: Record<string, string>;
  entries: ThiveEntry[];
}

/** Longest tensor name, in UTF-16 code units. */
export const MAX_NAME_LENGTH = 1024;

/** A metadata map: a plain object of string values. */
export function checkMetadata(value: unknown, fail: (m: string) => Error): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail('must be an object of strings');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw fail(`${JSON.stringify(k.slice(0, 80))} must be a string, got ${typeof v}`);
    if (k === '__proto__') throw fail('key "__proto__" is not allowed');
    out[k] = v;
  }
  return out;
}

export function checkName(name: unknown, fail: (m: string) => Error): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME_LENGTH) {
    throw fail(`must be a non-empty string of at most ${MAX_NAME_LENGTH} characters`);
  }
  return name;
}

export function encodeIndex(metadata: Record<string, string>, entries: readonly ThiveEntry[]): Uint8Array {
  const tensors = entries.map((e) => ({
    name: e.name,
    offset: e.offset,
    length: e.length,
    codecId: e.header.codecId,
    dtype: e.header.dtype,
    shape: e.header.shape,
    params: e.header.params,
    payloadLength: e.header.payloadLength,
    headerLength: e.header.headerLength,
  }));
  return new TextEncoder().encode(JSON.stringify({ format: 'tensorhive', version: THIVE_VERSION, metadata, tensors }));
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function safeInt(v: unknown, field: string, min = 0): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    throw new FormatError(field, `must be an integer ≥ ${min}, got ${JSON.stringify(v)?.slice(0, 40)}`);
  }
  return v;
}

function parseEntry(raw: unknown, at: string): ThiveEntry {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new FormatError(at, 'must be an object');
  const r = raw as Record<string, unknown>;
  const name = checkName(r.name, (m) => new FormatError(`${at}.name`, m));
  const offset = safeInt(r.offset, `${at}.offset`, THIVE_HEADER_BYTES);
  if (offset % THIVE_ALIGN !== 0) throw new FormatError(`${at}.offset`, `is ${offset}; must be a multiple of ${THIVE_ALIGN}`);
  const length = safeInt(r.length, `${at}.length`);
  const codecId = safeInt(r.codecId, `${at}.codecId`);
  if (!isDType(r.dtype)) throw new FormatError(`${at}.dtype`, `unknown dtype ${JSON.stringify(r.dtype)?.slice(0, 40)}`);
  if (!Array.isArray(r.shape) || r.shape.length > MAX_DIMS) {
    throw new FormatError(`${at}.shape`, `must be an array of at most ${MAX_DIMS} dims`);
  }
  const shape = Object.freeze(r.shape.map((d, i) => safeInt(d, `${at}.shape[${i}]`)));
  const stored = checkParamsObject(r.params, (m) => new FormatError(`${at}.params`, m));
  const payloadLength = safeInt(r.payloadLength, `${at}.payloadLength`);
  const headerLength = safeInt(r.headerLength, `${at}.headerLength`, BLOB_FIXED_HEADER_BYTES + 8 * shape.length + 6);
  const names: FieldNames = {
    codecId: `${at}.codecId`,
    dtype: `${at}.dtype`,
    shape: `${at}.shape`,
    params: `${at}.params`,
    payloadLength: `${at}.payloadLength`,
  };
  const { params } = resolveHeader({ codecId, dtype: r.dtype, shape, params: stored, payloadLength }, names);
  // Frozen: entries are handed out to callers and must not be able to change the reader's copy.
  const header: BlobHeader = Object.freeze({ version: BLOB_VERSION, codecId, dtype: r.dtype, shape, params: Object.freeze(params), payloadLength, headerLength });
  if (length !== blobLength(header)) {
    throw new FormatError(`${at}.length`, `is ${length}; header ${headerLength} + payload ${payloadLength} + checksum ${BLOB_TRAILER_BYTES} make ${blobLength(header)}`);
  }
  return { name, offset, length, header };
}

/**
 * Parse and validate index bytes (already checksum-verified) of a file whose
 * blob area ends at `blobsEnd` (the index offset).
 */
export function parseIndex(bytes: Uint8Array, blobsEnd: number): ThiveIndex {
  let doc: unknown;
  try {
    doc = JSON.parse(utf8.decode(bytes));
  } catch (err) {
    throw new FormatError('index', `not valid UTF-8 JSON: ${(err as Error).message}`, { cause: err });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new FormatError('index', 'must be a JSON object');
  const d = doc as Record<string, unknown>;
  if (d.format !== 'tensorhive') throw new FormatError('index.format', 'must be "tensorhive"');
  if (d.version !== THIVE_VERSION) throw new FormatError('index.version', `is ${JSON.stringify(d.version)}; this reader knows ${THIVE_VERSION}`);
  const metadata = checkMetadata(d.metadata, (m) => new FormatError('index.metadata', m));
  if (!Array.isArray(d.tensors)) throw new FormatError('index.tensors', 'must be an array');
  const entries: ThiveEntry[] = [];
  const seen = new Set<string>();
  let prevEnd = THIVE_HEADER_BYTES;
  for (let i = 0; i < d.tensors.length; i++) {
    const at = `index.tensors[${i}]`;
    const e = parseEntry(d.tensors[i], at);
    if (seen.has(e.name)) throw new FormatError(`${at}.name`, `duplicate name ${JSON.stringify(e.name.slice(0, 80))}`);
    seen.add(e.name);
    if (e.offset < prevEnd) throw new FormatError(`${at}.offset`, `is ${e.offset}; overlaps the previous blob (ends at ${prevEnd}) or is out of file order`);
    if (e.offset + e.length > blobsEnd) throw new FormatError(`${at}.length`, `blob [${e.offset}, ${e.offset + e.length}) runs past the blob area (ends at ${blobsEnd})`);
    prevEnd = e.offset + e.length;
    entries.push(e);
  }
  return { metadata, entries };
}

function paramsKey(p: Record<string, unknown>): string {
  return JSON.stringify(Object.keys(p).sort().map((k) => [k, p[k]]));
}

/** The first header field where the blob disagrees with its index copy, or undefined. */
export function headerMismatch(index: BlobHeader, blob: BlobHeader): string | undefined {
  if (index.codecId !== blob.codecId) return 'codecId';
  if (index.dtype !== blob.dtype) return 'dtype';
  if (index.shape.length !== blob.shape.length || index.shape.some((d, i) => d !== blob.shape[i])) return 'shape';
  if (index.payloadLength !== blob.payloadLength) return 'payloadLength';
  if (index.headerLength !== blob.headerLength) return 'headerLength';
  if (paramsKey(index.params) !== paramsKey(blob.params)) return 'params';
  return undefined;
}
