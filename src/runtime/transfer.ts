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
 * A marker is `{ $thblob: i }` for a whole buffer and `{ $thblob: i, t, o, n }`
 * for a view (kind, byte offset, length in elements).
 */
import { ArgumentError } from '../errors/index.js';

export type Blob = ArrayBuffer | SharedArrayBuffer;

const MARK = '$thblob';

interface BlobMarker {
  readonly [MARK]: number;
  /** View kind (absent = the buffer itself). */
  readonly t?: string;
  readonly o?: number;
  readonly n?: number;
}

type ViewCtor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ArrayBufferView;

const VIEWS: Record<string, ViewCtor> = {
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array, DataView,
  Buffer: Uint8Array,
};

export interface Extracted {
  readonly body: unknown;
  readonly blobs: Blob[];
  /** Exactly the ArrayBuffers to pass to postMessage's transfer list. */
  readonly moved: ArrayBuffer[];
}

/** Above this many entries, lookups go through a Map/Set instead of a scan. */
const SCAN_MAX = 8;
const NOTHING: never[] = [];

/** The state of one extraction. */
class Cutter {
  readonly blobs: Blob[] = [];
  readonly moved: ArrayBuffer[] = [];
  private index: Map<Blob, number> | undefined;
  private readonly listedSet: Set<ArrayBuffer> | undefined;

  constructor(readonly listed: readonly ArrayBuffer[]) {
    if (listed.length > SCAN_MAX) this.listedSet = new Set(listed);
  }

  cuts(b: Blob): boolean {
    if (isShared(b)) return true;
    return this.listedSet ? this.listedSet.has(b) : this.listed.indexOf(b) >= 0;
  }

  indexOf(b: Blob): number {
    let i = this.index ? this.index.get(b) : this.blobs.indexOf(b);
    if (i === undefined || i < 0) {
      i = this.blobs.length;
      this.blobs.push(b);
      if (b instanceof ArrayBuffer) this.moved.push(b);
      if (this.index) this.index.set(b, i);
      else if (this.blobs.length > SCAN_MAX) this.index = new Map(this.blobs.map((x, j) => [x, j]));
    }
    return i;
  }

  has(b: Blob): boolean {
    return this.index ? this.index.has(b) : this.blobs.indexOf(b) >= 0;
  }

  walk(v: unknown, depth: number): unknown {
    if (v === null || typeof v !== 'object') return v;
    if (depth > 64) throw new ArgumentError('message nests deeper than 64 levels');
    if (v instanceof ArrayBuffer || isShared(v)) {
      const b = v as Blob;
      return this.cuts(b) ? { [MARK]: this.indexOf(b) } : v;
    }
    if (ArrayBuffer.isView(v)) {
      const b = v.buffer as Blob;
      if (!this.cuts(b)) return v;
      const kind = Buffer.isBuffer(v) ? 'Buffer' : v.constructor.name;
      if (!(kind in VIEWS)) throw new ArgumentError(`cannot carry a ${kind} view by transfer`);
      const n = v instanceof DataView ? v.byteLength : (v as unknown as { length: number }).length;
      return { [MARK]: this.indexOf(b), t: kind, o: v.byteOffset, n };
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

/** Cut blobs out of `value` (not mutated). `transfer` lists the ArrayBuffers to move. */
export function extractBlobs(value: unknown, transfer?: readonly ArrayBuffer[]): Extracted {
  const listed = transfer ?? NOTHING;
  // The common case, a message with nothing to move or share: one walk that allocates nothing.
  if (listed.length === 0 && !mayShare(value, 0)) return { body: value, blobs: NOTHING, moved: NOTHING };
  for (let i = 0; i < listed.length; i++) {
    const b = listed[i];
    if (!(b instanceof ArrayBuffer)) {
      throw new ArgumentError(`transfer[${i}] must be an ArrayBuffer (SharedArrayBuffers are shared, not moved), got ${kindOf(b)}`);
    }
  }
  if (listed.length > 1 && new Set(listed).size !== listed.length) {
    const i = listed.findIndex((b, j) => listed.indexOf(b) !== j);
    throw new ArgumentError(`transfer[${i}] lists the same ArrayBuffer twice`);
  }
  const c = new Cutter(listed);
  const body = c.walk(value, 0);
  if (c.moved.length !== listed.length) {
    const i = listed.findIndex((b) => !c.has(b));
    throw new ArgumentError(`transfer[${i}] is not referenced by the message; refusing to detach it`);
  }
  return { body, blobs: c.blobs, moved: c.moved };
}

/** Put views on `blobs` back where the markers are; marker i is `blobs[base + i]`. */
export function restoreBlobs(value: unknown, blobs: readonly Blob[], base = 0): unknown {
  if (blobs.length <= base) return value;
  return restore(value, blobs, base);
}

function restore(v: unknown, blobs: readonly Blob[], base: number): unknown {
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = restore(v[i], blobs, base);
    return v;
  }
  const rec = v as Record<string, unknown>;
  const mark = rec[MARK];
  if (typeof mark === 'number') {
    const m = rec as unknown as BlobMarker;
    const b = mark >= 0 && Number.isInteger(mark) ? blobs[base + mark] : undefined;
    if (b === undefined) throw new ArgumentError(`blob marker ${mark} has no blob (got ${blobs.length - base})`);
    if (m.t === undefined) return b;
    const ctor = VIEWS[m.t];
    if (!ctor) throw new ArgumentError(`unknown blob view kind ${m.t}`);
    return m.t === 'Buffer' ? Buffer.from(b, m.o, m.n) : new ctor(b, m.o ?? 0, m.n ?? 0);
  }
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
