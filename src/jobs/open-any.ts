/**
 * Open any model file tensorhive reads — a .thive file, GGUF, safetensors, ONNX or a TF.js model.json —
 * behind one small interface: tensor listing plus read-by-name.
 */
import { extname } from 'node:path';
import { codecById, codecByGgmlType } from '../codecs/registry.js';
import { type DType, dtypeInfo } from '../tensor/dtype.js';
import { type Shape, numel } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { type ModelFormat, openModelSource } from '../format/model-source.js';
import { ThiveReader } from '../format/thive-file.js';

export interface AnyTensorEntry {
  name: string;
  shape: Shape;
  /** The source dtype (for quantized GGUF tensors: F32, what they decode to). */
  dtype: DType;
  /** How the tensor is stored: a codec name or a dtype name. */
  storedAs: string;
  /** Bytes the tensor takes in the file (for .thive: the whole blob). */
  bytes: number;
  bitsPerWeight: number;
}

export interface AnyModelFile {
  format: 'thive' | ModelFormat;
  entries: AnyTensorEntry[];
  metadata: Record<string, unknown>;
  /** The tensor in its source dtype (decoded when it is stored compressed). */
  read(name: string): Promise<Tensor>;
  close(): Promise<void>;
}

function entry(name: string, shape: Shape, dtype: DType, storedAs: string, bytes: number): AnyTensorEntry {
  return { name, shape, dtype, storedAs, bytes, bitsPerWeight: (bytes * 8) / Math.max(1, numel(shape)) };
}

export async function openAnyModelFile(path: string): Promise<AnyModelFile> {
  if (extname(path).toLowerCase() === '.thive') {
    const r = await ThiveReader.open(path);
    return {
      format: 'thive',
      entries: r.entries().map((e) =>
        entry(e.name, e.header.shape, e.header.dtype, storedAs(e.header.codecId, e.header.dtype), e.length),
      ),
      metadata: { ...r.metadata },
      read: (name) => r.readTensor(name, 'source'),
      close: () => r.close(),
    };
  }
  const s = await openModelSource(path);
  return {
    format: s.format,
    entries: s.tensors.map((t) => {
      const storedAs = t.stored ?? t.dtype ?? (t.ggmlType !== undefined ? codecByGgmlType(t.ggmlType)?.name : undefined) ?? `ggml#${t.ggmlType}`;
      return entry(t.name, t.shape, t.dtype ?? 'F32', storedAs, t.byteLength);
    }),
    metadata: Object.fromEntries(s.metadata instanceof Map ? s.metadata : Object.entries(s.metadata ?? {})),
    read: (name) => s.read(name),
    close: () => s.close(),
  };
}

/** The dtype a decompressed tensor is written as (read-only dtypes become F32). */
export function writableDtype(dtype: DType): DType {
  return dtypeInfo(dtype).readOnly ? 'F32' : dtype;
}

/** A .thive tensor's storage: the codec name, or the dtype for tensors kept unchanged. */
function storedAs(codecId: number, dtype: DType): string {
  const codec = codecById(codecId);
  if (!codec) return `codec#${codecId}`;
  return codec.family === 'raw' ? dtype : codec.name;
}
