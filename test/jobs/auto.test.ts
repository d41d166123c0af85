/** `--codec auto`: a codec per tensor, with the reasons reported, and the result reads back. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { compressFile } from '../../src/jobs/compress-file.js';
import { decompressFile } from '../../src/jobs/decompress-file.js';
import { SafetensorsReader } from '../../src/format/safetensors-reader.js';
import { writeSafetensors } from '../../src/format/safetensors-writer.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { sqnrDb } from '../../src/tensor/stats.js';
import { tempDir } from '../helpers/tmp.js';

let dir: string;
let cleanup: () => Promise<void>;
let model: string;
const rng = new Rng(99);
const relu = rng.normalArray(64 * 1024).map((x) => (x > 1 ? x : 0));
const few = Float32Array.from({ length: 64 * 1024 }, () => [0.5, -1, 2, 3.25][rng.int(4)]);
const gauss = rng.normalArray(256 * 256);

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  model = join(dir, 'm.safetensors');
  await writeSafetensors(model, {
    'act.relu': Tensor.fromF32(relu, [64, 1024]),
    'table.few': Tensor.fromF32(few, [64, 1024]),
    'w.gauss': Tensor.fromF32As('BF16', gauss, [256, 256]),
  });
});
afterAll(() => cleanup());

async function readAll(path: string): Promise<Record<string, Tensor>> {
  const r = await SafetensorsReader.open(path);
  try {
    const out: Record<string, Tensor> = {};
    for (const t of r.tensors) out[t.name] = await r.read(t.name);
    return out;
  } finally {
    await r.close();
  }
}

describe('compress --codec auto', () => {
  it('lossless target: picks by looking at each tensor, says why, and reads back bit-exact', async () => {
    const out = join(dir, 'lossless.thive');
    const rep = await compressFile(model, out, { codec: 'auto', target: { lossless: true } });
    const by = Object.fromEntries(rep.tensors.map((t) => [t.name, t]));
    expect(by['act.relu'].codec).toMatch(/^(sparse|zerorun)$/);
    expect(by['table.few'].codec).toBe('dict');
    expect(by['w.gauss'].codec).toBe('byteplane');
    for (const t of rep.tensors) {
      expect(t.reasons!.length).toBeGreaterThan(2);
      expect(t.reasons![0]).toMatch(/elements/); // the profile comes first
      expect(t.decision).toMatch(/^auto: chose/);
    }
    expect(rep.codecStats!.find((r) => r.codec === 'dict')!.chosen).toBe(1);
    const back = join(dir, 'lossless.safetensors');
    await decompressFile(out, back);
    const src = await readAll(model);
    const got = await readAll(back);
    for (const name of Object.keys(src)) expect(got[name].bytes).toEqual(src[name].bytes);
  });

  it('an SQNR floor lets lossy codecs in, and every tensor meets it', async () => {
    const out = join(dir, 'lossy.thive');
    const rep = await compressFile(model, out, { codec: 'auto', target: { maxError: 30 } });
    const g = rep.tensors.find((t) => t.name === 'w.gauss')!;
    expect(g.codec).not.toBe('byteplane');
    expect(g.sqnrDb!).toBeGreaterThanOrEqual(30);
    const back = join(dir, 'lossy.safetensors');
    await decompressFile(out, back);
    const got = await readAll(back);
    expect(sqnrDb(Tensor.fromF32As('BF16', gauss).toF32(), got['w.gauss'].toF32())).toBeGreaterThanOrEqual(30);
  });

  it('refuses outputs that cannot hold every codec, and targets without auto', async () => {
    await expect(compressFile(model, join(dir, 'x.gguf'), { codec: 'auto' })).rejects.toThrow(/\.thive files only/);
    await expect(compressFile(model, join(dir, 'x.thive'), { codec: 'q8_0', target: { lossless: true } })).rejects.toThrow(/codec auto/);
  });
});
