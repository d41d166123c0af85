import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { ArgumentError } from '../../src/errors/index.js';
import { Rng } from '../../src/random/rng.js';
import { DTYPES, type DType } from '../../src/tensor/dtype.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { SafetensorsReader } from '../../src/format/safetensors-reader.js';
import { SafetensorsWriter, writeSafetensors } from '../../src/format/safetensors-writer.js';
import { tempDir as makeTempDir } from '../helpers/tmp.js';

let tmp: Awaited<ReturnType<typeof makeTempDir>>;
beforeAll(async () => {
  tmp = await makeTempDir();
});
afterAll(async () => {
  await tmp.cleanup();
});

const ALL_DTYPES = Object.keys(DTYPES) as DType[];

function randomTensor(rng: Rng, dtype: DType, shape: number[]): Tensor {
  const t = Tensor.zeros(dtype, shape);
  t.bytes.set(rng.bytes(t.byteLength));
  return t;
}

describe('safetensors round trip', () => {
  it('writes and reads back every dtype bit-exactly, with metadata', async () => {
    const rng = new Rng(1);
    const tensors: Record<string, Tensor> = {};
    for (const [i, d] of ALL_DTYPES.entries()) tensors[`t.${d}`] = randomTensor(rng, d, [3, i + 1]);
    tensors.scalar = randomTensor(rng, 'F32', []);
    tensors.empty = randomTensor(rng, 'F16', [0, 4]);
    tensors['7'] = randomTensor(rng, 'I32', [5]); // an integer-like name keeps its place
    const path = tmp.path('all.safetensors');
    await writeSafetensors(path, tensors, { format: 'pt', note: 'héllo' });

    const r = await SafetensorsReader.open(path);
    try {
      expect(r.metadata).toEqual({ format: 'pt', note: 'héllo' });
      expect(r.tensors.map((t) => t.name).sort()).toEqual(Object.keys(tensors).sort());
      for (const [name, t] of Object.entries(tensors)) {
        const back = await r.read(name);
        expect(back.dtype).toBe(t.dtype);
        expect(back.shape).toEqual(t.shape);
        expect(Buffer.from(back.bytes).equals(Buffer.from(t.bytes))).toBe(true);
        expect(r.info(name).byteLength).toBe(t.byteLength);
      }
    } finally {
      await r.close();
    }
  });

  it('pads the header JSON with spaces so the data starts at a multiple of 8', async () => {
    const path = tmp.path('pad.safetensors');
    for (const name of ['a', 'ab', 'abc', 'abcd', 'abcde', 'abcdef', 'abcdefg', 'abcdefgh']) {
      await writeSafetensors(path, { [name]: Tensor.fromF32(new Float32Array([1, 2])) });
      const bytes = await readFile(path);
      const n = Number(bytes.readBigUInt64LE(0));
      expect((8 + n) % 8).toBe(0);
      const json = bytes.subarray(8, 8 + n).toString('utf8');
      expect(json.trimEnd().endsWith('}')).toBe(true);
      expect(/^[^ ]*\} *$/.test(json.replace(/"[^"]*"/g, '""'))).toBe(true);
      const r = await SafetensorsReader.open(path);
      expect(r.dataOffset % 8).toBe(0);
      expect(Array.from((await r.read(name)).toF32())).toEqual([1, 2]);
      await r.close();
    }
  });

  it('reads one tensor without touching any other byte of the data section', async () => {
    const rng = new Rng(2);
    const a = randomTensor(rng, 'F32', [64]);
    const b = randomTensor(rng, 'BF16', [8, 8]);
    const c = randomTensor(rng, 'I64', [16]);
    const path = tmp.path('stream.safetensors');
    await writeSafetensors(path, { a, b, c });
    const r = await SafetensorsReader.open(path);
    const info = r.info('b');
    // Corrupt every byte after the header except b's range, after opening.
    const file = await readFile(path);
    for (let i = r.dataOffset; i < file.byteLength; i++) {
      if (i < info.offset || i >= info.offset + info.byteLength) file[i] ^= 0xff;
    }
    await writeFile(path, file);
    const back = await r.read('b');
    expect(Buffer.from(back.bytes).equals(Buffer.from(b.bytes))).toBe(true);
    const aBack = await r.readBytes('a');
    expect(Buffer.from(aBack).equals(Buffer.from(a.bytes))).toBe(false); // a really was corrupted
    await r.close();
  });

  it('names the missing tensor on a bad read', async () => {
    const path = tmp.path('names.safetensors');
    await writeSafetensors(path, { x: Tensor.fromF32(new Float32Array(2)) });
    const r = await SafetensorsReader.open(path);
    await expect(r.read('y')).rejects.toThrow(/no tensor named "y"/);
    await r.close();
  });
});

describe('safetensors writer', () => {
  it('streams tensors in the declared order and accepts raw bytes', async () => {
    const path = tmp.path('stream-write.safetensors');
    const w = await SafetensorsWriter.create(path, [
      { name: 'w1', dtype: 'F16', shape: [2, 2] },
      { name: 'w2', dtype: 'U8', shape: [3] },
    ]);
    await expect(w.write('w2', new Uint8Array(3))).rejects.toThrow(ArgumentError);
    await expect(w.write('w1', new Uint8Array(7))).rejects.toThrow(/needs 8 bytes, got 7/);
    await expect(w.write('w1', Tensor.zeros('F32', [2, 2]))).rejects.toThrow(/declared F16/);
    await w.write('w1', Tensor.fromF32As('F16', new Float32Array([1, 2, 3, 4]), [2, 2]));
    await w.write('w2', new Uint8Array([7, 8, 9]));
    expect(existsSync(path)).toBe(false); // nothing visible before commit
    await w.commit();
    const r = await SafetensorsReader.open(path);
    expect(Array.from((await r.read('w1')).toF32())).toEqual([1, 2, 3, 4]);
    expect(Array.from(await r.readBytes('w2'))).toEqual([7, 8, 9]);
    await r.close();
  });

  it('abort leaves no file and no temporary file', async () => {
    const { dir, path, cleanup } = await makeTempDir();
    const target = path('aborted.safetensors');
    const w = await SafetensorsWriter.create(target, [{ name: 'a', dtype: 'F32', shape: [4] }]);
    await w.write('a', new Uint8Array(16));
    await w.abort();
    await w.abort();
    expect(await readdir(dir)).toEqual([]);
    // Committing with a tensor missing aborts too.
    const w2 = await SafetensorsWriter.create(target, [{ name: 'a', dtype: 'F32', shape: [4] }, { name: 'b', dtype: 'F32', shape: [1] }]);
    await w2.write('a', new Uint8Array(16));
    await expect(w2.commit()).rejects.toThrow(/tensor "b" and 0 more were not written/);
    expect(await readdir(dir)).toEqual([]);
    await cleanup();
  });

  it('rejects bad declarations before creating anything', async () => {
    const p = tmp.path('bad-decl.safetensors');
    await expect(SafetensorsWriter.create(p, [{ name: 'a', dtype: 'F32', shape: [1] }, { name: 'a', dtype: 'F32', shape: [1] }])).rejects.toThrow(
      /declared twice/,
    );
    await expect(SafetensorsWriter.create(p, [{ name: 'a', dtype: 'Q4' as DType, shape: [1] }])).rejects.toThrow(/infos\[0\]\.dtype/);
    await expect(SafetensorsWriter.create(p, [{ name: 'a', dtype: 'F32', shape: [-1] }])).rejects.toThrow(/infos\[0\]\.shape/);
    await expect(SafetensorsWriter.create(p, [{ name: '__metadata__', dtype: 'F32', shape: [1] }])).rejects.toThrow(/reserved/);
    await expect(
      SafetensorsWriter.create(p, [], { n: 3 as unknown as string }),
    ).rejects.toThrow(/metadata\.n must be a string/);
    expect(existsSync(p)).toBe(false);
  });
});
