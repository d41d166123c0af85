/**
 * The TF.js model.json (layers and graph models alike): `weightsManifest` is
 * an array of groups `{ paths, weights }`; a group's weights lie back to back,
 * in manifest order, across its shard files (`paths`) concatenated. Each
 * weight is `{ name, shape, dtype, quantization? }` (tfjs-core io/types.ts).
 *
 * This file is the pure part: JSON → validated weight specs, with the stored
 * width of every weight and the tensorhive dtype it reads as. How TF.js
 * dtypes map (tfjs-core io_utils.ts `decodeWeight` is the reference):
 *
 * | dtype     | quantization      | stored             | reads as                          |
 * |-----------|-------------------|--------------------|-----------------------------------|
 * | float32   | —                 | 4 bytes            | F32                               |
 * | float32   | float16           | IEEE half, 2 bytes | F16, the bytes as they are        |
 * | float32   | uint8 / uint16    | 1 / 2 bytes        | F32 = q·scale + min (dequantized) |
 * | int32     | —                 | 4 bytes            | I32                               |
 * | int32     | uint8 / uint16    | 1 / 2 bytes        | I32 = round(q·scale + min)        |
 * | bool      | —                 | 1 byte             | BOOL                              |
 * | string    | —                 | u32 length + bytes per element | skipped (no dtype)    |
 * | complex64 | —                 | 8 bytes            | skipped (no dtype)                |
 *
 * Anything else TF.js itself refuses (another dtype or quantization dtype,
 * float16 on a non-float32 weight, uint8/uint16 without finite scale and min)
 * is a FormatError naming the field.
 */
import { FormatError } from '../errors/index.js';
import type { DType } from '../tensor/dtype.js';
import { MAX_DIMS, type Shape } from '../tensor/shape.js';

/** model.json files larger than this are refused (weights never live in it). */
export const MAX_MODEL_JSON_BYTES = 100_000_000;

export type TfjsStorage = 'float32' | 'int32' | 'bool' | 'float16' | 'uint8' | 'uint16' | 'string' | 'complex64';

export interface TfjsQuantization {
  dtype: 'uint8' | 'uint16' | 'float16';
  /** uint8/uint16 only. */
  scale?: number;
  min?: number;
  originalDtype?: string;
}

export interface TfjsWeightSpec {
  name: string;
  /** `weightsManifest[g].weights[i]`, for errors. */
  field: string;
  shape: Shape;
  numel: number;
  /** The TF.js dtype as written. */
  tfjsDtype: string;
  /** How the values are stored. */
  storage: TfjsStorage;
  /** Bytes per stored value; 0 for strings (length-prefixed, variable). */
  width: number;
  /** What `read` returns; undefined for skipped weights. */
  dtype?: DType;
  quantization?: TfjsQuantization;
  /** Why the weight is skipped (string, complex64). */
  unsupported?: string;
}

export interface TfjsGroupSpec {
  /** Shard file names as written, relative to model.json's folder. */
  paths: string[];
  weights: TfjsWeightSpec[];
}

export interface TfjsManifest {
  groups: TfjsGroupSpec[];
  /** `tfjs.format`, `tfjs.generatedBy`, `tfjs.convertedBy`, `tfjs.userDefinedMetadata` (JSON). */
  metadata: Record<string, string>;
}

/** A JSON object without `weightsManifest`: some other JSON file, not a broken model (openModelSource says "unknown format"). */
export class NotTfjsModelError extends FormatError {
  constructor() {
    super('weightsManifest', 'is missing: not a TF.js model.json');
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Whether the first bytes look like a JSON object (optional UTF-8 BOM and
 * whitespace, then `{`): the candidate test for a model.json; the full parse
 * decides.
 */
export function looksLikeJsonObject(head: Uint8Array): boolean {
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  return head[i] === 0x7b;
}

const WIDTH: Readonly<Record<TfjsStorage, number>> = {
  float32: 4, int32: 4, bool: 1, float16: 2, uint8: 1, uint16: 2, string: 0, complex64: 8,
};
const PLAIN: Readonly<Partial<Record<string, DType>>> = { float32: 'F32', int32: 'I32', bool: 'BOOL' };

function parseShape(raw: unknown, field: string, name: string): { shape: Shape; numel: number } {
  if (!Array.isArray(raw)) throw new FormatError(field, `weight ${JSON.stringify(name)}: must be an array of non-negative integers, got ${typeof raw}`);
  if (raw.length > MAX_DIMS) throw new FormatError(field, `weight ${JSON.stringify(name)}: has ${raw.length} dimensions; at most ${MAX_DIMS}`);
  let n = 1;
  for (const [i, d] of raw.entries()) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new FormatError(field, `weight ${JSON.stringify(name)}: [${i}] must be a non-negative integer, got ${JSON.stringify(d)}`);
    }
    n *= d;
  }
  // Checked after the loop: a zero dimension makes any product safe.
  if (!Number.isSafeInteger(n * 8)) throw new FormatError(field, `weight ${JSON.stringify(name)}: [${raw.join(', ')}] has too many elements`);
  return { shape: Object.freeze([...(raw as number[])]), numel: n };
}

