import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArgumentError, FormatError, IntegrityError } from '../../src/errors/index.js';
import { readBlobHeader } from '../../src/format/blob.js';
import { compressTensor, decompressBlob, decompressBlobAs } from '../../src/format/compress.js';
import { BytesSource, FileSource, ThiveReader, ThiveWriter } from '../../src/format/thive-file.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { RecordingSource, tempDir, threeBlobs, writeThive } from './thive-fixtures.js';

let dir: string;
let done: () => Promise<void>;
beforeEach(async () => ({ dir, done } = await tempDir()));
afterEach(async () => done());

function same(a: Tensor, b: Tensor): void {
  expect(a.dtype).toBe(b.dtype);
  expect(a.shape).toEqual(b.shape);
  expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
}

describe('.thive write and read', () => {
  it('three tensors with three codecs round-trip, with metadata, in file order', async () => {
    const path = join(dir, 'model.thive');
    const blobs = threeBlobs();
    await writeThive(path, blobs, { arch: 'test', 'source.file': 'x.safetensors' });
    const r = await ThiveReader.open(path);
    try {
      expect(r.metadata).toEqual({ arch: 'test', 'source.file': 'x.safetensors' });
      const entries = r.entries();
      expect(entries.map((e) => e.name)).toEqual([...blobs.keys()]);
      for (const e of entries) {
        const blob = blobs.get(e.name)!;
        expect(e.offset % 8).toBe(0);
        expect(e.length).toBe(blob.length);
        expect(e.header).toEqual(readBlobHeader(blob));
        expect([...(await r.readBlob(e.name))]).toEqual([...blob]);
        same(await r.readTensor(e.name), decompressBlob(blob));
        same(await r.readTensor(e.name, 'source'), decompressBlobAs(blob, 'source'));
        same(await r.readTensor(e.name, 'F16'), decompressBlobAs(blob, 'F16'));
      }
      expect(r.has('embed')).toBe(true);
      expect(r.has('nope')).toBe(false);
    } finally {
      await r.close();
    }
  });

  it('opening reads only header, footer and index; one tensor is one read of exactly its bytes', async () => {
    const path = join(dir, 'model.thive');
    await writeThive(path, threeBlobs());
    const src = new RecordingSource(await FileSource.open(path));
    const r = await ThiveReader.fromSource(src, path);
    const entries = r.entries();
    const firstBlob = entries[0].offset;
    const blobsEnd = entries[2].offset + entries[2].length;
    expect(src.reads.length).toBe(3);
    for (const [off, len] of src.reads) expect(off >= blobsEnd || off + len <= firstBlob).toBe(true);
    src.reads.length = 0;
    await r.readTensor('layer.0.weight');
    expect(src.reads).toEqual([[entries[1].offset, entries[1].length]]);
    await r.close();
  });

  it("reading one tensor does not need the others' bytes to be intact", async () => {
    const path = join(dir, 'model.thive');
    const blobs = threeBlobs();
    await writeThive(path, blobs);
    const bytes = new Uint8Array(await readFile(path));
    const r0 = await ThiveReader.open(path);
    const [a, b, c] = r0.entries();
    await r0.close();
    bytes[a.offset + a.header.headerLength + 3] ^= 0x40; // payload of 'embed'
    bytes[c.offset + 2] ^= 0x01; // magic of 'layer.0.bias'
    await writeFile(path, bytes);
    const r = await ThiveReader.open(path);
    same(await r.readTensor(b.name), decompressBlob(blobs.get(b.name)!));
    await expect(r.readTensor(a.name)).rejects.toBeInstanceOf(IntegrityError);
    await expect(r.readBlob(c.name)).rejects.toBeInstanceOf(FormatError);
    await r.close();
  });

  it('an empty file (no tensors) is valid; readers work from in-memory bytes too', async () => {
    const path = join(dir, 'empty.thive');
    await writeThive(path, new Map());
    const bytes = new Uint8Array(await readFile(path));
    const r = await ThiveReader.fromSource(new BytesSource(bytes));
    expect(r.entries()).toEqual([]);
    expect(r.metadata).toEqual({});
    await r.close();
  });

  it('unknown names, closed readers and bad arguments are ArgumentErrors', async () => {
    const path = join(dir, 'model.thive');
    await writeThive(path, threeBlobs());
    const r = await ThiveReader.open(path);
    const err = await r.readBlob('x'.repeat(5000)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArgumentError);
    expect((err as Error).message.length).toBeLessThan(300);
    expect((err as Error).message).toMatch(/holds 3 tensors/);
    await expect(r.readTensor('embed', 'F99' as never)).rejects.toBeInstanceOf(ArgumentError);
    await r.close();
    await expect(r.readBlob('embed')).rejects.toBeInstanceOf(ArgumentError);
    await r.close(); // twice is fine
  });
});

describe('ThiveWriter', () => {
  it('rejects duplicate names, bad names, bad metadata and bad blobs, and stays usable', async () => {
    await expect(ThiveWriter.create(join(dir, 'm.thive'), { n: 1 } as never)).rejects.toBeInstanceOf(ArgumentError);
    const path = join(dir, 'm.thive');
    const w = await ThiveWriter.create(path);
    const blob = compressTensor(Tensor.fromF32(new Float32Array([1, 2, 3])), 'raw');
    await w.add('a', blob);
    await expect(w.add('a', blob)).rejects.toBeInstanceOf(ArgumentError);
    await expect(w.add('', blob)).rejects.toBeInstanceOf(ArgumentError);
    const bad = blob.slice();
    bad[bad.length - 6] ^= 1;
    await expect(w.add('b', bad)).rejects.toBeInstanceOf(IntegrityError);
    await expect(w.add('b', blob.subarray(0, 10))).rejects.toBeInstanceOf(FormatError);
    await w.add('b', blob);
    expect(w.count).toBe(2);
    await w.commit();
    await expect(w.add('c', blob)).rejects.toBeInstanceOf(ArgumentError);
    await expect(w.commit()).rejects.toBeInstanceOf(ArgumentError);
    const r = await ThiveReader.open(path);
    expect(r.entries().map((e) => e.name)).toEqual(['a', 'b']);
    await r.close();
  });

  it('abort after commit started waits for it and leaves the committed file; index headers are frozen', async () => {
    const path = join(dir, 'm.thive');
    const w = await ThiveWriter.create(path);
    await w.add('embed', threeBlobs().get('embed')!);
    const committing = w.commit();
    await w.abort();
    await committing;
    const r = await ThiveReader.open(path);
    const [e] = r.entries();
    expect(Object.isFrozen(e.header) && Object.isFrozen(e.header.params) && Object.isFrozen(e.header.shape)).toBe(true);
    await r.close();
  });

  it('adds that are not awaited one by one still produce a valid file in call order', async () => {
    const path = join(dir, 'm.thive');
    const w = await ThiveWriter.create(path);
    const blobs = threeBlobs();
    await Promise.all([...blobs].map(([n, b]) => w.add(n, b)));
    await w.commit();
    const r = await ThiveReader.open(path);
    expect(r.entries().map((e) => e.name)).toEqual([...blobs.keys()]);
    for (const [n, b] of blobs) expect([...(await r.readBlob(n))]).toEqual([...b]);
    await r.close();
  });
});
