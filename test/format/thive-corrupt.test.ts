import { execFile } from 'node:child_process';
import { access, readFile, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { crc32 as zlibCrc } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FormatError, IntegrityError, TensorhiveError } from '../../src/errors/index.js';
import { BytesSource, ThiveReader, ThiveWriter } from '../../src/format/thive-file.js';
import { Rng } from '../../src/random/rng.js';
import { rewriteIndex, tempDir, threeBlobs, writeThive } from './thive-fixtures.js';

let dir: string;
let done: () => Promise<void>;
beforeEach(async () => ({ dir, done } = await tempDir()));
afterEach(async () => done());

async function validFile(): Promise<Uint8Array> {
  const path = join(dir, 'model.thive');
  await writeThive(path, threeBlobs(), { k: 'v' });
  return new Uint8Array(await readFile(path));
}

async function openError(bytes: Uint8Array): Promise<unknown> {
  try {
    const r = await ThiveReader.fromSource(new BytesSource(bytes), 'm.thive');
    await r.close();
  } catch (err) {
    return err;
  }
  return undefined;
}

async function expectField(bytes: Uint8Array, field: string | RegExp): Promise<void> {
  const err = await openError(bytes);
  expect(err).toBeInstanceOf(FormatError);
  expect((err as FormatError).field).toMatch(field);
}

const exists = (p: string) => access(p).then(() => true, () => false);

describe('torn and corrupted .thive files', () => {
  it('a file truncated anywhere is a FormatError or IntegrityError on open', async () => {
    const bytes = await validFile();
    const rng = new Rng(77);
    const cuts = [0, 3, 8, 9, 100, bytes.length - 33, bytes.length - 32, bytes.length - 31, bytes.length - 4, bytes.length - 1];
    for (let i = 0; i < 30; i++) cuts.push(rng.int(bytes.length));
    for (const cut of cuts) {
      const err = await openError(bytes.slice(0, cut));
      expect(err instanceof FormatError || err instanceof IntegrityError, `cut at ${cut}: ${String(err)}`).toBe(true);
    }
  });

  it('the file on disk: truncated → typed error, and the handle is closed', async () => {
    const bytes = await validFile();
    const path = join(dir, 'torn.thive');
    await writeFile(path, bytes.subarray(0, bytes.length - 10));
    await expect(ThiveReader.open(path)).rejects.toBeInstanceOf(FormatError);
    await expect(ThiveReader.open(join(dir, 'missing.thive'))).rejects.toBeInstanceOf(TensorhiveError);
  });

  it('single bit flips in magic, footer and index are caught on open', async () => {
    const bytes = await validFile();
    const rng = new Rng(5);
    const dv = new DataView(bytes.buffer);
    const indexOffset = dv.getUint32(bytes.length - 32, true);
    const spots = [0, 4, 6];
    for (let i = 0; i < 40; i++) spots.push(indexOffset + rng.int(bytes.length - indexOffset));
    for (const at of spots) {
      const b = bytes.slice();
      b[at] ^= 1 << rng.int(8);
      const err = await openError(b);
      expect(err instanceof FormatError || err instanceof IntegrityError, `flip at ${at}: ${String(err)}`).toBe(true);
    }
  });

  it('appended garbage hides the footer: FormatError', async () => {
    const bytes = await validFile();
    const longer = new Uint8Array(bytes.length + 5);
    longer.set(bytes);
    await expectField(longer, 'footer.magic');
  });

  it('a forged index is still judged: overlaps, ranges, names, header fields', async () => {
    const bytes = await validFile();
    await expectField(rewriteIndex(bytes, (d) => (d.tensors[1].offset = d.tensors[0].offset)), 'index.tensors[1].offset');
    await expectField(rewriteIndex(bytes, (d) => (d.tensors[1].offset = 12)), 'index.tensors[1].offset');
    await expectField(rewriteIndex(bytes, (d) => (d.tensors[2].length += 8)), 'index.tensors[2].length');
    await expectField(rewriteIndex(bytes, (d) => (d.tensors[2].offset = 2 ** 60)), 'index.tensors[2].offset');
    await expectField(rewriteIndex(bytes, (d) => (d.tensors[1].name = d.tensors[0].name)), 'index.tensors[1].name');
    await expectField(rewriteIndex(bytes, (d) => (d.tensors[0].dtype = 'F128')), 'index.tensors[0].dtype');
    await expectField(rewriteIndex(bytes, (d) => (d.tensors[0].codecId = 999)), 'index.tensors[0].codecId');
    await expectField(rewriteIndex(bytes, (d) => (d.tensors[0].payloadLength = 8)), 'index.tensors[0].payloadLength');
    await expectField(rewriteIndex(bytes, (d) => (d.tensors[0].shape = [1, 2, 3, 4, 5, 6, 7, 8, 9])), 'index.tensors[0].shape');
    await expectField(rewriteIndex(bytes, (d) => (d.tensors[1].params = { blockSize: 'x' })), 'index.tensors[1].params');
    await expectField(rewriteIndex(bytes, (d) => (d.metadata = { k: 1 })), 'index.metadata');
    await expectField(rewriteIndex(bytes, (d) => (d.version = 2)), 'index.version');
    await expectField(rewriteIndex(bytes, (d) => (d.tensors = {})), 'index.tensors');
  });

  it('an index that disagrees with the blob it points at fails when that blob is read', async () => {
    const bytes = await validFile();
    const forged = rewriteIndex(bytes, (d) => (d.tensors[0].shape = [5, 3])); // embed is [3, 5]
    const r = await ThiveReader.fromSource(new BytesSource(forged));
    const err = await r.readBlob('embed').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as FormatError).field).toBe('index.tensors[0].shape');
    await expect(r.readBlob('layer.0.weight')).resolves.toBeInstanceOf(Uint8Array);
  });

  it('footer offsets and lengths are bounded by the file', async () => {
    const bytes = await validFile();
    const f = bytes.length - 32;
    const reseal = (edit: (dv: DataView) => void): Uint8Array => {
      const b = bytes.slice();
      const dv = new DataView(b.buffer);
      edit(dv);
      dv.setUint32(f + 24, zlibCrc(b.subarray(f, f + 24)), true);
      return b;
    };
    await expectField(reseal((dv) => dv.setUint32(f + 8, 0xffffffff, true)), 'footer.indexLength');
    await expectField(reseal((dv) => dv.setUint32(f + 12, 0x7fffffff, true)), 'footer.indexLength');
    await expectField(reseal((dv) => dv.setUint32(f, 4, true)), 'footer.indexOffset');
    await expectField(reseal((dv) => dv.setUint32(f, f + 8, true)), 'footer.indexOffset');
    await expectField(reseal((dv) => dv.setUint16(f + 20, 9, true)), 'footer.version');
    const err = await openError(reseal((dv) => dv.setUint32(f + 16, 1, true))); // index CRC
    expect(err).toBeInstanceOf(IntegrityError);
  });
});

