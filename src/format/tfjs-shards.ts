/**
 * One TF.js weight group's byte space: its shard files concatenated, read by
 * positional reads. Shard names come from the manifest, so they are checked
 * before anything is opened: relative, no URL, and resolving inside the
 * model's folder (a name is checked as written; symlinks inside the folder
 * are followed, as a web server would serve them). Sizes are taken once at
 * open; a shard is opened when first read (and checked to still have that
 * size) and kept open while in use, with at most MAX_IDLE_HANDLES idle ones
 * kept for the next reads, so streaming a model of a thousand shards never
 * holds a thousand descriptors and a run of small tensors costs one open per
 * shard, not one per tensor.
 */
import { constants as bufferConstants } from 'node:buffer';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep, win32 } from 'node:path';
import { FormatError, IOError } from '../errors/index.js';

/** One read(2) moves at most ~2 GiB on Linux; larger ranges are read in pieces. */
const MAX_READ_CHUNK = 1 << 30;
/** Idle shard descriptors kept open per group. */
const MAX_IDLE_HANDLES = 4;

interface Handle {
  fh: Promise<FileHandle>;
  users: number;
}

export interface Shard {
  /** As written in the manifest. */
  name: string;
  /** Absolute path. */
  path: string;
  size: number;
  /** Offset of its first byte in the group's byte space. */
  start: number;
}

/** The absolute path of a shard named in the manifest, or a FormatError naming `field`. */
export function resolveShardPath(dir: string, name: string, field: string): string {
  if (name.includes('\0')) throw new FormatError(field, `${JSON.stringify(name)} contains a NUL byte`);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(name)) throw new FormatError(field, `${JSON.stringify(name)} is a URL; only files beside model.json are read`);
  if (isAbsolute(name) || win32.isAbsolute(name)) throw new FormatError(field, `${JSON.stringify(name)} is an absolute path; shard paths are relative to model.json`);
  const root = resolve(dir);
  const path = resolve(root, name);
  const rel = relative(root, path);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new FormatError(field, `${JSON.stringify(name)} escapes the model's directory`);
  }
  return path;
}

export class ShardSpace {
  readonly shards: readonly Shard[];
  /** Bytes in all shards together. */
  readonly size: number;
  private readonly field: string;
  /** Open shard descriptors by path, in least recently used order. */
  private readonly handles = new Map<string, Handle>();
  private closed = false;

  private constructor(shards: Shard[], size: number, field: string) {
    this.shards = shards;
    this.size = size;
    this.field = field;
  }

  /** Resolve and stat every shard of a group; `field` is `weightsManifest[g]`. */
  static async open(dir: string, names: readonly string[], field: string): Promise<ShardSpace> {
    const shards: Shard[] = [];
    let size = 0;
    for (const [i, name] of names.entries()) {
      const f = `${field}.paths[${i}]`;
      const path = resolveShardPath(dir, name, f);
      let st;
      try {
        st = await stat(path);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') throw new FormatError(f, `shard ${JSON.stringify(name)} is missing (${path})`, { cause: err });
        throw new IOError(path, `cannot stat shard: ${(err as Error).message}`, { cause: err });
      }
      if (!st.isFile()) throw new FormatError(f, `shard ${JSON.stringify(name)} is not a regular file (${path})`);
      shards.push({ name, path, size: st.size, start: size });
      size += st.size;
      if (!Number.isSafeInteger(size)) throw new FormatError(f, 'the shards together are larger than a safe integer');
    }
    return new ShardSpace(shards, size, field);
  }

