/**
 * Streaming GGUF v3 writer. The whole header (KV pairs, tensor infos with
 * offsets relative to the data section) is computed up front from the declared
 * tensors; payloads are then written one by one in the declared order into an
 * AtomicFile, each zero-padded to the alignment (after the last one too, as
 * ggml does, so ggml's packed-size check holds). `general.alignment` is written
 * when the alignment is not the default 32. Payloads are taken as they are:
 * GGML block bytes for quantized types, little-endian elements otherwise.
 */
import { ArgumentError } from '../errors/index.js';
import { type Shape, checkShape } from '../tensor/shape.js';
import { AtomicFile } from './atomic-file.js';
import {
  GGML_MAX_NAME,
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  GGUF_MAX_DIMS,
  GGUF_VERSION,
  type GgufInput,
  GgufValueType,
  alignUp,
  ggmlByteLength,
  ggmlTypeInfo,
} from './gguf-types.js';
import { ByteWriter, isTypedValue, writeKv } from './gguf-values.js';

export interface GgufTensorSpec {
  name: string;
  /** Row-major shape (written to GGUF reversed, as ne). */
  shape: Shape;
  ggmlType: number;
}

export interface GgufWriterOptions {
  metadata?: Record<string, GgufInput>;
  /** Data alignment, a power of two; default 32. */
  alignment?: number;
  tensors: GgufTensorSpec[];
}

/** Padding is written as zero buffers; keep them small. */
const MAX_WRITE_ALIGNMENT = 1 << 20;

interface Planned extends GgufTensorSpec {
  byteLength: number;
  relativeOffset: number;
}

function resolveAlignment(options: GgufWriterOptions): number {
  const fromMeta = options.metadata?.['general.alignment'];
  const metaValue = isTypedValue(fromMeta) ? fromMeta.value : fromMeta;
  const a = options.alignment ?? (metaValue === undefined ? GGUF_DEFAULT_ALIGNMENT : Number(metaValue));
  if (!Number.isInteger(a) || a <= 0 || (a & (a - 1)) !== 0 || a > MAX_WRITE_ALIGNMENT) {
    throw new ArgumentError(`options.alignment must be a power of two up to ${MAX_WRITE_ALIGNMENT}, got ${String(options.alignment ?? metaValue)}`);
  }
  if (metaValue !== undefined && Number(metaValue) !== a) {
    throw new ArgumentError(`metadata["general.alignment"] is ${String(metaValue)} but options.alignment is ${a}`);
  }
  return a;
}

function plan(specs: GgufTensorSpec[], alignment: number): Planned[] {
  if (!Array.isArray(specs)) throw new ArgumentError('options.tensors must be an array of { name, shape, ggmlType }');
  const names = new Set<string>();
  let pos = 0;
  return specs.map((s, i) => {
    const f = `options.tensors[${i}]`;
    if (typeof s?.name !== 'string') throw new ArgumentError(`${f}.name must be a string`);
    if (new TextEncoder().encode(s.name).byteLength >= GGML_MAX_NAME) {
      throw new ArgumentError(`${f}.name ${JSON.stringify(s.name)} must be shorter than ${GGML_MAX_NAME} bytes (ggml's limit)`);
    }
    if (names.has(s.name)) throw new ArgumentError(`${f}.name ${JSON.stringify(s.name)} is declared twice`);
    names.add(s.name);
    let shape: Shape;
    try {
      shape = checkShape(s.shape, `${f}.shape`);
    } catch (err) {
      throw new ArgumentError((err as Error).message, { cause: err });
    }
    if (shape.length > GGUF_MAX_DIMS) throw new ArgumentError(`${f}.shape has ${shape.length} dimensions; GGUF allows ${GGUF_MAX_DIMS}`);
    if (!Number.isInteger(s.ggmlType) || !ggmlTypeInfo(s.ggmlType)) {
      throw new ArgumentError(`${f}.ggmlType must be a known GGML type id, got ${String(s.ggmlType)}`);
    }
    let byteLength: number;
    try {
      byteLength = ggmlByteLength(s.ggmlType, shape, `${f}.shape`);
    } catch (err) {
      throw new ArgumentError((err as Error).message, { cause: err });
    }
    const p: Planned = { name: s.name, shape: Object.freeze([...shape]), ggmlType: s.ggmlType, byteLength, relativeOffset: pos };
    pos = alignUp(pos + byteLength, alignment);
    return p;
  });
}

