import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { FormatError, IOError } from '../../src/errors/index.js';
import { q4_0 } from '../../src/codecs/q4_0.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { openModelSource } from '../../src/format/model-source.js';
import { GgufWriter } from '../../src/format/gguf-writer.js';
import { writeSafetensors } from '../../src/format/safetensors-writer.js';
import { craftSafetensors } from '../fixtures/safetensors-craft.js';
import { tempDir as makeTempDir } from '../helpers/tmp.js';

let tmp: Awaited<ReturnType<typeof makeTempDir>>;
beforeAll(async () => {
  tmp = await makeTempDir();
});
afterAll(async () => {
  await tmp.cleanup();
});

const rng = new Rng(5);
const x = Float32Array.from({ length: 64 }, () => rng.normal());

describe('openModelSource', () => {
  it('opens safetensors by content, whatever the file is called', async () => {
    const path = tmp.path('weights.bin');
    await writeSafetensors(path, { w: Tensor.fromF32As('BF16', x, [2, 32]), b: Tensor.fromF32(x.subarray(0, 4)) }, { arch: 'toy' });
    const src = await openModelSource(path);
    expect(src.format).toBe('safetensors');
    expect(src.metadata).toEqual({ arch: 'toy' });
    expect(src.tensors).toEqual([
      { name: 'w', dtype: 'BF16', shape: [2, 32], byteLength: 128 },
      { name: 'b', dtype: 'F32', shape: [4], byteLength: 16 },
    ]);
    const w = await src.read('w');
    expect(w.dtype).toBe('BF16');
    expect(Array.from(w.toF32())).toEqual(Array.from(Tensor.fromF32As('BF16', x).toF32()));
    expect((await src.readBytes('b')).byteLength).toBe(16);
    await src.close();
  });

  it('opens GGUF by its magic and decodes quantized tensors to F32', async () => {
    const path = tmp.path('model.safetensors'); // a misleading name on purpose
    const payload = q4_0.encode(Tensor.fromF32(x, [2, 32]), q4_0.params({}));
    const w = await GgufWriter.create(path, {
      metadata: { 'general.architecture': 'llama' },
      tensors: [
        { name: 'q', shape: [2, 32], ggmlType: 2 },
        { name: 'h', shape: [4], ggmlType: 1 },
      ],
    });
    await w.write('q', payload);
    await w.write('h', Tensor.fromF32As('F16', new Float32Array([1, 2, 3, 4])).bytes);
    await w.commit();
    const src = await openModelSource(path);
    expect(src.format).toBe('gguf');
    expect(src.metadata['general.architecture']).toBe('llama');
    expect(src.tensors).toEqual([
      { name: 'q', ggmlType: 2, shape: [2, 32], byteLength: 36 },
      { name: 'h', ggmlType: 1, dtype: 'F16', shape: [4], byteLength: 8 },
    ]);
    const q = await src.read('q');
    expect(q.dtype).toBe('F32');
    expect(Array.from(q.toF32())).toEqual(Array.from(q4_0.decode(payload, [2, 32], 'F32', q4_0.params({})).toF32()));
    expect(Array.from((await src.read('h')).toF32())).toEqual([1, 2, 3, 4]);
    expect(Buffer.from(await src.readBytes('q')).equals(Buffer.from(payload))).toBe(true);
    await src.close();
  });

  it('refuses anything else with a FormatError', async () => {
    const cases: [string, Uint8Array][] = [
      ['empty', new Uint8Array(0)],
      ['text', new TextEncoder().encode('hello, this is not a model file at all')],
      ['random', rng.bytes(4096)],
      ['json', new TextEncoder().encode('{"a": 1}')],
    ];
    for (const [name, bytes] of cases) {
      const p = tmp.path(`${name}.dat`);
      await writeFile(p, bytes);
      const err = await openModelSource(p).catch((e: unknown) => e);
      expect(err, name).toBeInstanceOf(FormatError);
      expect((err as FormatError).field).toBe('format');
    }
  });

  it('reports the safetensors problem once the content looks like safetensors', async () => {
    const p = tmp.path('broken.safetensors');
    await writeFile(p, craftSafetensors({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, new Uint8Array(4)));
    const err = await openModelSource(p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as FormatError).field).toBe('tensors["w"].data_offsets');
  });

  it('a missing file is an IOError', async () => {
    await expect(openModelSource(tmp.path('nope'))).rejects.toBeInstanceOf(IOError);
  });
});
