/** The CLI on a TF.js model: inspect model.json, compress it to .thive, inspect and decompress that. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SafetensorsReader } from '../../src/format/safetensors-reader.js';
import { Rng } from '../../src/random/rng.js';
import { sqnrDb } from '../../src/tensor/stats.js';
import { f16Bytes, f32Bytes, i32Bytes, stringBytes, writeTfjsModel } from '../format/tfjs-fixtures.js';
import { tempDir } from '../helpers/tmp.js';

const ENTRY = fileURLToPath(new URL('./fixtures/cli-from-source.ts', import.meta.url));

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', ENTRY, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

let tmp: Awaited<ReturnType<typeof tempDir>>;
let model: string;
const rng = new Rng(11);
const kernel = Array.from(rng.normalArray(16 * 64));
const bias = Array.from(rng.normalArray(64));
const embedQ = rng.bytes(8 * 64);

beforeAll(async () => {
  tmp = await tempDir('tensorhive-tfjs-cli-');
  model = await writeTfjsModel(tmp.dir, [
    {
      weights: [
        { name: 'conv/kernel', shape: [16, 64], dtype: 'float32', quantization: { dtype: 'float16', original_dtype: 'float32' }, bytes: f16Bytes(kernel) },
        { name: 'labels', shape: [2], dtype: 'string', bytes: stringBytes(['cat', 'dog']) },
        { name: 'dense/bias', shape: [64], dtype: 'float32', bytes: f32Bytes(bias) },
        { name: 'embed', shape: [8, 64], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.01, min: -1.28 }, bytes: embedQ },
        { name: 'reshape/shape', shape: [2], dtype: 'int32', bytes: i32Bytes([-1, 64]) },
      ],
      shardSizes: [1000], // conv/kernel spans both shards
    },
  ]);
});
afterAll(() => tmp.cleanup());

describe('tensorhive CLI on a TF.js model.json', () => {
  it('inspect lists the weights, how they are stored, and what was skipped', () => {
    const i = cli('inspect', model, '--json');
    expect(i.code, i.stderr).toBe(0);
    const info = JSON.parse(i.stdout);
    expect(info.format).toBe('tfjs');
    expect(info.tensors.map((t: { name: string; dtype: string; storedAs: string }) => [t.name, t.dtype, t.storedAs])).toEqual([
      ['conv/kernel', 'F16', 'F16'],
      ['dense/bias', 'F32', 'F32'],
      ['embed', 'F32', 'uint8 affine'],
      ['reshape/shape', 'I32', 'I32'],
    ]);
    expect(info.metadata['tfjs.skipped']).toMatch(/^labels: TF\.js dtype string/);
  });

  it('compress -> inspect -> decompress', async () => {
    const out = join(tmp.dir, 'out.thive');
    const c = cli('compress', model, '-o', out, '--codec', 'q8_0', '--min-elements', '256');
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toMatch(/conv\/kernel/);
    const i = cli('inspect', out, '--json');
    expect(i.code, i.stderr).toBe(0);
    const info = JSON.parse(i.stdout);
    expect(info.tensors.map((t: { name: string; dtype: string; storedAs: string }) => [t.name, t.dtype, t.storedAs])).toEqual([
      ['conv/kernel', 'F16', 'q8_0'],
      ['dense/bias', 'F32', 'F32'],
      ['embed', 'F32', 'q8_0'],
      ['reshape/shape', 'I32', 'I32'],
    ]);
    expect(info.metadata['tfjs.format']).toBe('graph-model');

    const back = join(tmp.dir, 'back.safetensors');
    const d = cli('decompress', out, '-o', back);
    expect(d.code, d.stderr).toBe(0);
    const r = await SafetensorsReader.open(back);
    const k = await r.read('conv/kernel');
    expect(k.dtype).toBe('F16');
    expect(sqnrDb(new Float32Array(kernel), k.toF32())).toBeGreaterThan(35);
    expect(Array.from((await r.read('dense/bias')).toF32())).toEqual(Array.from(new Float32Array(bias)));
    const embed = Float32Array.from(embedQ, (q) => q * 0.01 - 1.28);
    expect(sqnrDb(embed, (await r.read('embed')).toF32())).toBeGreaterThan(35);
    expect(Array.from(new Int32Array((await r.read('reshape/shape')).bytes.slice().buffer))).toEqual([-1, 64]);
    await r.close();
  });

  it('a broken manifest is a one-line error naming the field, exit code 1', async () => {
    const broken = join(tmp.dir, 'broken.json');
    await writeFile(broken, JSON.stringify({ weightsManifest: [{ paths: ['missing.bin'], weights: [{ name: 'w', shape: [2], dtype: 'float32' }] }] }));
    const i = cli('inspect', broken);
    expect(i.code).toBe(1);
    expect(i.stderr).toMatch(/^tensorhive inspect: .*weightsManifest\[0\]\.paths\[0\]: shard "missing\.bin" is missing/);
    expect(i.stderr).not.toMatch(/internal error/);
  });
});
