/**
 * The foundation's end-to-end promise: a seeded safetensors file goes through
 * compress -> inspect -> decompress for every codec, with the SQNR floors met
 * and the casts and pass-through bit-exact where the format allows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readdir } from 'node:fs/promises';
import { CODECS } from '../../src/codecs/registry.js';
import { compressFile } from '../../src/jobs/compress-file.js';
import { decompressFile } from '../../src/jobs/decompress-file.js';
import { inspectFile } from '../../src/jobs/inspect-file.js';
import { SafetensorsReader } from '../../src/format/safetensors-reader.js';
import { writeSafetensors } from '../../src/format/safetensors-writer.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { sqnrDb } from '../../src/tensor/stats.js';
import { tempDir } from '../helpers/tmp.js';
import { gguf as hfGguf } from '@huggingface/gguf';

/** SQNR floors (dB) on N(0,1) from the foundation issue; the rest are set a little under the reference anchors. */
const FLOORS: Record<string, number> = {
  q8_0: 45,
  int8: 44,
  q6_k: 34.5,
  q5_0: 27,
  q5_1: 27,
  q4_k: 22.5,
  q4_0: 21,
  q4_1: 21,
  nf4: 20.5,
  f16: 70,
  bf16: 45,
  f8_e4m3: 28,
  f8_e5m2: 22,
  // Rank 64 (the default cap) of a full-rank Gaussian keeps ~19% of its energy: 0.90 dB measured.
  lowrank: 0.8,
  // Without calibration awq is plain INT4 asymmetric group 128 (4.3 bits): ~20.2 dB.
  awq: 19.5,
  // Without a reference (ref '') delta_q8 is Q8_0 of the tensor after one f32 tensor scale.
  delta_q8: 45,
  // packed defaults to inner q8_0: exactly Q8_0's numbers.
  packed: 45,
};

let dir: string;
let cleanup: () => Promise<void>;
let model: string;
const rng = new Rng(20260101);
const big = rng.normalArray(1 << 20);

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  model = join(dir, 'model.safetensors');
  await writeSafetensors(model, {
    'layer.weight': Tensor.fromF32(big, [1024, 1024]),
    'layer.bias': Tensor.fromF32(rng.normalArray(1024), [1024]),
    'odd.weight': Tensor.fromF32(rng.normalArray(40 * 50), [40, 50]),
    'half.weight': Tensor.fromF32As('F16', rng.normalArray(256 * 64), [64, 256]),
    'ids': Tensor.fromF32As('I32', Float32Array.from({ length: 16 }, (_, i) => i * 3 - 7), [16]),
  });
});
afterAll(() => cleanup());

/** Whether `codec` (default params) accepts an F32 tensor of `shape`. */
function takes(codec: (typeof CODECS)[number], shape: number[]): boolean {
  try {
    codec.check(shape, 'F32', codec.params());
    return true;
  } catch {
    return false;
  }
}

describe('compress -> inspect -> decompress for every codec', () => {
  for (const codec of CODECS) {
    it(codec.name, async () => {
      const out = join(dir, `m.${codec.name}.thive`);
      const report = await compressFile(model, out, {
        codec: codec.name,
        exclude: ['ids'],
        minElements: 2000,
        fallback: 'raw',
      });
      const byName = Object.fromEntries(report.tensors.map((t) => [t.name, t]));
      expect(byName['layer.weight'].codec).toBe(codec.name);
      expect(byName['layer.bias'].decision).toMatch(/^kept/);
      expect(byName['ids'].decision).toMatch(/^kept: excluded/);
      // Rows of 50 fit no GGML block: codecs that refuse the shape fall back, and the report says so.
      if (!takes(codec, [40, 50])) {
        expect(report.fellBack).toEqual(['odd.weight']);
        expect(byName['odd.weight'].codec).toBe('raw');
      } else {
        expect(report.fellBack).toEqual([]);
      }

      const info = await inspectFile(out);
      expect(info.format).toBe('thive');
      expect(info.tensors.map((t) => t.name)).toEqual(['layer.weight', 'layer.bias', 'odd.weight', 'half.weight', 'ids']);
      expect(info.tensors[0].storedAs).toBe(codec.family === 'raw' ? 'F32' : codec.name);

      const back = join(dir, `m.${codec.name}.safetensors`);
      await decompressFile(out, back);
      const r = await SafetensorsReader.open(back);
      const src = await SafetensorsReader.open(model);
      try {
        for (const t of src.tensors) {
          const a = await src.read(t.name);
          const b = await r.read(t.name);
          expect(b.dtype).toBe(a.dtype);
          expect(b.shape).toEqual(a.shape);
        }
        const w = (await r.read('layer.weight')).toF32();
        if (codec.lossless) expect(Buffer.compare(Buffer.from(w.buffer, w.byteOffset, w.byteLength), Buffer.from(big.buffer))).toBe(0);
        else expect(sqnrDb(big, w)).toBeGreaterThanOrEqual(FLOORS[codec.name]);
        // Kept tensors are bit-exact.
        expect((await r.read('ids')).bytes).toEqual((await src.read('ids')).bytes);
        expect((await r.read('layer.bias')).bytes).toEqual((await src.read('layer.bias')).bytes);
        // A tensor already in F16 goes through the f16 cast bit-exactly.
        if (codec.exactFor.includes('F16')) {
          expect((await r.read('half.weight')).bytes).toEqual((await src.read('half.weight')).bytes);
        }
      } finally {
        await r.close();
        await src.close();
      }
    });
  }
});

