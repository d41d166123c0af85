/**
 * .thive reader. Opening reads the file header, the footer and the index —
 * never a blob — and validates all of it. Each tensor is then read on its own
 * with one positional read of exactly its blob's bytes.
 */
import { ArgumentError, FormatError, IntegrityError } from '../errors/index.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { decodeBlob } from './blob.js';
import { crc32 } from './checksum.js';
import { convertDecoded, decodeVerified } from './compress.js';
import { type ThiveEntry, headerMismatch, parseIndex } from './thive-index.js';
import { THIVE_FOOTER_BYTES, THIVE_HEADER_BYTES, checkFileHeader, parseFooter } from './thive-layout.js';
import { FileSource, type ThiveSource } from './thive-source.js';

export class ThiveReader {
  private readonly byName: Map<string, number>;
  private closed = false;

  private constructor(
    private readonly source: ThiveSource,
    /** What the reader is reading (a path), for messages. */
    readonly label: string,
    readonly metadata: Readonly<Record<string, string>>,
    private readonly list: readonly ThiveEntry[],
  ) {
    this.byName = new Map(list.map((e, i) => [e.name, i]));
  }

  /** Open a .thive file: reads and checks header, footer and index only. */
  static async open(path: string): Promise<ThiveReader> {
    if (typeof path !== 'string' || path.length === 0) throw new ArgumentError('path must be a non-empty string');
    const src = await FileSource.open(path);
    try {
      return await ThiveReader.fromSource(src, path);
    } catch (err) {
      await src.close();
      throw err;
    }
  }

  /** Read a .thive from any random-access source (the reader closes it on close()). */
  static async fromSource(source: ThiveSource, label = 'thive'): Promise<ThiveReader> {
    const size = source.size;
    if (size < THIVE_HEADER_BYTES + THIVE_FOOTER_BYTES) {
      throw new FormatError('file', `${label} is ${size} bytes; a .thive file has at least ${THIVE_HEADER_BYTES + THIVE_FOOTER_BYTES}`);
    }
    checkFileHeader(await source.read(0, THIVE_HEADER_BYTES));
    const footer = parseFooter(await source.read(size - THIVE_FOOTER_BYTES, THIVE_FOOTER_BYTES), size, label);
    // parseFooter bounded indexLength by the file size, so this read is justified by the input.
    const indexBytes = await source.read(footer.indexOffset, footer.indexLength);
    const actual = crc32(indexBytes);
    if (actual !== footer.indexCrc) {
      throw new IntegrityError(`${label} index`, `checksum mismatch: stored ${footer.indexCrc}, computed ${actual}`);
    }
    const { metadata, entries } = parseIndex(indexBytes, footer.indexOffset);
    return new ThiveReader(source, label, Object.freeze(metadata), Object.freeze(entries));
  }

  /** Every tensor, in file order. */
  entries(): ThiveEntry[] {
    return this.list.map((e) => ({ ...e }));
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  entry(name: string): ThiveEntry {
    const i = this.byName.get(name);
    if (i === undefined) {
      const shown = typeof name === 'string' ? JSON.stringify(name.slice(0, 80)) : String(name);
      throw new ArgumentError(`no tensor named ${shown} in ${this.label} (it holds ${this.list.length} tensors)`);
    }
    return { ...this.list[i] };
  }

  /**
   * The verified blob of one tensor: one read of exactly its bytes, checked
   * (header, length, checksum) and compared with the index's copy of its header.
   */
  async readBlob(name: string): Promise<Uint8Array> {
    return (await this.readVerified(name)).blob;
  }

  /**
   * Decode one tensor. `as`: 'natural' (default) is the codec's own output
   * (F32 for quantizers, the cast dtype for casts); 'source' converts back to
   * the dtype the tensor had when written; a dtype converts to that.
   */
  async readTensor(name: string, as: DType | 'source' | 'natural' = 'natural'): Promise<Tensor> {
    const { header, payload } = await this.readVerified(name);
    const t = decodeVerified(header, payload);
    return as === 'natural' ? t : convertDecoded(t, header, as);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.source.close();
  }

  private async readVerified(name: string) {
    if (this.closed) throw new ArgumentError(`reader for ${this.label} is closed`);
    const e = this.entry(name);
    const blob = await this.source.read(e.offset, e.length);
    const { header, payload } = decodeBlob(blob);
    const differs = headerMismatch(e.header, header);
    if (differs) {
      const at = `index.tensors[${this.byName.get(name)}].${differs}`;
      throw new FormatError(at, `disagrees with the header of the blob at offset ${e.offset}`);
    }
    return { blob, header, payload };
  }
}
