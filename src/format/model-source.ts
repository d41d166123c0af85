/**
 * One way to read a model file whatever its format. The format is detected
 * from the content, never the file name: GGUF by its magic; safetensors by a
 * sane header (length ≤ 100 MB and within the file, JSON starting with `{`).
 */
import { FormatError } from '../errors/index.js';
import type { DType } from '../tensor/dtype.js';
import { dtypeByGgmlType } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { FileReader } from './file-reader.js';
import { GgufReader } from './gguf-reader.js';
import { GGUF_MAGIC, type GgufValue } from './gguf-types.js';
import { checkHeaderLength } from './safetensors-header.js';
import { SafetensorsReader } from './safetensors-reader.js';

export type ModelFormat = 'safetensors' | 'gguf';

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
  if (head.byteLength >= 9) {
    try {
      checkHeaderLength(head, fileSize);
    } catch {
      return undefined;
    }
    if (head[8] === 0x7b /* { */) return 'safetensors';
  }
  return undefined;
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

/** Open a safetensors or GGUF file; anything else is a FormatError. */
export async function openModelSource(path: string): Promise<ModelSource> {
  const probe = await FileReader.open(path);
  let format: ModelFormat | undefined;
  try {
    format = detectFormat(await probe.read(0, Math.min(9, probe.size), 'header'), probe.size);
  } finally {
    await probe.close();
  }
  if (format === 'gguf') return fromGguf(await GgufReader.open(path));
  if (format === 'safetensors') return fromSafetensors(await SafetensorsReader.open(path));
  throw new FormatError('format', `${path} is neither a GGUF file (magic "GGUF") nor a safetensors file (sane header length, JSON object)`);
}
