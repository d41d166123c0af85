/**
 * Streaming safetensors reader: `open` reads only the 8-byte length and the
 * JSON header; each tensor is then read with one positional read of exactly
 * its byte range, so a file larger than memory can be read tensor by tensor.
 * Header checks are listed in safetensors-header.ts.
 */
import { ArgumentError } from '../errors/index.js';
import { Tensor } from '../tensor/tensor.js';
import { FileReader } from './file-reader.js';
import { checkHeaderLength, parseSafetensorsHeader, type SafetensorsEntry, type TensorInfo } from './safetensors-header.js';

export type { TensorInfo } from './safetensors-header.js';

/** A tensor's place in the file: `offset` is absolute. */
export interface SafetensorsTensorInfo extends TensorInfo {
  offset: number;
}

export class SafetensorsReader {
  readonly path: string;
  /** Tensors in file order. */
  readonly tensors: SafetensorsTensorInfo[];
  readonly metadata: Record<string, string>;
  /** Absolute offset of the data section (8 + header length). */
  readonly dataOffset: number;
  private readonly file: FileReader;
  private readonly byName: Map<string, SafetensorsTensorInfo>;

  private constructor(file: FileReader, entries: SafetensorsEntry[], metadata: Record<string, string>, dataOffset: number) {
    this.file = file;
    this.path = file.path;
    this.metadata = metadata;
    this.dataOffset = dataOffset;
    this.tensors = entries.map((e) => ({
      name: e.name,
      dtype: e.dtype,
      shape: e.shape,
      byteLength: e.byteLength,
      offset: dataOffset + e.begin,
    }));
    this.byName = new Map(this.tensors.map((t) => [t.name, t]));
  }

  /** Open a file and validate its header (only the header is read). */
  static async open(path: string): Promise<SafetensorsReader> {
    const file = await FileReader.open(path);
    try {
      const prefix = await file.read(0, Math.min(8, file.size), 'header.length');
      const n = checkHeaderLength(prefix, file.size);
      const json = await file.read(8, n, 'header');
      const header = parseSafetensorsHeader(json, file.size - 8 - n);
      return new SafetensorsReader(file, header.tensors, header.metadata, 8 + n);
    } catch (err) {
      await file.close();
      throw err;
    }
  }

  info(name: string): SafetensorsTensorInfo {
    const t = this.byName.get(name);
    if (!t) throw new ArgumentError(`no tensor named ${JSON.stringify(name)} in ${this.path} (${this.tensors.length} tensors)`);
    return t;
  }

  /** The tensor's raw little-endian bytes (one positional read). */
  async readBytes(name: string): Promise<Uint8Array> {
    const t = this.info(name);
    return this.file.read(t.offset, t.byteLength, `tensors[${JSON.stringify(name)}]`);
  }

  /** The tensor in its stored dtype. */
  async read(name: string): Promise<Tensor> {
    const t = this.info(name);
    return new Tensor(t.dtype, t.shape, await this.readBytes(name));
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}
