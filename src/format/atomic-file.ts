/**
 * Atomic file writes: bytes go to a temporary file beside the target, are
 * fsynced, then renamed over the final name (and the directory fsynced). An
 * interrupted or aborted write never leaves a half-written file under the
 * final name.
 */
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { IOError } from '../errors/index.js';

export class AtomicFile {
  readonly path: string;
  readonly tempPath: string;
  private handle: FileHandle | undefined;
  private pos = 0;
  private done = false;

  private constructor(path: string, tempPath: string, handle: FileHandle) {
    this.path = path;
    this.tempPath = tempPath;
    this.handle = handle;
  }

  /** Open a temporary file next to `path` for writing. */
  static async create(path: string): Promise<AtomicFile> {
    const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      const fh = await open(temp, 'wx', 0o644);
      return new AtomicFile(path, temp, fh);
    } catch (err) {
      throw new IOError(path, `cannot create temporary file: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Bytes written so far (the offset of the next write). */
  get position(): number {
    return this.pos;
  }

  /** Append bytes. */
  async write(bytes: Uint8Array): Promise<void> {
    const fh = this.live();
    let off = 0;
    while (off < bytes.byteLength) {
      const { bytesWritten } = await fh.write(bytes, off, bytes.byteLength - off, this.pos);
      off += bytesWritten;
      this.pos += bytesWritten;
    }
  }

  /** Overwrite bytes at an earlier offset (for headers patched at the end). */
  async writeAt(bytes: Uint8Array, offset: number): Promise<void> {
    const fh = this.live();
    let off = 0;
    while (off < bytes.byteLength) {
      const { bytesWritten } = await fh.write(bytes, off, bytes.byteLength - off, offset + off);
      off += bytesWritten;
    }
  }

  /** fsync, rename over the final name, fsync the directory. */
  async commit(): Promise<void> {
    const fh = this.live();
    try {
      await fh.sync();
      await fh.close();
      this.handle = undefined;
      await rename(this.tempPath, this.path);
      this.done = true;
      await syncDir(dirname(this.path));
    } catch (err) {
      await this.abort();
      throw new IOError(this.path, `cannot commit: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Drop the temporary file; the final name is untouched. Safe to call twice. */
  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.handle?.close().catch(() => undefined);
    this.handle = undefined;
    await rm(this.tempPath, { force: true }).catch(() => undefined);
  }

  private live(): FileHandle {
    if (!this.handle || this.done) throw new IOError(this.path, 'atomic file already committed or aborted');
    return this.handle;
  }
}

/** fsync a directory so that created, renamed or removed names in it are durable. */
export async function syncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // Some filesystems refuse fsync on directories; nothing more can be done there.
  } finally {
    await fh?.close().catch(() => undefined);
  }
}
