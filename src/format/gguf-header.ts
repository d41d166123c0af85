/**
 * GGUF header parser (v3, and v2 which has the same little-endian layout):
 * magic, version, tensor_count, kv_count, the KV pairs, the tensor infos, then
 * the data section at the next multiple of `general.alignment`.
 *
 * The parser works on a prefix of the file. When it needs bytes beyond the
 * prefix but within the file it throws NeedMoreBytes, and the reader retries
 * with a longer prefix; bytes beyond the file are a FormatError. Every count
 * and length is checked against the bytes the file has left before anything
 * is allocated for it, so a corrupt count cannot allocate more than the file
 * justifies. Checks follow ggml's gguf.cpp: magic; version 2 or 3 (v1 and
 * big-endian files are refused); no duplicate keys or tensor names; known value
 * types; alignment a power of two; n_dims ≤ 4; element count representable;
 * known GGML type with rows a multiple of its block size. ggml additionally
 * requires tensors to be packed in order; we require only that offsets are
 * aligned, inside the file and not overlapping. Like ggml, a dimension may be 0.
 */
import { FormatError } from '../errors/index.js';
import { Cursor } from './gguf-cursor.js';
import {
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  GGUF_MAX_DIMS,
  GgufValueType,
  type GgufTypedValue,
  type GgufValue,
  alignUp,
  ggmlByteLength,
  ggmlTypeInfo,
  isGgufValueType,
} from './gguf-types.js';

export { NeedMoreBytes } from './gguf-cursor.js';

export interface GgufHeaderTensor {
  name: string;
  /** Row-major shape (GGUF's ne reversed). */
  shape: number[];
  /** Dimensions as GGUF stores them (ne[0] is the innermost). */
  ne: number[];
  ggmlType: number;
  byteLength: number;
  /** Offset relative to the data section. */
  relativeOffset: number;
}

export interface GgufHeader {
  version: number;
  typedMetadata: Map<string, GgufTypedValue<GgufValue>>;
  alignment: number;
  dataOffset: number;
  tensors: GgufHeaderTensor[];
}

function readAlignment(meta: Map<string, GgufTypedValue<GgufValue>>): number {
  const a = meta.get('general.alignment');
  if (!a) return GGUF_DEFAULT_ALIGNMENT;
  const v = a.value;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0 || (v & (v - 1)) !== 0 || v > 2 ** 30) {
    throw new FormatError('general.alignment', `must be a power of two, got ${String(v)}`);
  }
  return v;
}

/** Parse a GGUF header from `buf`, a prefix of a file of `fileSize` bytes. */
export function parseGgufHeader(buf: Uint8Array, fileSize: number): GgufHeader {
  const c = new Cursor(buf, fileSize);
  const magic = c.u32('magic');
  if (magic !== GGUF_MAGIC) throw new FormatError('magic', `expected "GGUF", got 0x${magic.toString(16).padStart(8, '0')}`);
  const version = c.u32('version');
  if ((version & 0xffff) === 0 && version !== 0) throw new FormatError('version', `${version >>> 0}: big-endian GGUF files are not supported`);
  if (version !== 2 && version !== 3) throw new FormatError('version', `unsupported GGUF version ${version}; readable: 2, 3`);
  const tensorCount = c.size('tensor_count');
  const kvCount = c.size('kv_count');
  // A KV pair is at least 8 (key length) + 4 (type) + 1 bytes; a tensor info at least 8 + 4 + 4 + 8.
  if (kvCount * 13 > c.left) throw new FormatError('kv_count', `${kvCount} pairs cannot fit in a ${fileSize}-byte file`);
  if (tensorCount * 24 > c.left - kvCount * 13) {
    throw new FormatError('tensor_count', `${tensorCount} tensors cannot fit in a ${fileSize}-byte file`);
  }

  const typedMetadata = new Map<string, GgufTypedValue<GgufValue>>();
  for (let i = 0; i < kvCount; i++) {
    const key = c.string(`kv[${i}].key`);
    if (typedMetadata.has(key)) throw new FormatError(`kv[${i}].key`, `duplicate key ${JSON.stringify(key)}`);
    const field = `kv[${JSON.stringify(key)}]`;
    const type = c.u32(`${field}.type`);
    if (!isGgufValueType(type)) throw new FormatError(`${field}.type`, `unknown value type ${type}`);
    if (type === GgufValueType.ARRAY) {
      const { value, itemType } = c.array(field, 1);
      typedMetadata.set(key, { type, value, itemType });
    } else {
      typedMetadata.set(key, { type, value: c.scalar(type, field) });
    }
  }
  const alignment = readAlignment(typedMetadata);

  const tensors: GgufHeaderTensor[] = [];
  const names = new Set<string>();
  for (let i = 0; i < tensorCount; i++) {
    const name = c.string(`tensors[${i}].name`);
    if (names.has(name)) throw new FormatError(`tensors[${i}].name`, `duplicate tensor name ${JSON.stringify(name)}`);
    names.add(name);
    const f = (k: string): string => `tensors[${JSON.stringify(name)}].${k}`;
    const nDims = c.u32(f('n_dims'));
    if (nDims > GGUF_MAX_DIMS) throw new FormatError(f('n_dims'), `${nDims} dimensions; at most ${GGUF_MAX_DIMS}`);
    const ne: number[] = [];
    let numel = 1;
    for (let d = 0; d < nDims; d++) {
      const n = c.size(`${f('ne')}[${d}]`);
      ne.push(n);
      numel *= n;
      if (!Number.isSafeInteger(numel)) throw new FormatError(f('ne'), 'element count is too large');
    }
    const ggmlType = c.u32(f('type'));
    if (!ggmlTypeInfo(ggmlType)) throw new FormatError(f('type'), `unknown GGML type ${ggmlType}`);
    const shape = ne.slice().reverse();
    const byteLength = ggmlByteLength(ggmlType, shape, f('type'));
    const relativeOffset = c.size(f('offset'));
    if (relativeOffset % alignment !== 0) {
      throw new FormatError(f('offset'), `${relativeOffset} is not a multiple of the alignment ${alignment}`);
    }
    tensors.push({ name, shape, ne, ggmlType, byteLength, relativeOffset });
  }

  const dataOffset = alignUp(c.pos, alignment);
  const dataLength = fileSize - dataOffset;
  const byOffset = [...tensors].sort((a, b) => a.relativeOffset - b.relativeOffset || a.byteLength - b.byteLength);
  let end = 0;
  let prev: GgufHeaderTensor | undefined;
  for (const t of byOffset) {
    const field = `tensors[${JSON.stringify(t.name)}].offset`;
    if (t.relativeOffset + t.byteLength > dataLength) {
      throw new FormatError(
        field,
        `data [${t.relativeOffset}, ${t.relativeOffset + t.byteLength}) runs past the ${Math.max(0, dataLength)}-byte data section`,
      );
    }
    if (t.relativeOffset < end && t.byteLength > 0) {
      throw new FormatError(field, `data at ${t.relativeOffset} overlaps tensor ${JSON.stringify(prev?.name)} ending at ${end}`);
    }
    if (t.byteLength > 0) {
      end = t.relativeOffset + t.byteLength;
      prev = t;
    }
  }
  return { version, typedMetadata, alignment, dataOffset, tensors };
}
