/**
 * The dtype table: one row per element type, as data. Ids are permanent (they
 * are written into blobs); names are the safetensors spellings.
 */
import { DTypeError } from '../errors/index.js';

export type DType =
  | 'F64'
  | 'F32'
  | 'F16'
  | 'BF16'
  | 'F8_E4M3'
  | 'F8_E5M2'
  | 'I64'
  | 'I32'
  | 'I16'
  | 'I8'
  | 'U8'
  | 'BOOL';

export interface DTypeInfo {
  readonly name: DType;
  /** Permanent numeric id used in the blob container. */
  readonly id: number;
  /** Bytes per element. */
  readonly bytes: number;
  readonly float: boolean;
  /** GGML type id where GGML has the same element type. */
  readonly ggmlType?: number;
  /** Only readable (decoded to F32 on read), never a codec output. */
  readonly readOnly?: boolean;
}

export const DTYPES: Readonly<Record<DType, DTypeInfo>> = {
  F32: { name: 'F32', id: 0, bytes: 4, float: true, ggmlType: 0 },
  F16: { name: 'F16', id: 1, bytes: 2, float: true, ggmlType: 1 },
  BF16: { name: 'BF16', id: 2, bytes: 2, float: true, ggmlType: 30 },
  F8_E4M3: { name: 'F8_E4M3', id: 3, bytes: 1, float: true },
  F8_E5M2: { name: 'F8_E5M2', id: 4, bytes: 1, float: true },
  I8: { name: 'I8', id: 5, bytes: 1, float: false, ggmlType: 24 },
  U8: { name: 'U8', id: 6, bytes: 1, float: false },
  I16: { name: 'I16', id: 7, bytes: 2, float: false, ggmlType: 25 },
  I32: { name: 'I32', id: 8, bytes: 4, float: false, ggmlType: 26 },
  I64: { name: 'I64', id: 9, bytes: 8, float: false, ggmlType: 27 },
  F64: { name: 'F64', id: 10, bytes: 8, float: true, ggmlType: 28, readOnly: true },
  BOOL: { name: 'BOOL', id: 11, bytes: 1, float: false },
};

const BY_ID = new Map<number, DTypeInfo>(Object.values(DTYPES).map((d) => [d.id, d]));

export function isDType(name: unknown): name is DType {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(DTYPES, name);
}

export function dtypeInfo(name: DType): DTypeInfo {
  if (!isDType(name)) throw new DTypeError(`unknown dtype ${JSON.stringify(name)}`);
  return DTYPES[name];
}

export function dtypeById(id: number): DTypeInfo | undefined {
  return BY_ID.get(id);
}

export function dtypeByGgmlType(ggmlType: number): DTypeInfo | undefined {
  return Object.values(DTYPES).find((d) => d.ggmlType === ggmlType);
}
