/**
 * Streaming reader for TF.js models (a model.json with `weightsManifest` plus
 * binary shard files; layers and graph models alike). `open` reads the
 * model.json (≤ MAX_MODEL_JSON_BYTES), stats every shard and lays the weights
 * out over each group's concatenated shards; the sizes the manifest implies
 * must equal the shard bytes exactly, and the first weight that runs past the
 * end (or the first uncovered shard byte) is the error. Nothing is allocated
 * from a size in the manifest before it has been checked against the shard
 * sizes, and each weight is then one positional read of exactly its bytes
 * (split where it spans two shards), so the model is never in memory whole.
 *
 * Dtypes and dequantization: tfjs-manifest.ts. Weights with no tensorhive
 * dtype (string, complex64) are listed under `skipped`, as the ONNX reader
 * does, and still take their place in the layout (string weights are sized
 * by reading their length prefixes, checked against the shards as they go).
 */
import { dirname } from 'node:path';
import { ArgumentError, FormatError, IOError } from '../errors/index.js';
import type { DType } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { FileReader } from './file-reader.js';
import { MAX_MODEL_JSON_BYTES, type TfjsGroupSpec, type TfjsQuantization, type TfjsStorage, type TfjsWeightSpec, parseTfjsManifest } from './tfjs-manifest.js';
import { ShardSpace } from './tfjs-shards.js';
import { decodeTfjsWeight } from './tfjs-values.js';

export interface TfjsTensorInfo {
  name: string;
  /** What `read` returns. */
  dtype: DType;
  shape: Shape;
  /** How it is stored: float32, int32, bool, or the quantization dtype. */
  storage: TfjsStorage;
  quantization?: TfjsQuantization;
  /** Stored bytes (for uint8-quantized weights: one per value). */
  byteLength: number;
  /** Index into `weightsManifest`. */
  group: number;
  /** Offset in the group's shards concatenated. */
  offset: number;
}

export interface TfjsSkipped {
  name: string;
  reason: string;
}

interface Placed {
  spec: TfjsWeightSpec;
  group: number;
  offset: number;
  byteLength: number;
}

/** String weights are sized by scanning their u32 length prefixes through a window this large. */
const SCAN_WINDOW = 1 << 16;

export class TfjsReader {
  readonly path: string;
  /** Readable weights in manifest order. */
  readonly tensors: readonly TfjsTensorInfo[];
  /** Weights with no tensorhive dtype, and why. */
  readonly skipped: readonly TfjsSkipped[];
  /** `tfjs.format`, `tfjs.generatedBy`, `tfjs.convertedBy`, `tfjs.userDefinedMetadata`. */
  readonly metadata: Readonly<Record<string, string>>;
  private readonly spaces: ShardSpace[];
  private readonly byName: Map<string, Placed>;
  private readonly infoByName: Map<string, TfjsTensorInfo>;
  private closed = false;

  private constructor(path: string, placed: Placed[], spaces: ShardSpace[], metadata: Record<string, string>) {
    this.path = path;
    this.spaces = spaces;
    this.metadata = metadata;
    this.byName = new Map(placed.map((p) => [p.spec.name, p]));
    this.tensors = placed
      .filter((p) => p.spec.dtype && !p.spec.unsupported)
      .map((p) => ({
        name: p.spec.name,
        dtype: p.spec.dtype!,
        shape: p.spec.shape,
        storage: p.spec.storage,
        ...(p.spec.quantization ? { quantization: p.spec.quantization } : {}),
        byteLength: p.byteLength,
        group: p.group,
        offset: p.offset,
      }));
    this.infoByName = new Map(this.tensors.map((t) => [t.name, t]));
    this.skipped = placed.filter((p) => p.spec.unsupported).map((p) => ({ name: p.spec.name, reason: p.spec.unsupported! }));
    if (this.skipped.length > 0) metadata['tfjs.skipped'] = this.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  }

  /** Open a model.json: parse it, stat its shards and check the layout (no weight is read). */
  static async open(path: string): Promise<TfjsReader> {
    const file = await FileReader.open(path);
    let json: Uint8Array;
    try {
      if (file.size > MAX_MODEL_JSON_BYTES) throw new FormatError('model.json', `${file.size} bytes is over the ${MAX_MODEL_JSON_BYTES}-byte limit`);
      json = await file.read(0, file.size, 'model.json');
    } finally {
      await file.close();
    }
    const manifest = parseTfjsManifest(json);
    const spaces: ShardSpace[] = [];
    const placed: Placed[] = [];
    try {
      await layOut(manifest.groups, dirname(path), spaces, placed);
    } catch (err) {
      await Promise.all(spaces.map((s) => s.close())); // string scans may have opened shards
      throw err;
    }
    const metadata: Record<string, string> = { ...manifest.metadata };
    const dequantized = placed.filter((p) => p.spec.quantization && p.spec.quantization.dtype !== 'float16').length;
    if (dequantized > 0) metadata['tfjs.dequantized'] = `${dequantized} uint8/uint16-quantized weights are read as value·scale + min`;
    return new TfjsReader(path, placed, spaces, metadata);
  }

