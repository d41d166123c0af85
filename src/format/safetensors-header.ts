/**
 * The safetensors header: u64 little-endian length N, then N bytes of JSON
 * `{ name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__": {..} }`,
 * then the data section (offsets relative to its start).
 *
 * Validation follows the Rust `safetensors` crate (`read_metadata` +
 * `Metadata::validate`): N ≤ 100 000 000 and N ≤ file size − 8; UTF-8 JSON
 * object starting with `{`; metadata values are strings; sorted by offset the
 * tensors tile the data section exactly — the first starts at 0, each starts
 * where the previous ended (no overlap, no hole) and the last ends at the end
 * of the file; each range holds exactly numel · dtype size bytes. On top of the
 * crate we check every number is a safe integer, shapes have at most MAX_DIMS
 * dimensions, and dtypes are ones tensorhive knows.
 */
import { ArgumentError, FormatError } from '../errors/index.js';
import { DTYPES, type DType, isDType } from '../tensor/dtype.js';
import { MAX_DIMS, type Shape } from '../tensor/shape.js';

/** What every reader reports about a tensor. */
export interface TensorInfo {
  name: string;
  dtype: DType;
  shape: Shape;
  byteLength: number;
}

/** A safetensors tensor: its range relative to the data section. */
export interface SafetensorsEntry extends TensorInfo {
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  /** Tensors in file order (by offset). */
  tensors: SafetensorsEntry[];
  metadata: Record<string, string>;
}

/** The crate's MAX_HEADER_SIZE. */
export const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = '__metadata__';

