/**
 * Streaming safetensors writer. The header is computed up front from the
 * declared tensors (so nothing is buffered), tensors are then written one by
 * one in the declared order into an AtomicFile, and `commit` renames it into
 * place. Header JSON is padded with spaces to a multiple of 8 bytes, as the
 * reference writer does, so every tensor's data starts 8-byte aligned when
 * the tensors before it are multiples of 8 bytes.
 */
import { ArgumentError } from '../errors/index.js';
import { type DType, isDType } from '../tensor/dtype.js';
import { type Shape, checkShape, formatShape, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { AtomicFile } from './atomic-file.js';
import { buildSafetensorsHeader, type SafetensorsEntry } from './safetensors-header.js';

export interface SafetensorsSpec {
  name: string;
  dtype: DType;
  shape: Shape;
}

function checkSpecs(infos: readonly SafetensorsSpec[]): SafetensorsSpec[] {
  if (!Array.isArray(infos)) throw new ArgumentError('infos must be an array of { name, dtype, shape }');
  const seen = new Set<string>();
  return infos.map((s, i) => {
    if (typeof s?.name !== 'string') throw new ArgumentError(`infos[${i}].name must be a string`);
    if (s.name === '__metadata__') throw new ArgumentError(`infos[${i}].name "__metadata__" is reserved`);
    if (seen.has(s.name)) throw new ArgumentError(`infos[${i}].name ${JSON.stringify(s.name)} is declared twice`);
    seen.add(s.name);
    if (!isDType(s.dtype)) throw new ArgumentError(`infos[${i}].dtype must be a known dtype, got ${JSON.stringify(s.dtype)}`);
    let shape: Shape;
    try {
      shape = checkShape(s.shape, `infos[${i}].shape`);
    } catch (err) {
      throw new ArgumentError((err as Error).message, { cause: err });
    }
    return { name: s.name, dtype: s.dtype, shape: Object.freeze([...shape]) };
  });
}

function checkMetadata(metadata: Record<string, string> | undefined): Record<string, string> | undefined {
  if (metadata === undefined) return undefined;
  if (typeof metadata !== 'object' || metadata === null) throw new ArgumentError('metadata must be an object of strings');
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') throw new ArgumentError(`metadata.${k} must be a string, got ${typeof v}`);
  }
  return metadata;
}

export class SafetensorsWriter {
  readonly path: string;
  private readonly file: AtomicFile;
  private readonly entries: SafetensorsEntry[];
  private next = 0;
  private finished = false;

  private constructor(file: AtomicFile, entries: SafetensorsEntry[]) {
    this.file = file;
    this.path = file.path;
    this.entries = entries;
  }

  static async create(path: string, infos: readonly SafetensorsSpec[], metadata?: Record<string, string>): Promise<SafetensorsWriter> {
    const specs = checkSpecs(infos);
    const { bytes, entries } = buildSafetensorsHeader(specs, checkMetadata(metadata));
    const file = await AtomicFile.create(path);
    try {
      await file.write(bytes);
    } catch (err) {
      await file.abort();
      throw err;
    }
    return new SafetensorsWriter(file, entries);
  }

  /** Write the next declared tensor: a Tensor of the declared dtype and shape, or its exact bytes. */
  async write(name: string, data: Tensor | Uint8Array): Promise<void> {
    if (this.finished) throw new ArgumentError(`writer for ${this.path} is already committed or aborted`);
    const e = this.entries[this.next];
    if (!e) throw new ArgumentError(`all ${this.entries.length} declared tensors are written; got ${JSON.stringify(name)}`);
    if (name !== e.name) {
      throw new ArgumentError(`tensors must be written in the declared order: expected ${JSON.stringify(e.name)}, got ${JSON.stringify(name)}`);
    }
    let bytes: Uint8Array;
    if (data instanceof Tensor) {
      if (data.dtype !== e.dtype || !sameShape(data.shape, e.shape)) {
        throw new ArgumentError(
          `tensor ${JSON.stringify(name)} was declared ${e.dtype} ${formatShape(e.shape)}, got ${data.dtype} ${formatShape(data.shape)}`,
        );
      }
      bytes = data.bytes;
    } else if (data instanceof Uint8Array) {
      bytes = data;
    } else {
      throw new ArgumentError(`data for ${JSON.stringify(name)} must be a Tensor or a Uint8Array`);
    }
    if (bytes.byteLength !== e.byteLength) {
      throw new ArgumentError(`tensor ${JSON.stringify(name)} needs ${e.byteLength} bytes, got ${bytes.byteLength}`);
    }
    await this.file.write(bytes);
    this.next++;
  }

  /** Make the file visible under its name. Every declared tensor must have been written. */
  async commit(): Promise<void> {
    if (this.finished) throw new ArgumentError(`writer for ${this.path} is already committed or aborted`);
    if (this.next < this.entries.length) {
      const missing = this.entries[this.next].name;
      await this.abort();
      throw new ArgumentError(`cannot commit ${this.path}: tensor ${JSON.stringify(missing)} and ${this.entries.length - this.next - 1} more were not written`);
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

/** Write a whole map of tensors (in Object.keys order) to a safetensors file. */
export async function writeSafetensors(path: string, tensors: Record<string, Tensor>, metadata?: Record<string, string>): Promise<void> {
  const names = Object.keys(tensors);
  for (const n of names) {
    if (!(tensors[n] instanceof Tensor)) throw new ArgumentError(`tensors[${JSON.stringify(n)}] must be a Tensor`);
  }
  const w = await SafetensorsWriter.create(
    path,
    names.map((name) => ({ name, dtype: tensors[name].dtype, shape: tensors[name].shape })),
    metadata,
  );
  try {
    for (const n of names) await w.write(n, tensors[n]);
    await w.commit();
  } catch (err) {
    await w.abort();
    throw err;
  }
}
