/**
 * Where a file job writes: a GGUF file (GGML block codecs, F32/F16/BF16 and
 * integer tensors), a safetensors file (casts and unchanged tensors) or a
 * tensorhive .thive file (any codec). Each sink is told up front what it will
 * receive (file headers need every size), then takes encoded tensors in order.
 */
import { extname } from 'node:path';
import { ArgumentError } from '../errors/index.js';
import type { AnyCodec, CodecParams } from '../codecs/codec.js';
import { type DType, dtypeInfo } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { encodeBlob } from '../format/blob.js';
import { GgufWriter } from '../format/gguf-writer.js';
import type { GgufInput } from '../format/gguf-types.js';
import { SafetensorsWriter } from '../format/safetensors-writer.js';
import { ThiveWriter } from '../format/thive-file.js';

export type OutputFormat = 'gguf' | 'safetensors' | 'thive';

/** One tensor as the sink will receive it. */
export interface PlannedTensor {
  name: string;
  shape: Shape;
  /** The source tensor's dtype. */
  dtype: DType;
  codec: AnyCodec;
  params: CodecParams;
}

export interface OutputSink {
  readonly format: OutputFormat;
  write(t: PlannedTensor, payload: Uint8Array): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export function outputFormatOf(path: string): OutputFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.gguf') return 'gguf';
  if (ext === '.safetensors') return 'safetensors';
  if (ext === '.thive') return 'thive';
  throw new ArgumentError(`output must end in .gguf, .safetensors or .thive, got ${JSON.stringify(path)}`);
}

/** GGML type a (codec, source dtype) pair is stored as in GGUF, or undefined if GGUF cannot hold it. */
export function ggmlTypeFor(codec: AnyCodec, dtype: DType): number | undefined {
  if (codec.ggmlType !== undefined) return codec.ggmlType;
  const stored = codec.family === 'raw' ? dtype : codec.storage;
  return stored ? dtypeInfo(stored).ggmlType : undefined;
}

/** dtype a (codec, source dtype) pair is stored as in safetensors, or undefined. */
export function safetensorsDtypeFor(codec: AnyCodec, dtype: DType): DType | undefined {
  if (codec.family === 'raw') return dtype;
  return codec.storage;
}

/** Why `format` cannot store this codec's output for `dtype`, or undefined when it can. */
export function sinkRefusal(format: OutputFormat, codec: AnyCodec, dtype: DType): string | undefined {
  if (format === 'thive') return undefined;
  if (format === 'gguf') {
    return ggmlTypeFor(codec, dtype) === undefined
      ? `GGUF has no type for codec ${codec.name} on ${dtype}; write a .thive file instead`
      : undefined;
  }
  const st = safetensorsDtypeFor(codec, dtype);
  if (st === undefined) return `safetensors can only hold casts and unchanged tensors, not codec ${codec.name}; write .gguf or .thive`;
  if (dtypeInfo(st).readOnly) return `safetensors output cannot hold ${st}`;
  return undefined;
}

export async function openSink(
  path: string,
  planned: readonly PlannedTensor[],
  metadata: Readonly<Record<string, unknown>>,
): Promise<OutputSink> {
  const format = outputFormatOf(path);
  for (const t of planned) {
    const why = sinkRefusal(format, t.codec, t.dtype);
    if (why) throw new ArgumentError(`tensor ${t.name}: ${why}`);
  }
  if (format === 'thive') {
    const w = await ThiveWriter.create(path, stringMetadata(metadata));
    return {
      format,
      write: (t, payload) => w.add(t.name, encodeBlob({ codecId: t.codec.id, dtype: t.dtype, shape: t.shape, params: t.params }, payload)),
      commit: () => w.commit(),
      abort: () => w.abort(),
    };
  }
  if (format === 'gguf') {
    const w = await GgufWriter.create(path, {
      metadata: ggufMetadata(metadata),
      tensors: planned.map((t) => ({ name: t.name, shape: t.shape, ggmlType: ggmlTypeFor(t.codec, t.dtype)! })),
    });
    return { format, write: (t, payload) => w.write(t.name, payload), commit: () => w.commit(), abort: () => w.abort() };
  }
  const w = await SafetensorsWriter.create(
    path,
    planned.map((t) => ({ name: t.name, dtype: safetensorsDtypeFor(t.codec, t.dtype)!, shape: t.shape })),
    stringMetadata(metadata),
  );
  return {
    format,
    write: (t, payload) => w.write(t.name, new Tensor(safetensorsDtypeFor(t.codec, t.dtype)!, t.shape, payload)),
    commit: () => w.commit(),
    abort: () => w.abort(),
  };
}

/** safetensors and .thive metadata are string maps. */
function stringMetadata(m: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) {
    out[k] = typeof v === 'string' ? v : JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
  }
  return out;
}

/** GGUF metadata: typed values pass through; anything else is stored as a string. */
function ggufMetadata(m: Readonly<Record<string, unknown>>): Record<string, GgufInput> {
  const out: Record<string, GgufInput> = {};
  for (const [k, v] of Object.entries(m)) {
    out[k] = typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || ArrayBuffer.isView(v) || Array.isArray(v)
      ? (v as GgufInput)
      : JSON.stringify(v);
  }
  return out;
}
