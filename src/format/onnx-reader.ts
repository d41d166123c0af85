/**
 * ONNX model reader for the trained weights: ModelProto.graph (field 7) →
 * GraphProto.initializer (field 5) → TensorProto, and the tensors of
 * `Constant` nodes (GraphProto.node, field 1; see onnx-constant.ts), which is
 * where Paddle2ONNX exports put every weight. A hand-written
 * protobuf wire reader (protobuf-wire.ts) rather than onnx-proto/protobufjs:
 * no runtime dependency for a library, only the three messages we need are
 * walked (nodes, attributes and subgraphs are skipped without being parsed,
 * so there is no recursion for a hostile file to exploit), and every error is
 * a FormatError naming the field. onnx-proto is used in the tests as an
 * independent cross-check.
 *
 * The file is read into memory once at open: a protobuf message is limited
 * to 2 GiB, so in-file ONNX weights are too; models with external data
 * (data_location EXTERNAL) list those tensors under `skipped`, as they do
 * tensors whose ONNX type has no tensorhive dtype. Sparse initializers and
 * initializers of subgraphs are not read.
 */
import { ArgumentError, FormatError } from '../errors/index.js';
import type { DType } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { FileReader } from './file-reader.js';
import { readConstantNode } from './onnx-constant.js';
import { type OnnxTensorHeader, readTensorHeader, readTensorValues } from './onnx-tensor.js';
import { WIRE_LEN, WIRE_VARINT, WireCursor } from './protobuf-wire.js';

/** Protobuf's own message size limit. */
export const ONNX_MAX_BYTES = 2 ** 31 - 1;

export interface OnnxTensorInfo {
  name: string;
  dtype: DType;
  /** The ONNX data type name (FLOAT, FLOAT16, …). */
  onnxType: string;
  shape: Shape;
  byteLength: number;
  /** A graph initializer, or the `value` of a Constant node (named after its output). */
  from: 'initializer' | 'constant';
}

export interface OnnxSkipped {
  name: string;
  reason: string;
}

export interface OnnxModel {
  tensors: OnnxTensorInfo[];
  skipped: OnnxSkipped[];
  metadata: Record<string, string | number>;
  headers: Map<string, OnnxTensorHeader>;
}

