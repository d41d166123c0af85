/**
 * How binary blobs travel beside a msgpackr envelope.
 *
 * The rule is explicit: the sender names the ArrayBuffers to MOVE in a
 * transfer list (`ref.send(msg, [buf])`). Every ArrayBuffer, typed array or
 * DataView in the message whose buffer is on that list, and every
 * SharedArrayBuffer (or view on one), is cut out of the message and replaced
 * by a small marker; the buffers ride beside the envelope (moved, or shared for
 * SABs) and the receiver puts views back where the markers were. Anything not
 * on the list is encoded by msgpackr (a copy) — copying is never implicit for
 * a listed buffer, and a listed buffer that the message does not reference is
 * an error rather than a silent detach.
 *
 * Walked: plain objects and arrays. Maps, Sets and class instances are encoded
 * by msgpackr as they are (their buffers are copied).
 *
 * A marker is a BlobMark: blob i of the message, or a view on it (kind,
 * byte offset, length in elements). It is a class of its own, so nothing a
 * sender writes can be mistaken for one; protocol.ts packs it as a msgpack
 * extension and turns it back into the blob while unpacking (no second walk).
 */
import { ArgumentError } from '../errors/index.js';
import { BlobMark, blobOf, VIEWS } from './blob-mark.js';

export { BlobMark, blobOf } from './blob-mark.js';
export type Blob = ArrayBuffer | SharedArrayBuffer;

export interface Extracted {
  readonly body: unknown;
  readonly blobs: Blob[];
  /** Exactly the ArrayBuffers to pass to postMessage's transfer list. */
  readonly moved: readonly ArrayBuffer[];
}

/** Above this many entries, lookups go through a Map/Set instead of a scan. */
const SCAN_MAX = 8;
const NOTHING: never[] = [];

/**
 * The state of one extraction: the blobs cut out so far, in marker order
 * (the first kept apart, so the usual one-blob message allocates no list).
 * One instance is reused from call to call (a nested extraction, e.g. from a
 * getter that sends, takes a fresh one).
 */
class Cutter {
  count = 0;
  /** ArrayBuffers cut out (each once); must reach listed.length. */
  movedCount = 0;
  private first: Blob | undefined;
  /** Blobs 1.. (when more than one). */
  private rest: Blob[] | undefined;
  private index: Map<Blob, number> | undefined;
  private listed: readonly ArrayBuffer[] = NOTHING;
  private listedSet: Set<ArrayBuffer> | undefined;

  start(listed: readonly ArrayBuffer[], listedSet: Set<ArrayBuffer> | undefined): void {
    this.listed = listed;
    this.listedSet = listedSet;
  }

  /** Forget everything (drops every reference it held). */
  clear(): void {
    this.count = 0;
    this.movedCount = 0;
    this.first = undefined;
    this.rest = undefined;
    this.index = undefined;
    this.listed = NOTHING;
    this.listedSet = undefined;
  }

  /**
   * The blobs after `base` undefined slots, as a packed array (it becomes the
   * wire message as it is). Built by copying a reused scratch array, not from
   * an array literal: a literal is an allocation site, and V8 pretenures a site
   * whose arrays it finds alive at a GC (these are, while postMessage runs),
   * after which every message allocates in the old generation and, with the
   * external memory the blobs bring, starts a full GC (docs/runtime.md).
   */
  blobsAfter(base: number): unknown[] {
    const s = scratch;
    for (let i = 0; i < base; i++) s.push(undefined);
    s.push(this.first);
    const rest = this.rest;
    if (rest) for (let i = 0; i < rest.length; i++) s.push(rest[i]);
    const out = s.slice();
    s.length = 0;
    return out;
  }

  cuts(b: Blob): boolean {
    if (isShared(b)) return true;
    return this.listedSet ? this.listedSet.has(b as ArrayBuffer) : this.listed.indexOf(b as ArrayBuffer) >= 0;
  }

  indexOf(b: Blob): number {
    let i = this.find(b);
    if (i < 0) {
      i = this.count++;
      if (i === 0) this.first = b;
      else {
        const rest = (this.rest ??= []);
        rest.push(b);
        if (this.index) this.index.set(b, i);
        else if (rest.length >= SCAN_MAX) {
          this.index = new Map([[this.first!, 0]]);
          for (let j = 0; j < rest.length; j++) this.index.set(rest[j], j + 1);
        }
      }
      if (!isShared(b)) this.movedCount++;
    }
    return i;
  }

  has(b: Blob): boolean {
    return this.find(b) >= 0;
  }

  private find(b: Blob): number {
    if (this.count === 0) return -1;
    if (this.first === b) return 0;
    if (this.index) return this.index.get(b) ?? -1;
    const j = this.rest ? this.rest.indexOf(b) : -1;
    return j < 0 ? -1 : j + 1;
  }

