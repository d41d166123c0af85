/**
 * Random access to the bytes of a .thive file. The reader only ever asks for
 * exact ranges (footer, index, one blob), so anything that can serve ranges —
 * a file, a buffer, later a remote object — can stand behind it.
 */
import { constants as bufferConstants } from 'node:buffer';
import { type FileHandle, open } from 'node:fs/promises';
import { ArgumentError, CapacityError, FormatError, IOError } from '../errors/index.js';

/** One read(2) moves at most ~2 GiB on Linux; larger ranges are read in pieces. */
const MAX_READ_CHUNK = 1 << 30;

export interface ThiveSource {
  /** Total size in bytes. */
  readonly size: number;
  /** Exactly `length` bytes starting at `offset`, in a fresh buffer. */
  read(offset: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

function checkRange(size: number, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > size) {
    throw new ArgumentError(`range [${offset}, ${offset + length}) is outside the ${size} bytes of the source`);
  }
}

/** A source over a file opened read-only; positional reads, so concurrent reads are safe. */
export class FileSource implements ThiveSource {
  private constructor(
    readonly path: string,
    private handle: FileHandle | undefined,
    readonly size: number,
  ) {}

  static async open(path: string): Promise<FileSource> {
    let fh: FileHandle | undefined;
    try {
      fh = await open(path, 'r');
      const st = await fh.stat();
      if (!st.isFile()) throw new Error('not a regular file');
      return new FileSource(path, fh, st.size);
    } catch (err) {
      await fh?.close().catch(() => undefined);
      throw new IOError(path, `cannot open: ${(err as Error).message}`, { cause: err });
    }
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (!this.handle) throw new IOError(this.path, 'file is closed');
    checkRange(this.size, offset, length);
    if (length > bufferConstants.MAX_LENGTH) {
      throw new CapacityError(`${this.path}: a read of ${length} bytes exceeds the largest buffer (${bufferConstants.MAX_LENGTH} bytes)`);
    }
    const out = new Uint8Array(length);
    let got = 0;
    while (got < length) {
      let n: number;
      try {
        const want = Math.min(length - got, MAX_READ_CHUNK);
        ({ bytesRead: n } = await this.handle.read(out, got, want, offset + got));
      } catch (err) {
        throw new IOError(this.path, `read failed at ${offset + got}: ${(err as Error).message}`, { cause: err });
      }
      if (n === 0) throw new FormatError('file', `${this.path} ended at ${offset + got} bytes; it was ${this.size} when opened`);
      got += n;
    }
    return out;
  }

  async close(): Promise<void> {
    const fh = this.handle;
    this.handle = undefined;
    await fh?.close().catch(() => undefined);
  }
}

/** A source over bytes already in memory (tests, embedded files). Reads return copies. */
export class BytesSource implements ThiveSource {
  constructor(private readonly bytes: Uint8Array) {}

  get size(): number {
    return this.bytes.byteLength;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this.size, offset, length);
    return this.bytes.slice(offset, offset + length);
  }

  async close(): Promise<void> {}
}