/** Parse a whole ONNX file held in memory (the pure part of OnnxReader.open). */
export function parseOnnx(bytes: Uint8Array): OnnxModel {
  const c = new WireCursor(bytes, 'model');
  const metadata: Record<string, string | number> = {};
  let graph: [number, number] | undefined;
  while (!c.done) {
    const t = c.tag();
    if (t.field === 1) {
      c.expect(t, WIRE_VARINT, 'ir_version');
      metadata['onnx.ir_version'] = c.varint('ir_version');
    } else if (t.field === 2 || t.field === 3 || t.field === 4) {
      const key = ['producer_name', 'producer_version', 'domain'][t.field - 2];
      c.expect(t, WIRE_LEN, key);
      metadata[`onnx.${key}`] = c.string(key);
    } else if (t.field === 7) {
      c.expect(t, WIRE_LEN, 'graph');
      if (graph) c.fail('graph', 'appears twice');
      graph = c.span('graph');
    } else if (t.field === 14) {
      c.expect(t, WIRE_LEN, 'metadata_props');
      const [s, e] = c.span('metadata_props');
      const m = new WireCursor(bytes, 'model.metadata_props', s, e);
      let key = '';
      let value = '';
      while (!m.done) {
        const mt = m.tag();
        if (mt.field === 1 || mt.field === 2) {
          m.expect(mt, WIRE_LEN, mt.field === 1 ? 'key' : 'value');
          if (mt.field === 1) key = m.string('key');
          else value = m.string('value');
        } else m.skip(mt);
      }
      metadata[key] = value;
    } else c.skip(t);
  }
  if (!graph) throw new FormatError('model.graph', 'is missing: not an ONNX model');
  const g = new WireCursor(bytes, 'model.graph', graph[0], graph[1]);
  const tensors: OnnxTensorInfo[] = [];
  const skipped: OnnxSkipped[] = [];
  const headers = new Map<string, OnnxTensorHeader>();
  let index = 0;
  let nodeIndex = 0;
  const add = (h: OnnxTensorHeader, what: string, from: 'initializer' | 'constant'): void => {
    if (headers.has(h.name)) throw new FormatError(`${what}.name`, `${JSON.stringify(h.name)} appears twice`);
    headers.set(h.name, h);
    if (h.unsupported || !h.dtype) skipped.push({ name: h.name, reason: h.unsupported ?? 'unsupported' });
    else tensors.push({ name: h.name, dtype: h.dtype, onnxType: h.dataType.onnxName, shape: h.dims, byteLength: h.byteLength, from });
  };
  while (!g.done) {
    const t = g.tag();
    if (t.field === 1) {
      g.expect(t, WIRE_LEN, 'node');
      const what = `model.graph.node[${nodeIndex++}]`;
      const k = readConstantNode(bytes, g.span('node'), what);
      if (k) add(readTensorHeader(bytes, k.span, `${what}.value`, k.output), what, 'constant');
      continue;
    }
    if (t.field === 2) {
      g.expect(t, WIRE_LEN, 'name');
      metadata['onnx.graph'] = g.string('name');
      continue;
    }
    if (t.field !== 5) {
      g.skip(t);
      continue;
    }
    g.expect(t, WIRE_LEN, 'initializer');
    const what = `model.graph.initializer[${index++}]`;
    add(readTensorHeader(bytes, g.span('initializer'), what), what, 'initializer');
  }
  return { tensors, skipped, metadata, headers };
}

export class OnnxReader {
  readonly path: string;
  /** Readable initializers in file order. */
  readonly tensors: readonly OnnxTensorInfo[];
  /** Initializers that cannot be read, and why. */
  readonly skipped: readonly OnnxSkipped[];
  /** ir_version, producer, graph name (keys `onnx.*`) and the model's metadata_props. */
  readonly metadata: Readonly<Record<string, string | number>>;
  private bytes: Uint8Array | undefined;
  private readonly headers: Map<string, OnnxTensorHeader>;

  private constructor(path: string, bytes: Uint8Array, model: OnnxModel) {
    this.path = path;
    this.bytes = bytes;
    this.tensors = model.tensors;
    this.skipped = model.skipped;
    this.metadata = model.metadata;
    this.headers = model.headers;
  }

  static async open(path: string): Promise<OnnxReader> {
    const file = await FileReader.open(path);
    let bytes: Uint8Array;
    try {
      if (file.size > ONNX_MAX_BYTES) throw new FormatError('model', `${file.size} bytes is over protobuf's 2 GiB message limit`);
      bytes = await file.read(0, file.size, 'model');
    } finally {
      await file.close();
    }
    return new OnnxReader(path, bytes, parseOnnx(bytes));
  }

  private live(): Uint8Array {
    if (!this.bytes) throw new ArgumentError(`OnnxReader for ${this.path} is closed`);
    return this.bytes;
  }

  private header(name: string): OnnxTensorHeader {
    const h = this.headers.get(name);
    if (!h) throw new ArgumentError(`no initializer named ${JSON.stringify(name)} in ${this.path}`);
    return h;
  }

  /** The tensor's element bytes (a copy), little-endian. */
  async readBytes(name: string): Promise<Uint8Array> {
    return readTensorValues(this.live(), this.header(name), `initializer ${JSON.stringify(name)}`);
  }

  async read(name: string): Promise<Tensor> {
    const h = this.header(name);
    return new Tensor(h.dtype!, h.dims, readTensorValues(this.live(), h, `initializer ${JSON.stringify(name)}`));
  }

  async close(): Promise<void> {
    this.bytes = undefined;
  }
}