describe('file job outputs', () => {
  it('writes GGUF for GGML codecs and safetensors for casts, and refuses what a format cannot hold', async () => {
    const gguf = join(dir, 'm.q4_0.gguf');
    const rep = await compressFile(model, gguf, { codec: 'q4_0', exclude: ['ids'], fallback: 'f16' });
    expect(rep.fellBack).toEqual(['odd.weight']);
    const info = await inspectFile(gguf);
    expect(info.format).toBe('gguf');
    expect(info.tensors.find((t) => t.name === 'layer.weight')!.storedAs).toBe('q4_0');
    expect(info.tensors.find((t) => t.name === 'odd.weight')!.storedAs).toBe('F16');
    // An independent GGUF reader opens it: names, ggml types and dims (GGUF order) agree.
    for (const [codec, type] of [['q4_0', 2], ['q8_0', 8]] as const) {
      const path = join(dir, `m.hf.${codec}.gguf`);
      await compressFile(model, path, { codec, exclude: ['ids'], fallback: 'f16' });
      const hf = await hfGguf(path, { allowLocalFile: true });
      const w = hf.tensorInfos.find((t) => t.name === 'layer.weight')!;
      expect(Number(w.dtype)).toBe(type);
      expect(w.shape.map(Number)).toEqual([1024, 1024]);
      expect(hf.tensorInfos.find((t) => t.name === 'half.weight')!.shape.map(Number)).toEqual([256, 64]);
      expect(hf.tensorInfos.map((t) => t.name)).toEqual(['layer.weight', 'layer.bias', 'odd.weight', 'half.weight', 'ids']);
    }

    const st = join(dir, 'm.bf16.safetensors');
    await compressFile(model, st, { codec: 'bf16', include: ['*.weight'] });
    const sti = await inspectFile(st);
    expect(sti.tensors.find((t) => t.name === 'layer.weight')!.storedAs).toBe('BF16');
    expect(sti.tensors.find((t) => t.name === 'ids')!.storedAs).toBe('I32');

    await expect(compressFile(model, join(dir, 'x.safetensors'), { codec: 'q4_0' })).rejects.toThrow(/safetensors/);
    await expect(compressFile(model, join(dir, 'x.gguf'), { codec: 'nf4' })).rejects.toThrow(/GGUF has no type/);
    const files = await readdir(dir);
    expect(files.filter((f) => f.startsWith('x.'))).toEqual([]);
  });

  it('an aborted job leaves neither the output nor a temporary file', async () => {
    const ac = new AbortController();
    const out = join(dir, 'aborted.thive');
    const p = compressFile(model, out, { codec: 'q8_0', signal: ac.signal, onProgress: () => ac.abort() });
    await expect(p).rejects.toThrow(/aborted/);
    const files = await readdir(dir);
    expect(files.filter((f) => f.includes('aborted'))).toEqual([]);
  });

  it('a codec that cannot take a tensor and a fallback that cannot either is a clear error', async () => {
    await expect(compressFile(model, join(dir, 'y.thive'), { codec: 'q4_k', fallback: 'q4_0' })).rejects.toThrow(/odd\.weight/);
  });
});
