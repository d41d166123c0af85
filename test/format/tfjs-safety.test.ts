/** Bad TF.js manifests and shards: each is a FormatError naming the field (never a crash, a hang or a large allocation). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FormatError } from '../../src/errors/index.js';
import { TfjsReader } from '../../src/format/tfjs-reader.js';
import { tempDir } from '../helpers/tmp.js';
import { type FixtureManifest, buildTfjsModel, f32Bytes, stringBytes, writeTfjsFiles } from './tfjs-fixtures.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  tmp = await tempDir('tensorhive-tfjs-bad-');
});
afterAll(() => tmp.cleanup());

let n = 0;

/** A valid two-shard model: w0 float32 [4] spans both 10-byte-cut shards, w1 float32 [2]. */
function base(): { manifest: FixtureManifest; shards: Map<string, Uint8Array> } {
  return buildTfjsModel([
    {
      weights: [
        { name: 'w0', shape: [4], dtype: 'float32', bytes: f32Bytes([1, 2, 3, 4]) },
        { name: 'w1', shape: [2], dtype: 'float32', bytes: f32Bytes([5, 6]) },
      ],
      shardSizes: [10],
    },
  ]);
}

/** Write a (mutated) model in a fresh folder one level down, and open it. */
async function open(manifest: unknown, shards: Map<string, Uint8Array>): Promise<TfjsReader> {
  const dir = join(tmp.dir, `m${n++}`, 'model');
  await mkdir(dir, { recursive: true });
  return TfjsReader.open(await writeTfjsFiles(dir, manifest, shards));
}

async function formatError(manifest: unknown, shards: Map<string, Uint8Array>): Promise<FormatError> {
  try {
    const r = await open(manifest, shards);
    await r.close();
  } catch (err) {
    expect(err).toBeInstanceOf(FormatError);
    return err as FormatError;
  }
  throw new Error('expected a FormatError, the model opened');
}

const weight = (m: FixtureManifest, i: number): Record<string, unknown> => m.weightsManifest[0].weights[i];

