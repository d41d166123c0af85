/**
 * ONNX TensorProto.DataType → tensorhive dtype, and which typed field holds
 * the values when `raw_data` is absent (onnx.proto: FLOAT/COMPLEX64 in
 * float_data; the small ints, BOOL, FLOAT16, BFLOAT16 and FLOAT8 kinds as one
 * int32 each in int32_data, 16-bit floats as their bit patterns; INT64 in
 * int64_data; DOUBLE in double_data). Types without a tensorhive dtype
 * (STRING, UINT16/32/64, complex, the FNUZ float8s, 4-bit) are listed by the
 * reader as skipped.
 */
import type { DType } from '../tensor/dtype.js';

export type OnnxValueField = 'float_data' | 'int32_data' | 'int64_data' | 'double_data';

export interface OnnxDataType {
  onnx: number;
  onnxName: string;
  dtype?: DType;
  field?: OnnxValueField;
}

const ROWS: OnnxDataType[] = [
  { onnx: 1, onnxName: 'FLOAT', dtype: 'F32', field: 'float_data' },
  { onnx: 2, onnxName: 'UINT8', dtype: 'U8', field: 'int32_data' },
  { onnx: 3, onnxName: 'INT8', dtype: 'I8', field: 'int32_data' },
  { onnx: 4, onnxName: 'UINT16' },
  { onnx: 5, onnxName: 'INT16', dtype: 'I16', field: 'int32_data' },
  { onnx: 6, onnxName: 'INT32', dtype: 'I32', field: 'int32_data' },
  { onnx: 7, onnxName: 'INT64', dtype: 'I64', field: 'int64_data' },
  { onnx: 8, onnxName: 'STRING' },
  { onnx: 9, onnxName: 'BOOL', dtype: 'BOOL', field: 'int32_data' },
  { onnx: 10, onnxName: 'FLOAT16', dtype: 'F16', field: 'int32_data' },
  { onnx: 11, onnxName: 'DOUBLE', dtype: 'F64', field: 'double_data' },
  { onnx: 12, onnxName: 'UINT32' },
  { onnx: 13, onnxName: 'UINT64' },
  { onnx: 14, onnxName: 'COMPLEX64' },
  { onnx: 15, onnxName: 'COMPLEX128' },
  { onnx: 16, onnxName: 'BFLOAT16', dtype: 'BF16', field: 'int32_data' },
  { onnx: 17, onnxName: 'FLOAT8E4M3FN', dtype: 'F8_E4M3', field: 'int32_data' },
  { onnx: 18, onnxName: 'FLOAT8E4M3FNUZ' },
  { onnx: 19, onnxName: 'FLOAT8E5M2', dtype: 'F8_E5M2', field: 'int32_data' },
  { onnx: 20, onnxName: 'FLOAT8E5M2FNUZ' },
  { onnx: 21, onnxName: 'UINT4' },
  { onnx: 22, onnxName: 'INT4' },
];

const BY_ID = new Map(ROWS.map((r) => [r.onnx, r]));

export function onnxDataType(id: number): OnnxDataType | undefined {
  return BY_ID.get(id);
}

/** TensorProto field numbers (onnx.proto). */
export const TP = {
  dims: 1,
  dataType: 2,
  segment: 3,
  floatData: 4,
  int32Data: 5,
  stringData: 6,
  int64Data: 7,
  name: 8,
  rawData: 9,
  doubleData: 10,
  uint64Data: 11,
  docString: 12,
  externalData: 13,
  dataLocation: 14,
} as const;

export const VALUE_FIELD_NUMBER: Readonly<Record<OnnxValueField, number>> = {
  float_data: TP.floatData,
  int32_data: TP.int32Data,
  int64_data: TP.int64Data,
  double_data: TP.doubleData,
};
