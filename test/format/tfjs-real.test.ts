/**
 * A real shipped TF.js graph model: @vladmandic/human's antispoof (MIT, a dev
 * dependency), whose float32 weights are stored float16-quantized. Read
 * through the reader and through openModelSource; the expectations come from
 * its model.json, parsed here independently.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openModelSource } from '../../src/format/model-source.js';
import { TfjsReader } from '../../src/format/tfjs-reader.js';

// The package's `exports` do not list its models (nor package.json), so it is found by path.
const MODELS = fileURLToPath(new URL('../../node_modules/@vladmandic/human/models', import.meta.url));
const ANTISPOOF = join(MODELS, 'antispoof.json');

interface Spec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string };
}

describe('TfjsReader on @vladmandic/human antispoof', () => {
  const json = JSON.parse(readFileSync(ANTISPOOF, 'utf8')) as { weightsManifest: { paths: string[]; weights: Spec[] }[] };
  const specs = json.weightsManifest.flatMap((g) => g.weights);

  it('lists every weight with its dtype: float16-stored weights as F16, int32 as I32', async () => {
    const r = await TfjsReader.open(ANTISPOOF);
    expect(r.tensors).toHaveLength(11);
    expect(r.skipped).toEqual([]);
    expect(r.tensors.map((t) => t.name)).toEqual(specs.map((s) => s.name));
    expect(r.tensors.map((t) => t.shape)).toEqual(specs.map((s) => s.shape));
    expect(r.tensors.map((t) => t.dtype)).toEqual(specs.map((s) => (s.quantization?.dtype === 'float16' ? 'F16' : 'I32')));
    expect(r.tensors.filter((t) => t.dtype === 'F16')).toHaveLength(10);
    // The weights tile the shard exactly.
    const shardBytes = json.weightsManifest.flatMap((g) => g.paths).reduce((a, p) => a + statSync(join(MODELS, p)).size, 0);
    expect(r.tensors.reduce((a, t) => a + t.byteLength, 0)).toBe(shardBytes);
    await r.close();
  });

  it('F16 values are finite and not all zero; the bytes are the shard bytes unchanged', async () => {
    const s = await openModelSource(ANTISPOOF);
    expect(s.format).toBe('tfjs');
    const shard = readFileSync(join(MODELS, json.weightsManifest[0].paths[0]));
    let offset = 0;
    for (const t of s.tensors) {
      const x = await s.read(t.name);
      expect(x.dtype).toBe(t.dtype);
      if (x.dtype === 'F16') {
        expect(Buffer.from(x.bytes).equals(shard.subarray(offset, offset + t.byteLength))).toBe(true);
        const v = x.toF32();
        expect(v.every(Number.isFinite), t.name).toBe(true);
        expect(v.some((e) => e !== 0), t.name).toBe(true);
      }
      offset += t.byteLength;
    }
    await s.close();
  });
});