describe('atomic writing', () => {
  it('abort leaves no file (and no temp file); an existing file is untouched', async () => {
    const path = join(dir, 'model.thive');
    const w = await ThiveWriter.create(path);
    for (const [n, b] of threeBlobs()) await w.add(n, b);
    await w.abort();
    await w.abort();
    expect(await readdir(dir)).toEqual([]);
    await writeFile(path, 'old');
    const w2 = await ThiveWriter.create(path);
    await w2.add('x', threeBlobs().get('embed')!);
    await w2.abort();
    expect(await readFile(path, 'utf8')).toBe('old');
  });

  it('a process killed before commit leaves no file under the final name', async () => {
    const path = join(dir, 'crash.thive');
    const script = join(dir, 'crash.mts');
    const src = resolve('src/format');
    await writeFile(
      script,
      `import { ThiveWriter } from ${JSON.stringify(join(src, 'thive-file.ts'))};
import { compressTensor } from ${JSON.stringify(join(src, 'compress.ts'))};
import { Tensor } from ${JSON.stringify(resolve('src/tensor/tensor.ts'))};
const w = await ThiveWriter.create(${JSON.stringify(path)});
await w.add('a', compressTensor(Tensor.fromF32(new Float32Array(64)), 'raw'));
process.kill(process.pid, 'SIGKILL');
`,
    );
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', script], { cwd: resolve('.') });
    await expect(run).rejects.toMatchObject({ signal: 'SIGKILL' });
    expect(await exists(path)).toBe(false);
    const left = await readdir(dir);
    expect(left.filter((f) => f.endsWith('.tmp')).length).toBe(1); // the crashed write's temp file
  });
});
