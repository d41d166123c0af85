/** Helpers for the .thive tests: temp dirs, a three-tensor file, a read-recording source, index rewriting. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc } from './blob-fixtures.js';
import { compressTensor } from '../../src/format/compress.js';
import { ThiveWriter, type ThiveSource } from '../../src/format/thive-file.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';

export async function tempDir(): Promise<{ dir: string; done: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'thive-'));
  return { dir, done: () => rm(dir, { recursive: true, force: true }) };
}

/** Three tensors with three codecs: name → blob. */
export function threeBlobs(): Map<string, Uint8Array> {
  const rng = new Rng(42);
  return new Map([
    ['embed', compressTensor(Tensor.fromF32(rng.normalArray(3 * 5), [3, 5]), 'raw')],
    ['layer.0.weight', compressTensor(Tensor.fromF32(rng.normalArray(4 * 64), [4, 64]), 'q8_0')],
    ['layer.0.bias', compressTensor(Tensor.fromF32(rng.normalArray(2 * 64), [2, 64]), 'nf4')],
  ]);
}

export async function writeThive(path: string, blobs: Map<string, Uint8Array>, metadata?: Record<string, string>): Promise<void> {
  const w = await ThiveWriter.create(path, metadata);
  for (const [name, blob] of blobs) await w.add(name, blob);
  await w.commit();
}

/** A source wrapper that records every read. */
export class RecordingSource implements ThiveSource {
  readonly reads: [number, number][] = [];
  constructor(private readonly inner: ThiveSource) {}
  get size(): number {
    return this.inner.size;
  }
  read(offset: number, length: number): Promise<Uint8Array> {
    this.reads.push([offset, length]);
    return this.inner.read(offset, length);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

function u64(dv: DataView, off: number): number {
  return dv.getUint32(off, true) + dv.getUint32(off + 4, true) * 2 ** 32;
}

/**
 * Rewrite a file's index JSON with `edit` and rebuild a footer with correct
 * checksums (per docs/format.md), as a forger would.
 */
export function rewriteIndex(file: Uint8Array, edit: (doc: any) => void): Uint8Array {
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const f = file.length - 32;
  const indexOffset = u64(dv, f);
  const indexLength = u64(dv, f + 8);
  const doc = JSON.parse(new TextDecoder().decode(file.subarray(indexOffset, indexOffset + indexLength)));
  edit(doc);
  const index = new TextEncoder().encode(JSON.stringify(doc));
  const out = new Uint8Array(indexOffset + index.length + 32);
  out.set(file.subarray(0, indexOffset));
  out.set(index, indexOffset);
  const odv = new DataView(out.buffer);
  const fo = indexOffset + index.length;
  odv.setUint32(fo, indexOffset, true);
  odv.setUint32(fo + 8, index.length, true);
  odv.setUint32(fo + 16, crc(index), true);
  odv.setUint16(fo + 20, 1, true);
  odv.setUint32(fo + 24, crc(out.subarray(fo, fo + 24)), true);
  out.set(new TextEncoder().encode('THVE'), fo + 28);
  return out;
}
