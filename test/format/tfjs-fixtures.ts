/** Synthetic TF.js models written by the tests: a model.json and its shard files, laid out as the TF.js converter does. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { f32ToF16Bits } from '../../src/tensor/half.js';

export interface FixtureWeight {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: Record<string, unknown>;
  /** The stored bytes. */
  bytes: Uint8Array;
}

export interface FixtureGroup {
  weights: FixtureWeight[];
  /** Sizes of the shards the group's bytes are cut into; the last shard takes the rest. Default: one shard. */
  shardSizes?: number[];
}

/** The manifest JSON the fixture writes (tests mutate it before writing). */
export interface FixtureManifest {
  format: string;
  generatedBy: string;
  weightsManifest: { paths: string[]; weights: Record<string, unknown>[] }[];
  [k: string]: unknown;
}

/** Build the manifest and shard contents for `groups` (nothing written). */
export function buildTfjsModel(groups: FixtureGroup[]): { manifest: FixtureManifest; shards: Map<string, Uint8Array> } {
  const shards = new Map<string, Uint8Array>();
  const weightsManifest = groups.map((g, gi) => {
    const all = Buffer.concat(g.weights.map((w) => w.bytes));
    const sizes = [...(g.shardSizes ?? [])];
    const used = sizes.reduce((a, b) => a + b, 0);
    sizes.push(Math.max(0, all.byteLength - used));
    const paths: string[] = [];
    let at = 0;
    for (const [i, n] of sizes.entries()) {
      const name = `group${gi + 1}-shard${i + 1}of${sizes.length}.bin`;
      shards.set(name, new Uint8Array(all.subarray(at, at + n)));
      paths.push(name);
      at += n;
    }
    const weights = g.weights.map((w) => ({ name: w.name, shape: w.shape, dtype: w.dtype, ...(w.quantization ? { quantization: w.quantization } : {}) }));
    return { paths, weights };
  });
  return { manifest: { format: 'graph-model', generatedBy: 'tensorhive tests', weightsManifest }, shards };
}

/** Write model.json and its shards into `dir`; returns the model.json path. */
export async function writeTfjsFiles(dir: string, manifest: unknown, shards: Map<string, Uint8Array>, json = 'model.json'): Promise<string> {
  for (const [name, bytes] of shards) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), bytes);
  }
  const path = join(dir, json);
  await writeFile(path, JSON.stringify(manifest));
  return path;
}

export async function writeTfjsModel(dir: string, groups: FixtureGroup[]): Promise<string> {
  const { manifest, shards } = buildTfjsModel(groups);
  return writeTfjsFiles(dir, manifest, shards);
}

// ---- stored bytes of each kind ----------------------------------------------

export const f32Bytes = (v: number[]): Uint8Array => new Uint8Array(new Float32Array(v).buffer);
export const i32Bytes = (v: number[]): Uint8Array => new Uint8Array(new Int32Array(v).buffer);
export const u16Bytes = (v: number[]): Uint8Array => new Uint8Array(new Uint16Array(v).buffer);
export const f16Bytes = (v: number[]): Uint8Array => u16Bytes(v.map(f32ToF16Bits));

/** TF.js string weight bytes: per element a u32 little-endian length, then the UTF-8 bytes. */
export function stringBytes(v: string[]): Uint8Array {
  const parts = v.flatMap((s) => {
    const b = Buffer.from(s, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32LE(b.byteLength);
    return [len, b];
  });
  return new Uint8Array(Buffer.concat(parts));
}