function parseQuantization(raw: unknown, field: string, name: string, dtype: string): TfjsQuantization {
  const w = `weight ${JSON.stringify(name)}`;
  if (!isObject(raw)) throw new FormatError(field, `${w}: must be an object { dtype, scale?, min? }`);
  const q = raw.dtype;
  if (q !== 'uint8' && q !== 'uint16' && q !== 'float16') {
    throw new FormatError(`${field}.dtype`, `${w}: unknown quantization dtype ${JSON.stringify(q)}; TF.js has uint8, uint16, float16`);
  }
  const originalDtype = typeof raw.original_dtype === 'string' ? raw.original_dtype : undefined;
  const out: TfjsQuantization = { dtype: q, ...(originalDtype === undefined ? {} : { originalDtype }) };
  if (q === 'float16') {
    if (dtype !== 'float32') throw new FormatError(`${field}.dtype`, `${w}: float16 quantization applies to float32 weights only, not ${dtype}`);
    return out;
  }
  if (dtype !== 'float32' && dtype !== 'int32') {
    throw new FormatError(`${field}.dtype`, `${w}: ${q} quantization applies to float32 and int32 weights only, not ${dtype}`);
  }
  for (const k of ['scale', 'min'] as const) {
    const v = raw[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new FormatError(`${field}.${k}`, `${w}: ${q} quantization needs a finite number, got ${JSON.stringify(v)}`);
  }
  const scale = raw.scale as number;
  const min = raw.min as number;
  // q·scale + min is linear in q: its extremes are at q = 0 and q = qmax, so one check covers every value.
  const ends = [min, (q === 'uint8' ? 255 : 65535) * scale + min];
  for (const e of ends) {
    if (dtype === 'float32' ? !Number.isFinite(Math.fround(e)) : !(Math.round(e) >= -(2 ** 31) && Math.round(e) < 2 ** 31)) {
      throw new FormatError(`${field}.scale`, `${w}: scale ${scale} and min ${min} reach ${e}, outside ${dtype === 'float32' ? 'float32' : 'int32'}`);
    }
  }
  return { ...out, scale, min };
}

function parseWeight(raw: unknown, field: string, names: Set<string>): TfjsWeightSpec {
  if (!isObject(raw)) throw new FormatError(field, 'must be an object { name, shape, dtype }');
  const name = raw.name;
  if (typeof name !== 'string' || name === '') throw new FormatError(`${field}.name`, `must be a non-empty string, got ${JSON.stringify(name)}`);
  if (names.has(name)) throw new FormatError(`${field}.name`, `${JSON.stringify(name)} appears twice`);
  names.add(name);
  const { shape, numel } = parseShape(raw.shape, `${field}.shape`, name);
  const dtype = raw.dtype;
  if (typeof dtype !== 'string' || !['float32', 'int32', 'bool', 'string', 'complex64'].includes(dtype)) {
    throw new FormatError(`${field}.dtype`, `weight ${JSON.stringify(name)}: unknown dtype ${JSON.stringify(dtype)}; TF.js has float32, int32, bool, string, complex64`);
  }
  const base = { name, field, shape, numel, tfjsDtype: dtype };
  if (raw.quantization !== undefined && raw.quantization !== null) {
    const quantization = parseQuantization(raw.quantization, `${field}.quantization`, name, dtype);
    const storage = quantization.dtype;
    const read: DType = storage === 'float16' ? 'F16' : dtype === 'int32' ? 'I32' : 'F32';
    return { ...base, storage, width: WIDTH[storage], dtype: read, quantization };
  }
  const storage = dtype as TfjsStorage;
  const plain = PLAIN[dtype];
  if (plain) return { ...base, storage, width: WIDTH[storage], dtype: plain };
  return { ...base, storage, width: WIDTH[storage], unsupported: `TF.js dtype ${dtype} has no tensorhive dtype` };
}

/** Parse and validate a model.json's bytes (sizes against the shards are checked by the reader). */
export function parseTfjsManifest(json: Uint8Array): TfjsManifest {
  if (json.byteLength > MAX_MODEL_JSON_BYTES) throw new FormatError('model.json', `${json.byteLength} bytes is over the ${MAX_MODEL_JSON_BYTES}-byte limit`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(json);
  } catch (err) {
    throw new FormatError('model.json', 'is not valid UTF-8', { cause: err });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new FormatError('model.json', `is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (!isObject(parsed)) throw new FormatError('model.json', 'must be a JSON object');
  const manifest = parsed.weightsManifest;
  if (manifest === undefined) throw new NotTfjsModelError();
  if (!Array.isArray(manifest)) throw new FormatError('weightsManifest', `must be an array of groups, got ${typeof manifest}`);
  const names = new Set<string>();
  const groups = manifest.map((g: unknown, gi): TfjsGroupSpec => {
    const field = `weightsManifest[${gi}]`;
    if (!isObject(g)) throw new FormatError(field, 'must be an object { paths, weights }');
    if (!Array.isArray(g.paths)) throw new FormatError(`${field}.paths`, `must be an array of file names, got ${typeof g.paths}`);
    if (!Array.isArray(g.weights)) throw new FormatError(`${field}.weights`, `must be an array, got ${typeof g.weights}`);
    const paths = g.paths.map((p: unknown, pi) => {
      if (typeof p !== 'string' || p === '') throw new FormatError(`${field}.paths[${pi}]`, `must be a non-empty string, got ${JSON.stringify(p)}`);
      return p;
    });
    return { paths, weights: g.weights.map((w: unknown, wi) => parseWeight(w, `${field}.weights[${wi}]`, names)) };
  });
  const metadata: Record<string, string> = {};
  for (const k of ['format', 'generatedBy', 'convertedBy'] as const) {
    if (typeof parsed[k] === 'string') metadata[`tfjs.${k}`] = parsed[k] as string;
  }
  if (isObject(parsed.userDefinedMetadata)) metadata['tfjs.userDefinedMetadata'] = JSON.stringify(parsed.userDefinedMetadata);
  return { groups, metadata };
}
