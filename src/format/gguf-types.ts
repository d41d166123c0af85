/**
 * GGUF vocabulary as data: the 13 metadata value types, how metadata values
 * are represented in JS, and ggml's type-traits table (block size and bytes
 * per block for every GGML tensor type, whether or not we can decode it).
 *
 * Metadata values in JS:
 * - u8 i8 u16 i16 u32 i32 f32 f64 → number
 * - u64 i64 → number when it is a safe integer, otherwise bigint
 * - bool → boolean, string → string
 * - arrays of a numeric type → the matching typed array (Uint8Array …
 *   Float64Array; u64/i64 → BigUint64Array/BigInt64Array), so a 150 000-entry
 *   tokenizer score array is one allocation; bool arrays → boolean[];
 *   string arrays → string[]; arrays of arrays → GgufArray[].
 */
import { FormatError } from '../errors/index.js';
import type { Shape } from '../tensor/shape.js';

export const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
export const GGUF_VERSION = 3;
export const GGUF_DEFAULT_ALIGNMENT = 32;
/** ggml's GGML_MAX_DIMS. */
export const GGUF_MAX_DIMS = 4;
/** ggml's GGML_MAX_NAME: tensor names must be shorter than this (bytes). */
export const GGML_MAX_NAME = 64;

export enum GgufValueType {
  UINT8 = 0,
  INT8 = 1,
  UINT16 = 2,
  INT16 = 3,
  UINT32 = 4,
  INT32 = 5,
  FLOAT32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
  UINT64 = 10,
  INT64 = 11,
  FLOAT64 = 12,
}

export type GgufTypedArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array
  | BigUint64Array
  | BigInt64Array;

export type GgufScalar = number | bigint | boolean | string;
export type GgufArray = GgufTypedArray | boolean[] | string[] | GgufArray[];
export type GgufValue = GgufScalar | GgufArray;

/**
 * What writers accept: everything a reader returns, plus plain arrays of
 * numbers or bigints and typed values (types inferred as gguf-values.ts says).
 */
export type GgufInput = GgufScalar | GgufTypedArray | readonly GgufInput[] | GgufTypedValue;

/**
 * A value with its GGUF type spelled out: what a writer may be given
 * (`V` = GgufInput) and what the reader reports (`V` = GgufValue).
 */
export interface GgufTypedValue<V = GgufInput> {
  type: GgufValueType;
  value: V;
  /** Element type when `type` is ARRAY. */
  itemType?: GgufValueType;
}

/** Fixed byte size of a scalar value type; 0 for STRING and ARRAY (variable). */
export const GGUF_VALUE_SIZE: Readonly<Record<GgufValueType, number>> = {
  [GgufValueType.UINT8]: 1,
  [GgufValueType.INT8]: 1,
  [GgufValueType.UINT16]: 2,
  [GgufValueType.INT16]: 2,
  [GgufValueType.UINT32]: 4,
  [GgufValueType.INT32]: 4,
  [GgufValueType.FLOAT32]: 4,
  [GgufValueType.BOOL]: 1,
  [GgufValueType.STRING]: 0,
  [GgufValueType.ARRAY]: 0,
  [GgufValueType.UINT64]: 8,
  [GgufValueType.INT64]: 8,
  [GgufValueType.FLOAT64]: 8,
};

/** Smallest encoded size of one value of a type (a string is at least its u64 length). */
export function minValueBytes(t: GgufValueType): number {
  if (t === GgufValueType.STRING) return 8;
  if (t === GgufValueType.ARRAY) return 12; // u32 item type + u64 count
  return GGUF_VALUE_SIZE[t];
}

export function isGgufValueType(t: number): t is GgufValueType {
  return Number.isInteger(t) && t >= 0 && t <= 12;
}

export interface GgmlTypeInfo {
  readonly id: number;
  readonly name: string;
  /** Elements per block (1 for plain element types). */
  readonly blockSize: number;
  /** Bytes per block. */
  readonly typeSize: number;
}

// ggml's type traits (ggml.c) — the same figures gguf-py's GGML_QUANT_SIZES lists.
// Ids 4, 5, 31–33 and 36–38 were removed from ggml and stay unknown here.
const QK_K = 256;
const ROWS: readonly [number, string, number, number][] = [
  [0, 'F32', 1, 4],
  [1, 'F16', 1, 2],
  [2, 'Q4_0', 32, 18],
  [3, 'Q4_1', 32, 20],
  [6, 'Q5_0', 32, 22],
  [7, 'Q5_1', 32, 24],
  [8, 'Q8_0', 32, 34],
  [9, 'Q8_1', 32, 36],
  [10, 'Q2_K', QK_K, 84],
  [11, 'Q3_K', QK_K, 110],
  [12, 'Q4_K', QK_K, 144],
  [13, 'Q5_K', QK_K, 176],
  [14, 'Q6_K', QK_K, 210],
  [15, 'Q8_K', QK_K, 292],
  [16, 'IQ2_XXS', QK_K, 66],
  [17, 'IQ2_XS', QK_K, 74],
  [18, 'IQ3_XXS', QK_K, 98],
  [19, 'IQ1_S', QK_K, 50],
  [20, 'IQ4_NL', 32, 18],
  [21, 'IQ3_S', QK_K, 110],
  [22, 'IQ2_S', QK_K, 82],
  [23, 'IQ4_XS', QK_K, 136],
  [24, 'I8', 1, 1],
  [25, 'I16', 1, 2],
  [26, 'I32', 1, 4],
  [27, 'I64', 1, 8],
  [28, 'F64', 1, 8],
  [29, 'IQ1_M', QK_K, 56],
  [30, 'BF16', 1, 2],
  [34, 'TQ1_0', QK_K, 54],
  [35, 'TQ2_0', QK_K, 66],
  [39, 'MXFP4', 32, 17],
];

const GGML_TYPES = new Map<number, GgmlTypeInfo>(
  ROWS.map(([id, name, blockSize, typeSize]) => [id, Object.freeze({ id, name, blockSize, typeSize })]),
);

export function ggmlTypeInfo(id: number): GgmlTypeInfo | undefined {
  return GGML_TYPES.get(id);
}

export function ggmlTypeName(id: number): string {
  return GGML_TYPES.get(id)?.name ?? `unknown(${id})`;
}

/**
 * Bytes of a tensor of this GGML type and row-major shape. The innermost
 * dimension (GGUF's ne[0]) must be a multiple of the block size. Throws
 * FormatError naming `field`.
 */
export function ggmlByteLength(id: number, shape: Shape, field: string): number {
  const t = GGML_TYPES.get(id);
  if (!t) throw new FormatError(field, `unknown GGML type ${id}`);
  const row = shape.length === 0 ? 1 : shape[shape.length - 1];
  if (row % t.blockSize !== 0) {
    throw new FormatError(field, `${t.name} rows must be a multiple of ${t.blockSize} elements, got ${row}`);
  }
  let numel = 1;
  for (const d of shape) numel *= d;
  const bytes = (numel / t.blockSize) * t.typeSize;
  if (!Number.isSafeInteger(numel) || !Number.isSafeInteger(bytes)) {
    throw new FormatError(field, `shape [${shape.join(', ')}] is too large`);
  }
  return bytes;
}

/** Whole-number byte helpers shared by the reader and writer. */
export function alignUp(n: number, alignment: number): number {
  const r = n % alignment;
  return r === 0 ? n : n + (alignment - r);
}
