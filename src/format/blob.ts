/**
 * The blob: one encoded tensor (or chunk) that describes itself. Byte layout
 * (little-endian; docs/format.md has the full table):
 *
 *   0   4  magic "THB1"
 *   4   2  u16 version (1)
 *   6   2  u16 headerLength (multiple of 8, so the payload is 8-aligned)
 *   8   2  u16 codec id          10  1  u8 dtype id     11  1  u8 rank (≤ 8)
 *   12  2  u16 paramsLength      14  2  u16 flags (0)   16  8  u64 payloadLength
 *   24  8·rank u64 dims, then paramsLength bytes of params JSON, zero padding,
 *   headerLength−4  4  u32 CRC-32 of header bytes [0, headerLength−4)
 *   headerLength    payloadLength bytes of payload
 *   end−4  4  u32 CRC-32 of every byte before it
 *
 * The header has its own CRC so a header read from a prefix (an index, a
 * partial read) is trusted only when intact, before any length in it is used.
 */
import { type CodecParams, payloadLengthFits } from '../codecs/codec.js';
import { codecById } from '../codecs/registry.js';
import { ArgumentError, CodecError, FormatError, IntegrityError } from '../errors/index.js';
import { type DType, dtypeById, dtypeInfo } from '../tensor/dtype.js';
import { MAX_DIMS, type Shape, checkShape, formatShape } from '../tensor/shape.js';
import { crc32 } from './checksum.js';
import {
  BLOB_FIELDS,
  type BlobHeader,
  MAX_PARAMS_BYTES,
  parseParamsJson,
  resolveHeader,
  serializeParams,
} from './blob-header.js';

export type { BlobHeader } from './blob-header.js';
export { MAX_PARAMS_BYTES } from './blob-header.js';

/** "THB1" */
export const BLOB_MAGIC = Uint8Array.of(0x54, 0x48, 0x42, 0x31);
export const BLOB_VERSION = 1;
/** Bytes of the fixed part of the header (before the dims). */
export const BLOB_FIXED_HEADER_BYTES = 24;
/** Bytes of the trailing checksum. */
export const BLOB_TRAILER_BYTES = 4;

/** Header length for a rank and params size: fixed part, dims, params, header CRC, rounded up to 8. */
export function blobHeaderLength(rank: number, paramsLength: number): number {
  const raw = BLOB_FIXED_HEADER_BYTES + 8 * rank + paramsLength + 4;
  return (raw + 7) & ~7;
}

/** Total bytes of the blob a header describes. */
export function blobLength(h: Pick<BlobHeader, 'headerLength' | 'payloadLength'>): number {
  return h.headerLength + h.payloadLength + BLOB_TRAILER_BYTES;
}

function checkBytes(bytes: unknown): asserts bytes is Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new ArgumentError(`blob must be a Uint8Array, got ${typeof bytes}`);
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A u64 that must be a safe integer; undefined when it is not. */
function readU64(dv: DataView, off: number): number | undefined {
  const lo = dv.getUint32(off, true);
  const hi = dv.getUint32(off + 4, true);
  if (hi >= 0x200000) return undefined; // ≥ 2^53
  return hi * 0x100000000 + lo;
}