describe('TfjsReader refuses bad models with typed errors', () => {
  it('the base model is valid', async () => {
    const { manifest, shards } = base();
    const r = await open(manifest, shards);
    expect(Array.from((await r.read('w0')).toF32())).toEqual([1, 2, 3, 4]);
    await r.close();
  });

  it('a missing shard names its path', async () => {
    const { manifest, shards } = base();
    shards.delete('group1-shard2of2.bin');
    const e = await formatError(manifest, shards);
    expect(e.field).toBe('weightsManifest[0].paths[1]');
    expect(e.message).toMatch(/group1-shard2of2\.bin" is missing/);
  });

  it('shards shorter than the manifest: the first weight that does not fit', async () => {
    const { manifest, shards } = base();
    shards.set('group1-shard2of2.bin', shards.get('group1-shard2of2.bin')!.subarray(0, 10));
    const e = await formatError(manifest, shards);
    expect(e.field).toBe('weightsManifest[0].weights[1]');
    expect(e.message).toMatch(/"w1" .*needs bytes \[16, 24\) but the group's shards hold 20/);
  });

  it('shards longer than the manifest: the shard with unused bytes', async () => {
    const { manifest, shards } = base();
    shards.set('group1-shard2of2.bin', new Uint8Array(15));
    const e = await formatError(manifest, shards);
    expect(e.field).toBe('weightsManifest[0].paths');
    expect(e.message).toMatch(/cover 24 bytes but the shards hold 25: shard "group1-shard2of2\.bin" has 1 bytes/);
  });

  it('shard paths that leave the model folder, are absolute or are URLs', async () => {
    for (const p of ['../outside.bin', 'sub/../../outside.bin', '/etc/passwd', 'https://example.com/x.bin', '.', 'a\u0000b']) {
      const { manifest, shards } = base();
      await writeFile(join(tmp.dir, 'outside.bin'), new Uint8Array(14));
      manifest.weightsManifest[0].paths[1] = p;
      const e = await formatError(manifest, shards);
      expect(e.field, p).toBe('weightsManifest[0].paths[1]');
      expect(e.message, p).toMatch(/escapes the model's directory|absolute path|is a URL|NUL byte/);
    }
    await rm(join(tmp.dir, 'outside.bin'));
  });

  it('a shard in a sub-folder of the model is fine', async () => {
    const { manifest, shards } = base();
    shards.set('sub/part2.bin', shards.get('group1-shard2of2.bin')!);
    manifest.weightsManifest[0].paths[1] = 'sub/part2.bin';
    const r = await open(manifest, shards);
    expect(Array.from((await r.read('w1')).toF32())).toEqual([5, 6]);
    await r.close();
  });

  it('bad shapes', async () => {
    const cases: [unknown, RegExp][] = [
      [[-1, 4], /\[0\] must be a non-negative integer/],
      [[1.5], /must be a non-negative integer/],
      [['4'], /must be a non-negative integer/],
      ['4', /must be an array/],
      [[1, 1, 1, 1, 1, 1, 1, 1, 1], /9 dimensions/],
      [[2 ** 30, 2 ** 30, 2 ** 30], /too many elements/],
    ];
    for (const [shape, why] of cases) {
      const { manifest, shards } = base();
      weight(manifest, 1).shape = shape;
      const e = await formatError(manifest, shards);
      expect(e.field, JSON.stringify(shape)).toBe('weightsManifest[0].weights[1].shape');
      expect(e.message).toMatch(why);
      expect(e.message).toMatch(/"w1"/);
    }
  });

  it('a huge claimed size is refused against the shard sizes before anything is read', async () => {
    const { manifest, shards } = base();
    weight(manifest, 0).shape = [1e6, 1e6];
    const e = await formatError(manifest, shards);
    expect(e.field).toBe('weightsManifest[0].weights[0]');
    expect(e.message).toMatch(/needs bytes \[0, 4000000000000\)/);
  });

  it('bad dtypes, quantizations, names and manifests', async () => {
    const cases: [(m: FixtureManifest) => void, string, RegExp][] = [
      [(m) => (weight(m, 0).dtype = 'float64'), 'weightsManifest[0].weights[0].dtype', /unknown dtype "float64"/],
      [(m) => (weight(m, 0).quantization = { dtype: 'int4' }), 'weightsManifest[0].weights[0].quantization.dtype', /unknown quantization dtype "int4"/],
      [(m) => (weight(m, 0).quantization = { dtype: 'uint8', min: 0 }), 'weightsManifest[0].weights[0].quantization.scale', /finite number/],
      [(m) => (weight(m, 0).quantization = { dtype: 'uint8', scale: 1, min: 'x' }), 'weightsManifest[0].weights[0].quantization.min', /finite number/],
      [(m) => (weight(m, 0).quantization = { dtype: 'uint16', scale: 1e35, min: 0 }), 'weightsManifest[0].weights[0].quantization.scale', /outside float32/],
      [(m) => Object.assign(weight(m, 0), { dtype: 'int32', quantization: { dtype: 'uint8', scale: 1e8, min: 0 } }), 'weightsManifest[0].weights[0].quantization.scale', /outside int32/],
      [(m) => Object.assign(weight(m, 0), { dtype: 'int32', quantization: { dtype: 'float16' } }), 'weightsManifest[0].weights[0].quantization.dtype', /float32 weights only/],
      [(m) => Object.assign(weight(m, 0), { dtype: 'bool', quantization: { dtype: 'uint8', scale: 1, min: 0 } }), 'weightsManifest[0].weights[0].quantization.dtype', /not bool/],
      [(m) => (weight(m, 1).name = 'w0'), 'weightsManifest[0].weights[1].name', /"w0" appears twice/],
      [(m) => (weight(m, 1).name = ''), 'weightsManifest[0].weights[1].name', /non-empty string/],
      [(m) => (m.weightsManifest[0].paths = 'x.bin' as never), 'weightsManifest[0].paths', /must be an array/],
      [(m) => (m.weightsManifest[0].paths[0] = 7 as never), 'weightsManifest[0].paths[0]', /non-empty string/],
      [(m) => (m.weightsManifest[0].weights = {} as never), 'weightsManifest[0].weights', /must be an array/],
      [(m) => (m.weightsManifest = {} as never), 'weightsManifest', /must be an array/],
      [(m) => delete (m as Partial<FixtureManifest>).weightsManifest, 'weightsManifest', /is missing: not a TF\.js model\.json/],
    ];
    for (const [mutate, field, why] of cases) {
      const { manifest, shards } = base();
      mutate(manifest);
      const e = await formatError(manifest, shards);
      expect(e.field, field).toBe(field);
      expect(e.message).toMatch(why);
    }
  });

  it('model.json that is not JSON, not an object, or not UTF-8', async () => {
    for (const text of ['{"weightsManifest": [', '[1, 2]', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])]) {
      const dir = join(tmp.dir, `m${n++}`);
      await mkdir(dir);
      await writeFile(join(dir, 'model.json'), text);
      const e = await TfjsReader.open(join(dir, 'model.json')).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(FormatError);
      expect((e as FormatError).field).toBe('model.json');
    }
  });

  it('string weights: lengths past the shards, and more strings than bytes', async () => {
    const { manifest, shards } = buildTfjsModel([{ weights: [{ name: 's', shape: [2], dtype: 'string', bytes: stringBytes(['ab', 'c']) }] }]);
    const bytes = shards.get('group1-shard1of1.bin')!;
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(6, 0xfffffff0, true); // second string's length
    let e = await formatError(manifest, shards);
    expect(e.field).toBe('weightsManifest[0].weights[0]');
    expect(e.message).toMatch(/string 1 has length 4294967280, past the end/);

    const again = buildTfjsModel([{ weights: [{ name: 's', shape: [2], dtype: 'string', bytes: stringBytes(['ab', 'c']) }] }]);
    again.manifest.weightsManifest[0].weights[0].shape = [1e9];
    e = await formatError(again.manifest, again.shards);
    expect(e.message).toMatch(/1000000000 strings need at least 4000000000 bytes/);
  });
});
