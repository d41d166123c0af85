/**
 * The hive demo's model: a transformer-shaped model streamed part by part
 * (embeddings, then one layer at a time) so it never sits in memory whole,
 * each part regenerated from its seed when it is verified. Also the codec
 * each tensor is stored with, and the check of what the hive gives back.
 */
import { crc32 } from 'node:zlib';
import { compressTensor, decompressBlobAs } from '../../format/compress.js';
import { sampleModelTensors } from '../../jobs/sample-model.js';
import { sqnrDb } from '../../tensor/stats.js';
import type { Tensor } from '../../tensor/tensor.js';

export interface DemoModelShape {
  readonly layers: number;
  readonly hidden: number;
  readonly mlp: number;
  readonly seed: number;
}

export interface ModelPart {
  readonly name: string;
  readonly tensors: ReadonlyArray<readonly [string, Tensor]>;
}

/** Part 0 holds the embeddings and the final norm; part l+1 is layer l. */
export function partCount(m: DemoModelShape): number {
  return m.layers + 1;
}

export function partName(index: number): string {
  return index === 0 ? 'model.embed/norm' : `model.layers.${index - 1}`;
}

/** One part, generated from its own seed (the same part comes out bit-identical every time). */
export function modelPart(m: DemoModelShape, index: number): ModelPart {
  if (index === 0) {
    const t = sampleModelTensors({ seed: m.seed, layers: 0, hidden: m.hidden, mlp: m.mlp, vocab: 4096 });
    return { name: partName(0), tensors: Object.entries(t) };
  }
  const l = index - 1;
  // vocab 32: the layer call's own embeddings are dropped; keep them cheap to make.
  const t = sampleModelTensors({ seed: m.seed + index, layers: 1, hidden: m.hidden, mlp: m.mlp, vocab: 32 });
  const tensors: (readonly [string, Tensor])[] = [];
  for (const [name, tensor] of Object.entries(t)) {
    if (name.startsWith('model.layers.0.')) tensors.push([`model.layers.${l}.${name.slice('model.layers.0.'.length)}`, tensor]);
  }
  return { name: partName(index), tensors };
}

/** Logical bytes of the whole model, without generating it. */
export function modelBytes(m: DemoModelShape): number {
  const embed = 4096 * m.hidden * 2 + 128 * 200 * 4 + m.hidden * 4;
  const layer = 2 * m.hidden * 4 + 4 * m.hidden * m.hidden * 2 + 3 * m.mlp * m.hidden * 4;
  return embed + m.layers * layer;
}

/**
 * Small tensors and rows that no 32-block codec takes stay raw (bit-exact);
 * MLP projections (the bulk) get Q4_0, attention and embeddings Q8_0.
 */
export function codecFor(name: string, t: Tensor): string {
  const row = t.shape[t.shape.length - 1];
  if (t.numel < 4096 || row % 32 !== 0) return 'raw';
  return name.includes('.mlp.') ? 'q4_0' : 'q8_0';
}

/** What get() must give back for a tensor, worked out at put time (the source is not kept). */
export interface Expected {
  readonly key: string;
  readonly codec: string;
  readonly dtype: Tensor['dtype'];
  readonly shape: readonly number[];
  /** crc32 of the bytes get() must return: the source's (raw), or the codec's own round trip of it in the source dtype. */
  readonly crc: number;
  /** SQNR of that round trip against the source (Infinity for raw). */
  readonly sqnrDb: number;
}

export function expectTensor(key: string, source: Tensor): Expected {
  const codec = codecFor(key, source);
  const base = { key, codec, dtype: source.dtype, shape: [...source.shape] };
  if (codec === 'raw') return { ...base, crc: crc32(source.bytes), sqnrDb: Infinity };
  const reference = decompressBlobAs(compressTensor(source, codec), source.dtype);
  return { ...base, crc: crc32(reference.bytes), sqnrDb: sqnrDb(source.toF32(), reference.toF32()) };
}

export interface TensorCheck {
  readonly key: string;
  readonly codec: string;
  /** Same dtype and shape, and the bytes' crc32 is the expected one. */
  readonly exact: boolean;
  readonly sqnrDb: number;
}

export function checkTensor(e: Expected, got: Tensor | undefined): TensorCheck {
  const exact =
    got !== undefined &&
    got.dtype === e.dtype &&
    got.shape.length === e.shape.length &&
    got.shape.every((d, i) => d === e.shape[i]) &&
    crc32(got.bytes) === e.crc;
  return { key: e.key, codec: e.codec, exact, sqnrDb: e.sqnrDb };
}