function writeU64(dv: DataView, off: number, v: number): void {
  dv.setUint32(off, v % 0x100000000, true);
  dv.setUint32(off + 4, Math.floor(v / 0x100000000), true);
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

/**
 * Build a blob: one allocation holding header, payload and checksum. The
 * header is validated exactly as a reader would (codec known, params accepted,
 * payload size exact), so every blob this writes decodes. Params are stored
 * completed by the codec (defaults filled in), so a later change of defaults
 * never changes what a stored blob means.
 */
export function encodeBlob(
  h: { codecId: number; dtype: DType; shape: Shape; params: CodecParams },
  payload: Uint8Array,
): Uint8Array {
  if (!(payload instanceof Uint8Array)) throw new ArgumentError('payload must be a Uint8Array');
  const codec = codecById(h.codecId);
  if (!codec) throw new CodecError(`unknown codec id ${String(h.codecId)}`);
  const info = dtypeInfo(h.dtype);
  const shape = checkShape(h.shape);
  const params = codec.params(h.params ?? {});
  codec.check(shape, h.dtype, params);
  const expected = codec.payloadBytes(shape, h.dtype, params);
  if (!payloadLengthFits(codec, expected, payload.byteLength)) {
    throw new ArgumentError(
      `payload is ${payload.byteLength} bytes; codec ${codec.name} writes ${codec.variableSize === true ? 'at most ' : ''}${expected} for ${h.dtype} ${formatShape(shape)}`,
    );
  }
  const paramsBytes = serializeParams(params);
  const headerLength = blobHeaderLength(shape.length, paramsBytes.length);
  const out = new Uint8Array(headerLength + payload.byteLength + BLOB_TRAILER_BYTES);
  const dv = view(out);
  out.set(BLOB_MAGIC, 0);
  dv.setUint16(4, BLOB_VERSION, true);
  dv.setUint16(6, headerLength, true);
  dv.setUint16(8, codec.id, true);
  dv.setUint8(10, info.id);
  dv.setUint8(11, shape.length);
  dv.setUint16(12, paramsBytes.length, true);
  dv.setUint16(14, 0, true);
  writeU64(dv, 16, payload.byteLength);
  for (let i = 0; i < shape.length; i++) writeU64(dv, BLOB_FIXED_HEADER_BYTES + 8 * i, shape[i]);
  out.set(paramsBytes, BLOB_FIXED_HEADER_BYTES + 8 * shape.length);
  const headerCrc = crc32(out.subarray(0, headerLength - 4));
  dv.setUint32(headerLength - 4, headerCrc, true);
  out.set(payload, headerLength);
  const end = headerLength + payload.byteLength;
  dv.setUint32(end, crc32(out.subarray(0, end)), true);
  return out;
}

/**
 * Parse and validate a blob's header. Works on any prefix that holds the whole
 * header (`headerLength` bytes), so an index can read headers without
 * payloads. Checks, in order: magic, version, lengths, header CRC, padding,
 * dims, payload length, dtype, codec, params, and that the payload length is
 * exactly what the codec writes for this shape.
 */
export function readBlobHeader(bytes: Uint8Array): BlobHeader {
  checkBytes(bytes);
  if (bytes.byteLength < 4) throw new FormatError('magic', `need 4 bytes, got ${bytes.byteLength}`);
  for (let i = 0; i < 4; i++) {
    if (bytes[i] !== BLOB_MAGIC[i]) throw new FormatError('magic', 'not a tensorhive blob (expected "THB1")');
  }
  if (bytes.byteLength < BLOB_FIXED_HEADER_BYTES) {
    throw new FormatError('header', `truncated: the fixed header is ${BLOB_FIXED_HEADER_BYTES} bytes, got ${bytes.byteLength}`);
  }
  const dv = view(bytes);
  const version = dv.getUint16(4, true);
  if (version !== BLOB_VERSION) throw new FormatError('version', `unsupported blob version ${version}; this reader knows ${BLOB_VERSION}`);
  const rank = dv.getUint8(11);
  if (rank > MAX_DIMS) throw new FormatError('header.rank', `is ${rank}; at most ${MAX_DIMS}`);
  const paramsLength = dv.getUint16(12, true);
  if (paramsLength < 2 || paramsLength > MAX_PARAMS_BYTES) {
    throw new FormatError('header.paramsLength', `is ${paramsLength}; must be 2..${MAX_PARAMS_BYTES}`);
  }
  const headerLength = dv.getUint16(6, true);
  const wantHeader = blobHeaderLength(rank, paramsLength);
  if (headerLength !== wantHeader) {
    throw new FormatError('headerLength', `is ${headerLength}; rank ${rank} and ${paramsLength} bytes of params make ${wantHeader}`);
  }
  if (bytes.byteLength < headerLength) {
    throw new FormatError('header', `truncated: header is ${headerLength} bytes, got ${bytes.byteLength}`);
  }
  const storedCrc = dv.getUint32(headerLength - 4, true);
  const actualCrc = crc32(bytes.subarray(0, headerLength - 4));
  if (storedCrc !== actualCrc) {
    throw new IntegrityError('blob', `header checksum mismatch: stored ${hex(storedCrc)}, computed ${hex(actualCrc)}`);
  }
  const flags = dv.getUint16(14, true);
  if (flags !== 0) throw new FormatError('header.flags', `is ${flags}; no flags are defined in version ${BLOB_VERSION}`);
  const paramsStart = BLOB_FIXED_HEADER_BYTES + 8 * rank;
  for (let i = paramsStart + paramsLength; i < headerLength - 4; i++) {
    if (bytes[i] !== 0) throw new FormatError('header.padding', `byte ${i} is ${bytes[i]}; padding must be zero`);
  }
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) {
    const d = readU64(dv, BLOB_FIXED_HEADER_BYTES + 8 * i);
    if (d === undefined) throw new FormatError(`header.shape[${i}]`, 'exceeds 2^53 - 1');
    shape.push(d);
  }
  const payloadLength = readU64(dv, 16);
  if (payloadLength === undefined) throw new FormatError('payloadLength', 'exceeds 2^53 - 1');
  const dtypeId = dv.getUint8(10);
  const dtype = dtypeById(dtypeId)?.name;
  if (dtype === undefined) throw new FormatError('header.dtype', `unknown dtype id ${dtypeId}`);
  const codecId = dv.getUint16(8, true);
  const stored = parseParamsJson(bytes.subarray(paramsStart, paramsStart + paramsLength), 'header.params');
  const { params } = resolveHeader({ codecId, dtype, shape, params: stored, payloadLength }, BLOB_FIELDS);
  return { version, codecId, dtype, shape: Object.freeze(shape), params, payloadLength, headerLength };
}

/**
 * Validate a whole blob and return its header and payload (a view into
 * `bytes`, no copy). Checks the header (readBlobHeader), that `bytes` is
 * exactly header + payload + checksum long, and the checksum — all before
 * anything is allocated or decoded.
 */
export function decodeBlob(bytes: Uint8Array): { header: BlobHeader; payload: Uint8Array } {
  const header = readBlobHeader(bytes);
  const total = blobLength(header);
  if (bytes.byteLength !== total) {
    const why =
      bytes.byteLength < total
        ? `truncated: header says ${total} bytes (header ${header.headerLength} + payload ${header.payloadLength} + checksum 4), got ${bytes.byteLength}`
        : `${bytes.byteLength - total} unexpected bytes after the checksum (blob is ${total} bytes)`;
    throw new FormatError('length', why);
  }
  const end = header.headerLength + header.payloadLength;
  const stored = view(bytes).getUint32(end, true);
  const actual = crc32(bytes.subarray(0, end));
  if (stored !== actual) {
    throw new IntegrityError('blob', `checksum mismatch: stored ${hex(stored)}, computed ${hex(actual)}`);
  }
  return { header, payload: bytes.subarray(header.headerLength, end) };
}