function buildHeader(metadata: Record<string, GgufInput>, tensors: Planned[], alignment: number): Uint8Array {
  const w = new ByteWriter();
  const keys = Object.keys(metadata).filter((k) => k !== 'general.alignment');
  const writeAlignment = alignment !== GGUF_DEFAULT_ALIGNMENT;
  w.u32(GGUF_MAGIC);
  w.u32(GGUF_VERSION);
  w.u64(tensors.length);
  w.u64(keys.length + (writeAlignment ? 1 : 0));
  if (writeAlignment) writeKv(w, 'general.alignment', { type: GgufValueType.UINT32, value: alignment });
  for (const k of keys) writeKv(w, k, metadata[k]);
  for (const t of tensors) {
    w.string(t.name);
    w.u32(t.shape.length);
    for (let d = t.shape.length - 1; d >= 0; d--) w.u64(t.shape[d]);
    w.u32(t.ggmlType);
    w.u64(t.relativeOffset);
  }
  w.zeros(alignUp(w.length, alignment) - w.length);
  return w.result();
}

export class GgufWriter {
  readonly path: string;
  readonly alignment: number;
  private readonly file: AtomicFile;
  private readonly planned: Planned[];
  private next = 0;
  private finished = false;

  private constructor(file: AtomicFile, planned: Planned[], alignment: number) {
    this.file = file;
    this.path = file.path;
    this.planned = planned;
    this.alignment = alignment;
  }

  static async create(path: string, options: GgufWriterOptions): Promise<GgufWriter> {
    if (typeof options !== 'object' || options === null) throw new ArgumentError('options must be { metadata?, alignment?, tensors }');
    const metadata = options.metadata ?? {};
    if (typeof metadata !== 'object' || metadata === null) throw new ArgumentError('options.metadata must be an object');
    const alignment = resolveAlignment(options);
    const planned = plan(options.tensors, alignment);
    const header = buildHeader(metadata, planned, alignment);
    const file = await AtomicFile.create(path);
    try {
      await file.write(header);
    } catch (err) {
      await file.abort();
      throw err;
    }
    return new GgufWriter(file, planned, alignment);
  }

  /** Write the next declared tensor's payload (exactly its byte length). */
  async write(name: string, payload: Uint8Array): Promise<void> {
    if (this.finished) throw new ArgumentError(`writer for ${this.path} is already committed or aborted`);
    const t = this.planned[this.next];
    if (!t) throw new ArgumentError(`all ${this.planned.length} declared tensors are written; got ${JSON.stringify(name)}`);
    if (name !== t.name) {
      throw new ArgumentError(`tensors must be written in the declared order: expected ${JSON.stringify(t.name)}, got ${JSON.stringify(name)}`);
    }
    if (!(payload instanceof Uint8Array)) throw new ArgumentError(`payload for ${JSON.stringify(name)} must be a Uint8Array`);
    if (payload.byteLength !== t.byteLength) {
      throw new ArgumentError(`tensor ${JSON.stringify(name)} needs ${t.byteLength} bytes, got ${payload.byteLength}`);
    }
    await this.file.write(payload);
    const pad = alignUp(t.byteLength, this.alignment) - t.byteLength;
    if (pad > 0) await this.file.write(new Uint8Array(pad));
    this.next++;
  }

  async commit(): Promise<void> {
    if (this.finished) throw new ArgumentError(`writer for ${this.path} is already committed or aborted`);
    if (this.next < this.planned.length) {
      const missing = this.planned[this.next].name;
      await this.abort();
      throw new ArgumentError(
        `cannot commit ${this.path}: tensor ${JSON.stringify(missing)} and ${this.planned.length - this.next - 1} more were not written`,
      );
    }
    this.finished = true;
    await this.file.commit();
  }

  /** Drop everything written; no file appears under the name. Safe to call twice. */
  async abort(): Promise<void> {
    this.finished = true;
    await this.file.abort();
  }
}