  /** `v` with the cut buffers replaced by markers: the objects and arrays on the way to one are copied (the caller's message is never changed), the rest is shared. */
  walk(v: unknown, depth: number): unknown {
    if (v === null || typeof v !== 'object') return v;
    if (depth > 64) throw new ArgumentError('message nests deeper than 64 levels');
    if (v instanceof ArrayBuffer || isShared(v)) {
      const b = v as Blob;
      return this.cuts(b) ? new BlobMark(this.indexOf(b)) : v;
    }
    if (ArrayBuffer.isView(v)) {
      const b = v.buffer as Blob;
      if (!this.cuts(b)) return v;
      const kind = Buffer.isBuffer(v) ? 'Buffer' : v.constructor.name;
      if (!(kind in VIEWS)) throw new ArgumentError(`cannot carry a ${kind} view by transfer`);
      const n = v instanceof DataView ? v.byteLength : (v as unknown as { length: number }).length;
      return new BlobMark(this.indexOf(b), kind, v.byteOffset, n);
    }
    if (Array.isArray(v)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < v.length; i++) {
        const w = this.walk(v[i], depth + 1);
        if (w !== v[i] && !out) out = v.slice(0, i);
        if (out) out.push(w);
      }
      return out ?? v;
    }
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return v;
    let out: Record<string, unknown> | undefined;
    const rec = v as Record<string, unknown>;
    for (const key in rec) {
      if (!Object.prototype.hasOwnProperty.call(rec, key)) continue;
      const w = this.walk(rec[key], depth + 1);
      if (w !== rec[key] && !out) out = { ...rec };
      if (out) out[key] = w;
    }
    return out ?? v;
  }
}

/**
 * What the last `cutBlobs` cut out: `blobs` the blobs after `base` free slots
 * (undefined when nothing was cut), `moved` the transfer list (the caller's
 * own list: every listed buffer is cut out exactly once, so it IS the list).
 * Read right after the call.
 */
/** blobsAfter's scratch (empty between calls). */
const scratch: unknown[] = [];

export const cutOut: { blobs: unknown[] | undefined; moved: readonly ArrayBuffer[] } = { blobs: undefined, moved: NOTHING };

/**
 * Cut blobs out of `value` (not mutated) and return the body with markers;
 * the blobs land in `cutOut`. `transfer` lists the ArrayBuffers to move.
 * Throws ArgumentError for a bad transfer list.
 */
export function cutBlobs(value: unknown, transfer: readonly ArrayBuffer[] | undefined, base: number): unknown {
  cutOut.blobs = undefined;
  cutOut.moved = NOTHING;
  const listed = transfer ?? NOTHING;
  const n = listed.length;
  // The common case, a message with nothing to move or share: one walk that allocates nothing.
  if (n === 0 && !mayShare(value, 0)) return value;
  for (let i = 0; i < n; i++) {
    const b = listed[i];
    if (!(b instanceof ArrayBuffer)) {
      throw new ArgumentError(`transfer[${i}] must be an ArrayBuffer (SharedArrayBuffers are shared, not moved), got ${kindOf(b)}`);
    }
  }
  let listedSet: Set<ArrayBuffer> | undefined;
  if (n > SCAN_MAX) {
    listedSet = new Set(listed);
    if (listedSet.size !== n) throw new ArgumentError(`transfer[${firstDuplicate(listed)}] lists the same ArrayBuffer twice`);
  } else {
    for (let i = 1; i < n; i++) if (listed.lastIndexOf(listed[i - 1]) !== i - 1) throw new ArgumentError(`transfer[${firstDuplicate(listed)}] lists the same ArrayBuffer twice`);
  }
  const c = idle ?? new Cutter();
  idle = undefined;
  try {
    c.start(listed, listedSet);
    const body = c.walk(value, 0);
    if (c.movedCount !== n) {
      const i = listed.findIndex((b) => !c.has(b));
      throw new ArgumentError(`transfer[${i}] is not referenced by the message; refusing to detach it`);
    }
    if (c.count > 0) {
      cutOut.blobs = c.blobsAfter(base);
      cutOut.moved = listed;
    }
    return body;
  } finally {
    c.clear();
    idle = c;
  }
}

/** The Cutter no extraction is using. */
let idle: Cutter | undefined;

function firstDuplicate(listed: readonly ArrayBuffer[]): number {
  return listed.findIndex((b, j) => listed.indexOf(b) !== j);
}

/** Cut blobs out of `value` (not mutated). `transfer` lists the ArrayBuffers to move. */
export function extractBlobs(value: unknown, transfer?: readonly ArrayBuffer[]): Extracted {
  const body = cutBlobs(value, transfer, 0);
  const blobs = cutOut.blobs;
  return blobs === undefined ? { body, blobs: [], moved: NOTHING } : { body, blobs: blobs as Blob[], moved: cutOut.moved };
}

/** Put views on `blobs` back where the markers are; marker i is `blobs[base + i]`. */
export function restoreBlobs(value: unknown, blobs: readonly Blob[], base = 0): unknown {
  if (blobs.length <= base) return value;
  return restore(value, blobs, base);
}

function restore(v: unknown, blobs: readonly Blob[], base: number): unknown {
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return v;
  if (v instanceof BlobMark) return blobOf(v.i, v.t, v.o, v.n, blobs, base);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = restore(v[i], blobs, base);
    return v;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return v;
  const rec = v as Record<string, unknown>;
  for (const key in rec) if (Object.prototype.hasOwnProperty.call(rec, key)) rec[key] = restore(rec[key], blobs, base);
  return v;
}

/**
 * Whether `v` holds a SharedArrayBuffer (or a view on one) where extractBlobs
 * would cut it out — or nests too deep, which extractBlobs reports. Walks
 * what extractBlobs walks, without allocating.
 */
function mayShare(v: unknown, depth: number): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (depth > 64) return true;
  if (v instanceof ArrayBuffer) return false;
  if (ArrayBuffer.isView(v)) return isShared(v.buffer);
  if (isShared(v)) return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (mayShare(v[i], depth + 1)) return true;
    return false;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  const rec = v as Record<string, unknown>;
  for (const key in rec) if (Object.prototype.hasOwnProperty.call(rec, key) && mayShare(rec[key], depth + 1)) return true;
  return false;
}

function isShared(v: unknown): v is SharedArrayBuffer {
  return typeof SharedArrayBuffer !== 'undefined' && v instanceof SharedArrayBuffer;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}