  private placed(name: string): Placed {
    if (this.closed) throw new IOError(this.path, 'reader is closed');
    const p = this.byName.get(name);
    if (!p || p.spec.unsupported) throw new ArgumentError(`no readable weight named ${JSON.stringify(name)} in ${this.path} (${this.tensors.length} weights)`);
    return p;
  }

  info(name: string): TfjsTensorInfo {
    this.placed(name);
    return this.infoByName.get(name)!;
  }

  /** The weight's stored bytes as they are in the shards (quantized weights: the quantized values). */
  async readBytes(name: string): Promise<Uint8Array> {
    const p = this.placed(name);
    return this.spaces[p.group].read(p.offset, p.byteLength, p.spec.field);
  }

  /** The weight as a Tensor: F32, I32, BOOL, F16 as stored; uint8/uint16 dequantized. */
  async read(name: string): Promise<Tensor> {
    const p = this.placed(name);
    return decodeTfjsWeight(p.spec, await this.spaces[p.group].read(p.offset, p.byteLength, p.spec.field));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.spaces.map((s) => s.close()));
  }
}

/**
 * Bytes of a string weight at `offset`: numel × (u32 length + bytes). Every
 * element takes at least 4 bytes, so numel is checked against what is left
 * before the scan; each length is checked as it is read.
 */
async function stringBytes(space: ShardSpace, offset: number, spec: TfjsWeightSpec): Promise<number> {
  const left = space.size - offset;
  const fail = (why: string): never => {
    throw new FormatError(spec.field, `string weight ${JSON.stringify(spec.name)} at ${offset}: ${why}`);
  };
  if (spec.numel * 4 > left) fail(`${spec.numel} strings need at least ${spec.numel * 4} bytes but only ${left} are left in the group's shards`);
  let pos = offset;
  let win: Uint8Array = new Uint8Array(0);
  let winStart = offset;
  for (let i = 0; i < spec.numel; i++) {
    if (pos + 4 > space.size) fail(`string ${i} starts at ${pos}, past the end of the shards (${space.size} bytes)`);
    if (pos + 4 > winStart + win.byteLength) {
      winStart = pos;
      win = await space.read(pos, Math.min(SCAN_WINDOW, space.size - pos), spec.field);
    }
    const at = pos - winStart;
    const len = (win[at] | (win[at + 1] << 8) | (win[at + 2] << 16) | (win[at + 3] << 24)) >>> 0;
    pos += 4 + len;
    if (pos > space.size) fail(`string ${i} has length ${len}, past the end of the shards (${space.size} bytes)`);
  }
  return pos - offset;
}

/**
 * Place every weight of every group in its group's byte space; the implied
 * sizes must tile the shards exactly. `spaces` and `placed` are filled as it
 * goes (so the caller can close what was opened when it throws).
 */
async function layOut(groups: readonly TfjsGroupSpec[], dir: string, spaces: ShardSpace[], placed: Placed[]): Promise<void> {
  for (const [g, group] of groups.entries()) {
    const field = `weightsManifest[${g}]`;
    const space = await ShardSpace.open(dir, group.paths, field);
    spaces.push(space);
    let offset = 0;
    for (const spec of group.weights) {
      const byteLength = spec.storage === 'string' ? await stringBytes(space, offset, spec) : spec.numel * spec.width;
      if (offset + byteLength > space.size) {
        throw new FormatError(
          spec.field,
          `weight ${JSON.stringify(spec.name)} (${spec.storage} [${spec.shape.join(', ')}]) needs bytes [${offset}, ${offset + byteLength}) but the group's shards hold ${space.size}`,
        );
      }
      placed.push({ spec, group: g, offset, byteLength });
      offset += byteLength;
    }
    if (offset !== space.size) {
      const s = space.shardAt(offset)!;
      throw new FormatError(
        `${field}.paths`,
        `the weights cover ${offset} bytes but the shards hold ${space.size}: shard ${JSON.stringify(s.name)} has ${s.start + s.size - offset} bytes no weight uses`,
      );
    }
  }
}