  /** The shard holding byte `offset` (the last one for offset = size). */
  shardAt(offset: number): Shard | undefined {
    let lo = 0;
    let hi = this.shards.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.shards[mid].start <= offset) lo = mid;
      else hi = mid - 1;
    }
    return this.shards[lo];
  }

  /**
   * Exactly `length` bytes at `offset` of the concatenated shards (a range may
   * span shards). `what` names the weight being read, for errors.
   */
  async read(offset: number, length: number, what: string): Promise<Uint8Array> {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > this.size) {
      throw new FormatError(what, `byte range [${offset}, ${offset + length}) is outside the ${this.size} bytes of ${this.field}'s shards`);
    }
    if (length > bufferConstants.MAX_LENGTH) throw new FormatError(what, `${length} bytes is more than one buffer can hold`);
    const out = new Uint8Array(length);
    let at = offset;
    while (at < offset + length) {
      const s = this.shardAt(at)!;
      const n = Math.min(s.start + s.size, offset + length) - at;
      const h = this.acquire(s);
      try {
        await readShard(s, await h.fh, at - s.start, out, at - offset, n, what);
      } finally {
        this.release(h);
      }
      at += n;
    }
    return out;
  }

  /** Close idle descriptors now and the others when their reads finish. */
  async close(): Promise<void> {
    this.closed = true;
    const idle = [...this.handles].filter(([, h]) => h.users === 0);
    for (const [path] of idle) this.handles.delete(path);
    await Promise.all(idle.map(([, h]) => closeHandle(h)));
  }

  private acquire(s: Shard): Handle {
    if (this.closed) throw new IOError(s.path, 'reader is closed');
    let h = this.handles.get(s.path);
    if (h) this.handles.delete(s.path); // re-inserted below: most recently used last
    else {
      const fresh: Handle = { fh: openShard(s), users: 0 };
      // A failed open is not kept: the next read tries again (its readers get the error from `fh`).
      fresh.fh.catch(() => {
        if (this.handles.get(s.path) === fresh) this.handles.delete(s.path);
      });
      h = fresh;
    }
    this.handles.set(s.path, h);
    h.users++;
    return h;
  }

  /** Drop idle descriptors beyond MAX_IDLE_HANDLES, least recently used first (all of them once closed). */
  private release(h: Handle): void {
    h.users--;
    let idle = 0;
    for (const x of this.handles.values()) if (x.users === 0) idle++;
    for (const [path, x] of this.handles) {
      if (!this.closed && idle <= MAX_IDLE_HANDLES) break;
      if (x.users !== 0) continue;
      this.handles.delete(path);
      void closeHandle(x);
      idle--;
    }
  }
}

async function closeHandle(h: Handle): Promise<void> {
  await h.fh.then((fh) => fh.close()).catch(() => undefined);
}

/** Open a shard and check it still has the size it had when the model was opened. */
async function openShard(s: Shard): Promise<FileHandle> {
  let fh: FileHandle;
  try {
    fh = await open(s.path, 'r');
  } catch (err) {
    throw new IOError(s.path, `cannot open shard: ${(err as Error).message}`, { cause: err });
  }
  try {
    const size = (await fh.stat()).size;
    if (size !== s.size) throw new IOError(s.path, `shard changed size since the model was opened (${s.size} → ${size} bytes)`);
    return fh;
  } catch (err) {
    await fh.close().catch(() => undefined);
    if (err instanceof IOError) throw err;
    throw new IOError(s.path, `cannot stat shard: ${(err as Error).message}`, { cause: err });
  }
}

async function readShard(s: Shard, fh: FileHandle, from: number, out: Uint8Array, to: number, length: number, what: string): Promise<void> {
  try {
    let done = 0;
    while (done < length) {
      const { bytesRead } = await fh.read(out, to + done, Math.min(MAX_READ_CHUNK, length - done), from + done);
      if (bytesRead === 0) throw new FormatError(what, `shard ${JSON.stringify(s.name)} ended at ${from + done} while reading ${length} bytes at ${from}`);
      done += bytesRead;
    }
  } catch (err) {
    if (err instanceof FormatError || err instanceof IOError) throw err;
    throw new IOError(s.path, `read failed: ${(err as Error).message}`, { cause: err });
  }
}
