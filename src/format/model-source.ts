/**
 * One way to read a model file whatever its format. The format is detected
 * from the content, never the file name: GGUF by its magic; safetensors by a
 * sane header (length ≤ 100 MB and within the file, JSON starting with `{`);
 * ONNX by a ModelProto's first fields (ir_version, then another ModelProto
 * field) — the full parse in onnx-reader.ts then decides; a TF.js model.json
 * by a JSON object (its `weightsManifest` then decides, tfjs-reader.ts).
 */
import { FormatError } from '../errors/index.js';
import type { DType } from '../tensor/dtype.js';
import { dtypeByGgmlType } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { FileReader } from './file-reader.js';
import { GgufReader } from './gguf-reader.js';
import { OnnxReader } from './onnx-reader.js';
import { GGUF_MAGIC, type GgufValue } from './gguf-types.js';
import { checkHeaderLength } from './safetensors-header.js';
import { SafetensorsReader } from './safetensors-reader.js';
import { NotTfjsModelError, looksLikeJsonObject } from './tfjs-manifest.js';
import { TfjsReader } from './tfjs-reader.js';

export type ModelFormat = 'safetensors' | 'gguf' | 'onnx' | 'tfjs';

export interface ModelTensorInfo {
  name: string;
  /** The element dtype when the tensor is stored as plain elements. */
  dtype?: DType;
  /** The GGML type id (GGUF files only). */
  ggmlType?: number;
  /** Row-major shape. */
  shape: Shape;
  /** Stored bytes. */
  byteLength: number;
  /** How the tensor is stored when that is not `dtype` (TF.js uint8/uint16-quantized weights). */
  stored?: string;
}

export interface ModelSource {
  readonly format: ModelFormat;
  readonly path: string;
  readonly tensors: readonly ModelTensorInfo[];
  /** safetensors `__metadata__` (strings) or GGUF metadata (see gguf-types.ts). */
  readonly metadata: Readonly<Record<string, GgufValue>>;
  /** Plain tensors in their dtype; GGML block types decoded to F32. */
  read(name: string): Promise<Tensor>;
  /** The stored bytes, as they are in the file. */
  readBytes(name: string): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** Which format the first bytes of a file say it is, or undefined. */
export function detectFormat(head: Uint8Array, fileSize: number): ModelFormat | undefined {
  if (head.byteLength >= 4 && new DataView(head.buffer, head.byteOffset, 4).getUint32(0, true) === GGUF_MAGIC) return 'gguf';
  if (head.byteLength >= 9 && head[8] === 0x7b /* { */) {
    try {
      checkHeaderLength(head, fileSize);
      return 'safetensors';
    } catch {
      // not a sane safetensors length: try the next format
    }
  }
  if (looksLikeOnnx(head)) return 'onnx';
  if (looksLikeJsonObject(head)) return 'tfjs';
  return undefined;
}

/** Tags of ModelProto fields 2–8 and 14 (producer, domain, version, doc, graph, opsets, metadata). */
const MODEL_TAGS = new Set([0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42, 0x72]);

/** ir_version (field 1, varint 1..127) first, then another ModelProto field, as every ONNX writer emits. */
function looksLikeOnnx(head: Uint8Array): boolean {
  return head.byteLength >= 3 && head[0] === 0x08 && head[1] >= 1 && head[1] < 0x80 && MODEL_TAGS.has(head[2]);
}

function fromOnnx(r: OnnxReader): ModelSource {
  const metadata: Record<string, GgufValue> = { ...r.metadata };
  if (r.skipped.length > 0) metadata['onnx.skipped'] = r.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  return {
    format: 'onnx',
    path: r.path,
    tensors: r.tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape, byteLength: t.byteLength })),
    metadata,
    read: (name) => r.read(name),
    readBytes: (name) => r.readBytes(name),
    close: () => r.close(),
  };
}

function fromTfjs(r: TfjsReader): ModelSource {
  return {
    format: 'tfjs',
    path: r.path,
    tensors: r.tensors.map((t) => ({
      name: t.name,
      dtype: t.dtype,
      shape: t.shape,
      byteLength: t.byteLength,
      ...(t.quantization && t.quantization.dtype !== 'float16' ? { stored: `${t.quantization.dtype} affine` } : {}),
    })),
    metadata: { ...r.metadata },
    read: (name) => r.read(name),
    readBytes: (name) => r.readBytes(name),
    close: () => r.close(),
  };
}

function fromGguf(r: GgufReader): ModelSource {
  return {
    format: 'gguf',
    path: r.path,
    tensors: r.tensors.map((t) => {
      const dtype = dtypeByGgmlType(t.ggmlType)?.name;
      return { name: t.name, ggmlType: t.ggmlType, shape: t.shape, byteLength: t.byteLength, ...(dtype ? { dtype } : {}) };
    }),
    metadata: Object.fromEntries(r.metadata),
    read: (name) => r.read(name),
    readBytes: (name) => r.readBytes(name),
    close: () => r.close(),
  };
}

function fromSafetensors(r: SafetensorsReader): ModelSource {
  return {
    format: 'safetensors',
    path: r.path,
    tensors: r.tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape, byteLength: t.byteLength })),
    metadata: { ...r.metadata },
    read: (name) => r.read(name),
    readBytes: (name) => r.readBytes(name),
    close: () => r.close(),
  };
}

/** Open a safetensors, GGUF or ONNX file or a TF.js model.json; anything else is a FormatError. */
export async function openModelSource(path: string): Promise<ModelSource> {
  const probe = await FileReader.open(path);
  let format: ModelFormat | undefined;
  try {
    // 64 bytes: enough for the 9-byte checks and for whitespace before a model.json's `{`.
    format = detectFormat(await probe.read(0, Math.min(64, probe.size), 'header'), probe.size);
  } finally {
    await probe.close();
  }
  if (format === 'gguf') return fromGguf(await GgufReader.open(path));
  if (format === 'safetensors') return fromSafetensors(await SafetensorsReader.open(path));
  if (format === 'onnx') return fromOnnx(await OnnxReader.open(path));
  let cause: unknown;
  if (format === 'tfjs') {
    try {
      return fromTfjs(await TfjsReader.open(path));
    } catch (err) {
      if (!(err instanceof NotTfjsModelError)) throw err;
      cause = err; // some other JSON file
    }
  }
  throw new FormatError(
    'format',
    `${path} is not a GGUF file (magic "GGUF"), a safetensors file (sane header length, JSON object), an ONNX model (ir_version first) or a TF.js model.json (a JSON object with weightsManifest)`,
    { cause },
  );
}
