import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { compressFile } from '../../src/jobs/compress-file.js';
import { activationNames } from '../../src/jobs/awq-calibration.js';
import { writeSafetensors } from '../../src/format/safetensors-writer.js';
import { ThiveReader } from '../../src/format/thive-file.js';
import { ArgumentError, ShapeError } from '../../src/errors/index.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { tempDir } from '../helpers/tmp.js';
import { awqAlpha } from '../../src/codecs/awq.js';
import { decodeBlob } from '../../src/format/blob.js';

let dir: string;
let cleanup: () => Promise<void>;
const rng = new Rng(11);

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  await writeSafetensors(join(dir, 'model.safetensors'), {
    'blk.0.proj.weight': Tensor.fromF32(rng.normalArray(32 * 128), [32, 128]),
    'blk.1.proj.weight': Tensor.fromF32(rng.normalArray(16 * 128), [16, 128]),
  });
  const acts = rng.normalArray(64 * 128);
  for (let t = 0; t < 64; t++) for (const c of [5, 90]) acts[t * 128 + c] *= 40;
  // Module-named activations for layer 0 (F16, 3-D: flattened into tokens); none for layer 1.
  await writeSafetensors(join(dir, 'acts.safetensors'), { 'blk.0.proj': Tensor.fromF32As('F16', acts, [2, 32, 128]) });
});
afterAll(() => cleanup());

describe('compress --codec awq --calibration', () => {
  it('uses the activations named after the module, and says when a layer has none', async () => {
    const out = join(dir, 'm.thive');
    const rep = await compressFile(join(dir, 'model.safetensors'), out, { codec: 'awq', calibration: join(dir, 'acts.safetensors') });
    const [a, b] = rep.tensors;
    expect(a.decision).toMatch(/^compressed \(awq α=0\.\d\d on 64 calibration tokens from "blk\.0\.proj"\)$/);
    expect(b.decision).toBe('compressed (awq: no activations named "blk.1.proj.weight" or "blk.1.proj"; plain INT4 g128)');
    expect(a.sqnrDb).toBeGreaterThan(15);
    const r = await ThiveReader.open(out);
    try {
      const [ea, eb] = r.entries();
      expect(awqAlpha(decodeBlob(await r.readBlob(ea.name)).payload)).toBeGreaterThan(0);
      expect(awqAlpha(decodeBlob(await r.readBlob(eb.name)).payload)).toBe(0);
    } finally {
      await r.close();
    }
  });

  it('refuses calibration without awq, and activations of the wrong width', async () => {
    await expect(compressFile(join(dir, 'model.safetensors'), join(dir, 'x.thive'), { codec: 'q8_0', calibration: 'a' })).rejects.toThrow(ArgumentError);
    await writeSafetensors(join(dir, 'bad.safetensors'), { 'blk.0.proj.weight': Tensor.fromF32(new Float32Array(64), [1, 64]) });
    await expect(compressFile(join(dir, 'model.safetensors'), join(dir, 'y.thive'), { codec: 'awq', calibration: join(dir, 'bad.safetensors') })).rejects.toThrow(ShapeError);
    expect(activationNames('a.weight')).toEqual(['a.weight', 'a']);
    expect(activationNames('bias')).toEqual(['bias']);
  });
});
