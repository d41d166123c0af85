/**
 * Streaming GGUF reader. `open` reads only the header (growing its read until
 * the header parses, bounded by the file size and MAX_GGUF_HEADER_BYTES); each
 * tensor is then one positional read of exactly its bytes.
 *
 * Shapes are row-major, i.e. GGUF's `ne` reversed: a GGUF matrix with
 * ne = [4096, 11008] (4096 elements per row) has shape [11008, 4096]. `ne`
 * keeps GGUF's own order. Metadata value representation: see gguf-types.ts.
 */
import { codecByGgmlType } from '../codecs/registry.js';
import { ArgumentError, CodecError, FormatError } from '../errors/index.js';
import { dtypeByGgmlType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { FileReader } from './file-reader.js';
import { type GgufHeaderTensor, NeedMoreBytes, parseGgufHeader } from './gguf-header.js';
import { type GgufTypedValue, type GgufValue, ggmlTypeName } from './gguf-types.js';

/** Headers (metadata + tensor infos) larger than this are refused. */
export const MAX_GGUF_HEADER_BYTES = 1 << 30;
const FIRST_READ = 1 << 20;

export interface GgufTensorInfo {
  name: string;
  /** Row-major shape: GGUF's ne reversed. */
  shape: readonly number[];
  /** GGUF's dimension order (ne[0] innermost). */
  ne: readonly number[];
  ggmlType: number;
  /** GGML type name, e.g. `Q4_K`. */
  typeName: string;
  byteLength: number;
  /** Absolute offset of the tensor's data in the file. */
  offset: number;
}

export class GgufReader {
  readonly path: string;
  readonly version: number;
  /** Metadata values (u64/i64 as number when safe, else bigint; arrays as typed arrays — see gguf-types.ts). */
  readonly metadata: Map<string, GgufValue>;
  /** The same metadata with each value's GGUF type. */
  readonly typedMetadata: Map<string, GgufTypedValue<GgufValue>>;
  readonly alignment: number;
  /** Absolute offset of the data section. */
  readonly dataOffset: number;
  /** Tensors in header order. */
  readonly tensors: GgufTensorInfo[];
  private readonly file: FileReader;
  private readonly byName: Map<string, GgufTensorInfo>;

  private constructor(file: FileReader, header: ReturnType<typeof parseGgufHeader>) {
    this.file = file;
    this.path = file.path;
    this.version = header.version;
    this.typedMetadata = header.typedMetadata;
    this.metadata = new Map([...header.typedMetadata].map(([k, v]) => [k, v.value]));
    this.alignment = header.alignment;
    this.dataOffset = header.dataOffset;
    this.tensors = header.tensors.map((t: GgufHeaderTensor) => ({
      name: t.name,
      shape: Object.freeze(t.shape),
      ne: Object.freeze(t.ne),
      ggmlType: t.ggmlType,
      typeName: ggmlTypeName(t.ggmlType),
      byteLength: t.byteLength,
      offset: header.dataOffset + t.relativeOffset,
    }));
    this.byName = new Map(this.tensors.map((t) => [t.name, t]));
  }

  static async open(path: string): Promise<GgufReader> {
    const file = await FileReader.open(path);
    try {
      let length = Math.min(file.size, FIRST_READ);
      for (;;) {
        const prefix = await file.read(0, length, 'header');
        try {
          return new GgufReader(file, parseGgufHeader(prefix, file.size));
        } catch (err) {
          if (!(err instanceof NeedMoreBytes)) throw err;
          // needed ≤ file size (the parser checked); grow geometrically (×4) so re-parsing stays linear overall.
          const next = Math.min(file.size, Math.max(err.needed, length * 4));
          if (next > MAX_GGUF_HEADER_BYTES) {
            throw new FormatError('header', `needs more than ${MAX_GGUF_HEADER_BYTES} bytes; refusing to read it`);
          }
          length = next;
        }
      }
    } catch (err) {
      await file.close();
      throw err;
    }
  }

  info(name: string): GgufTensorInfo {
    const t = this.byName.get(name);
    if (!t) throw new ArgumentError(`no tensor named ${JSON.stringify(name)} in ${this.path} (${this.tensors.length} tensors)`);
    return t;
  }

  /** The tensor's raw payload (GGML block bytes for quantized types). */
  async readBytes(name: string): Promise<Uint8Array> {
    const t = this.info(name);
    return this.file.read(t.offset, t.byteLength, `tensors[${JSON.stringify(name)}]`);
  }

  /**
   * The tensor as a Tensor: F32/F16/BF16/F64/I8/I16/I32/I64 in their own dtype;
   * GGML block types decoded to F32 by their codec. A type no codec decodes is
   * a CodecError.
   */
  async read(name: string): Promise<Tensor> {
    const t = this.info(name);
    const dtype = dtypeByGgmlType(t.ggmlType);
    if (dtype) return new Tensor(dtype.name, t.shape, await this.readBytes(name));
    const codec = codecByGgmlType(t.ggmlType);
    if (!codec) {
      throw new CodecError(`no codec decodes GGML type ${t.typeName} (${t.ggmlType}) of tensor ${JSON.stringify(name)}`);
    }
    const params = codec.params({});
    const want = codec.payloadBytes(t.shape, 'F32', params);
    if (want !== t.byteLength) {
      throw new FormatError(`tensors[${JSON.stringify(name)}]`, `${t.byteLength} bytes but codec ${codec.name} expects ${want}`);
    }
    return codec.decode(await this.readBytes(name), t.shape, 'F32', params);
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}
