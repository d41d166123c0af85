/**
 * Positional reads from a file: the model readers never read a whole file,
 * only a header and then one tensor's byte range at a time, so files larger
 * than memory can be opened.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { constants as bufferConstants } from 'node:buffer';
import { FormatError, IOError } from '../errors/index.js';

/** One read(2) moves at most ~2 GiB on Linux; larger ranges are read in pieces. */
const MAX_READ_CHUNK = 1 << 30;

export class FileReader {
  readonly path: string;
  /** File size in bytes when opened. */
  readonly size: number;
  private handle: FileHandle | undefined;

  private constructor(path: string, handle: FileHandle, size: number) {
    this.path = path;
    this.handle = handle;
    this.size = size;
  }

  static async open(path: string): Promise<FileReader> {
    let fh: FileHandle;
    try {
      fh = await open(path, 'r');
    } catch (err) {
      throw new IOError(path, `cannot open: ${(err as Error).message}`, { cause: err });
    }
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw new IOError(path, 'not a regular file');
      return new FileReader(path, fh, st.size);
    } catch (err) {
      await fh.close().catch(() => undefined);
      if (err instanceof IOError) throw err;
      throw new IOError(path, `cannot stat: ${(err as Error).message}`, { cause: err });
    }
  }

  get closed(): boolean {
    return this.handle === undefined;
  }

  /**
   * Exactly `length` bytes at `offset`. A range past the end of the file is a
   * FormatError naming `field` (the caller checked the range against the
   * format; the file is shorter than it claims).
   */
  async read(offset: number, length: number, field = 'range'): Promise<Uint8Array> {
    const fh = this.live();
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
      throw new FormatError(field, `invalid byte range offset ${offset}, length ${length}`);
    }
    if (offset + length > this.size) {
      throw new FormatError(field, `byte range [${offset}, ${offset + length}) is past the end of the ${this.size}-byte file`);
    }
    if (length > bufferConstants.MAX_LENGTH) {
      throw new FormatError(field, `${length} bytes is more than one buffer can hold (${bufferConstants.MAX_LENGTH})`);
    }
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const want = Math.min(MAX_READ_CHUNK, length - done);
      let bytesRead: number;
      try {
        ({ bytesRead } = await fh.read(out, done, want, offset + done));
      } catch (err) {
        throw new IOError(this.path, `read failed at ${offset + done}: ${(err as Error).message}`, { cause: err });
      }
      if (bytesRead === 0) {
        throw new FormatError(field, `file ended at ${offset + done} while reading [${offset}, ${offset + length})`);
      }
      done += bytesRead;
    }
    return out;
  }

  async close(): Promise<void> {
    const fh = this.handle;
    this.handle = undefined;
    await fh?.close().catch(() => undefined);
  }

  private live(): FileHandle {
    if (!this.handle) throw new IOError(this.path, 'reader is closed');
    return this.handle;
  }
}