/** Check the 8-byte length prefix against the file size; returns N. */
export function checkHeaderLength(prefix: Uint8Array, fileSize: number): number {
  if (fileSize < 8 || prefix.byteLength < 8) {
    throw new FormatError('header.length', `file is ${fileSize} bytes; a safetensors file starts with an 8-byte header length`);
  }
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) {
    throw new FormatError('header.length', `header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  }
  if (n > BigInt(fileSize - 8)) {
    throw new FormatError('header.length', `header length ${n} is larger than the ${fileSize - 8} bytes after the length prefix`);
  }
  return Number(n);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkIndexArray(v: unknown, field: string, what: string): number[] {
  if (!Array.isArray(v)) throw new FormatError(field, `${what} must be an array, got ${typeof v}`);
  for (const [i, x] of v.entries()) {
    if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0) {
      throw new FormatError(field, `${what}[${i}] must be a non-negative integer, got ${JSON.stringify(x)}`);
    }
  }
  return v as number[];
}

function parseEntry(name: string, raw: unknown, dataLength: number): SafetensorsEntry {
  const f = (k: string): string => `tensors[${JSON.stringify(name)}].${k}`;
  if (!isPlainObject(raw)) throw new FormatError(`tensors[${JSON.stringify(name)}]`, 'must be an object with dtype, shape, data_offsets');
  const dtype = raw.dtype;
  if (!isDType(dtype)) {
    throw new FormatError(f('dtype'), `unknown dtype ${JSON.stringify(dtype)}; known: ${Object.keys(DTYPES).join(' ')}`);
  }
  const shape = checkIndexArray(raw.shape, f('shape'), 'shape');
  if (shape.length > MAX_DIMS) throw new FormatError(f('shape'), `has ${shape.length} dimensions; at most ${MAX_DIMS}`);
  let numel = 1;
  for (const d of shape) numel *= d;
  const byteLength = numel * DTYPES[dtype].bytes;
  if (!Number.isSafeInteger(byteLength)) throw new FormatError(f('shape'), `[${shape.join(', ')}] has too many elements`);
  const offsets = checkIndexArray(raw.data_offsets, f('data_offsets'), 'data_offsets');
  if (offsets.length !== 2) throw new FormatError(f('data_offsets'), `must be [begin, end], got ${offsets.length} numbers`);
  const [begin, end] = offsets;
  if (begin > end) throw new FormatError(f('data_offsets'), `begin ${begin} is after end ${end}`);
  if (end > dataLength) {
    throw new FormatError(f('data_offsets'), `end ${end} is past the ${dataLength}-byte data section`);
  }
  if (end - begin !== byteLength) {
    throw new FormatError(
      f('data_offsets'),
      `[${begin}, ${end}) holds ${end - begin} bytes but ${dtype} [${shape.join(', ')}] needs ${byteLength}`,
    );
  }
  return { name, dtype, shape: Object.freeze([...shape]), byteLength, begin, end };
}

/** Parse and validate the JSON header; `dataLength` is the file size − 8 − N. */
export function parseSafetensorsHeader(json: Uint8Array, dataLength: number): SafetensorsHeader {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(json);
  } catch (err) {
    throw new FormatError('header', 'is not valid UTF-8', { cause: err });
  }
  if (!text.startsWith('{')) throw new FormatError('header', 'must be a JSON object starting with "{"');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new FormatError('header', `is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (!isPlainObject(parsed)) throw new FormatError('header', 'must be a JSON object');

  const metadata: Record<string, string> = Object.create(null) as Record<string, string>;
  const tensors: SafetensorsEntry[] = [];
  for (const [key, value] of Object.entries(parsed)) {
    if (key === METADATA_KEY) {
      if (!isPlainObject(value)) throw new FormatError(METADATA_KEY, 'must be an object of string values');
      for (const [k, v] of Object.entries(value)) {
        if (typeof v !== 'string') throw new FormatError(`${METADATA_KEY}.${k}`, `must be a string, got ${typeof v}`);
        metadata[k] = v;
      }
      continue;
    }
    tensors.push(parseEntry(key, value, dataLength));
  }

  // Sorted by offset the tensors must tile [0, dataLength) exactly.
  tensors.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  let prev: SafetensorsEntry | undefined;
  for (const t of tensors) {
    const field = `tensors[${JSON.stringify(t.name)}].data_offsets`;
    if (t.begin < pos) {
      throw new FormatError(field, `[${t.begin}, ${t.end}) overlaps tensor ${JSON.stringify(prev?.name)} [${prev?.begin}, ${prev?.end})`);
    }
    if (t.begin > pos) throw new FormatError(field, `begins at ${t.begin}, leaving a hole [${pos}, ${t.begin}) in the data section`);
    pos = t.end;
    prev = t;
  }
  if (pos !== dataLength) {
    throw new FormatError('data', `the data section has ${dataLength} bytes but the tensors cover only [0, ${pos})`);
  }
  return { tensors, metadata: { ...metadata } };
}

export interface HeaderSpec {
  name: string;
  dtype: DType;
  shape: Shape;
}

/**
 * Build the header bytes (length prefix + JSON padded with spaces so the data
 * starts at a multiple of 8, as the reference writer does) for tensors laid
 * out back to back in the given order. Returns the entries with their ranges.
 */
export function buildSafetensorsHeader(
  specs: readonly HeaderSpec[],
  metadata: Record<string, string> | undefined,
): { bytes: Uint8Array; entries: SafetensorsEntry[] } {
  const parts: string[] = [];
  if (metadata && Object.keys(metadata).length > 0) parts.push(`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(metadata)}`);
  const entries: SafetensorsEntry[] = [];
  let pos = 0;
  for (const s of specs) {
    let numel = 1;
    for (const d of s.shape) numel *= d;
    const byteLength = numel * DTYPES[s.dtype].bytes;
    const e: SafetensorsEntry = { name: s.name, dtype: s.dtype, shape: s.shape, byteLength, begin: pos, end: pos + byteLength };
    if (!Number.isSafeInteger(e.end)) throw new ArgumentError('tensors are too large together for one file');
    pos = e.end;
    entries.push(e);
    // Keys are written by hand: JSON.stringify of an object would move integer-like names first.
    parts.push(`${JSON.stringify(s.name)}:${JSON.stringify({ dtype: s.dtype, shape: s.shape, data_offsets: [e.begin, e.end] })}`);
  }
  let json = `{${parts.join(',')}}`;
  const utf8 = new TextEncoder();
  let body = utf8.encode(json);
  const pad = (8 - (body.byteLength % 8)) % 8;
  if (pad > 0) {
    json += ' '.repeat(pad);
    body = utf8.encode(json);
  }
  if (body.byteLength > MAX_HEADER_BYTES) {
    throw new ArgumentError(`the header would be ${body.byteLength} bytes; readers accept at most ${MAX_HEADER_BYTES}`);
  }
  const bytes = new Uint8Array(8 + body.byteLength);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(body.byteLength), true);
  bytes.set(body, 8);
  return { bytes, entries };
}
