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
 */
import { ArgumentError } from '../errors/index.js';

export type Blob = ArrayBuffer | SharedArrayBuffer;

const MARK = '$thblob';

interface BlobMarker {
  readonly [MARK]: number;
  /** View kind ('' = the buffer itself). */
  readonly t: string;
  readonly o: number;
  readonly n: number;
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

/** Cut blobs out of `value` (not mutated). `transfer` lists the ArrayBuffers to move. */
export function extractBlobs(value: unknown, transfer?: readonly ArrayBuffer[]): Extracted {
  const moved: ArrayBuffer[] = [];
  let listed: Set<ArrayBuffer> | undefined;
  if (transfer && transfer.length > 0) {
    listed = new Set();
    for (let i = 0; i < transfer.length; i++) {
      const b = transfer[i];
      if (!(b instanceof ArrayBuffer)) {
        throw new ArgumentError(`transfer[${i}] must be an ArrayBuffer (SharedArrayBuffers are shared, not moved), got ${kindOf(b)}`);
      }
      if (listed.has(b)) throw new ArgumentError(`transfer[${i}] lists the same ArrayBuffer twice`);
      listed.add(b);
    }
  }
  const blobs: Blob[] = [];
  const index = new Map<Blob, number>();
  const blobIndex = (b: Blob): number => {
    let i = index.get(b);
    if (i === undefined) {
      i = blobs.length;
      blobs.push(b);
      index.set(b, i);
      if (b instanceof ArrayBuffer) moved.push(b);
    }
    return i;
  };
  const cut = (b: Blob): boolean => (listed !== undefined && listed.has(b as ArrayBuffer)) || isShared(b);

  const walk = (v: unknown, depth: number): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (depth > 64) throw new ArgumentError('message nests deeper than 64 levels');
    if (v instanceof ArrayBuffer || isShared(v)) {
      const b = v as Blob;
      return cut(b) ? marker(blobIndex(b), '', 0, b.byteLength) : v;
    }
    if (ArrayBuffer.isView(v)) {
      const b = v.buffer as Blob;
      if (!cut(b)) return v;
      const kind = Buffer.isBuffer(v) ? 'Buffer' : v.constructor.name;
      if (!(kind in VIEWS)) throw new ArgumentError(`cannot carry a ${kind} view by transfer`);
      const n = v instanceof DataView ? v.byteLength : (v as unknown as { length: number }).length;
      return marker(blobIndex(b), kind, v.byteOffset, n);
    }
    if (Array.isArray(v)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < v.length; i++) {
        const w = walk(v[i], depth + 1);
        if (w !== v[i] && !out) out = v.slice(0, i);
        if (out) out.push(w);
      }
      return out ?? v;
    }
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return v;
    let out: Record<string, unknown> | undefined;
    const rec = v as Record<string, unknown>;
    for (const key of Object.keys(rec)) {
      const w = walk(rec[key], depth + 1);
      if (w !== rec[key] && !out) out = { ...rec };
      if (out) out[key] = w;
    }
    return out ?? v;
  };
  const body = walk(value, 0);
  if (listed) {
    let i = 0;
    for (const b of listed) {
      if (!index.has(b)) throw new ArgumentError(`transfer[${i}] is not referenced by the message; refusing to detach it`);
      i++;
    }
  }
  return { body, blobs, moved };
}

/** Put views on `blobs` back where the markers are. */
export function restoreBlobs(value: unknown, blobs: readonly Blob[]): unknown {
  if (blobs.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return v;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = walk(v[i]);
      return v;
    }
    const rec = v as Record<string, unknown>;
    if (typeof rec[MARK] === 'number') {
      const m = rec as unknown as BlobMarker;
      const b = blobs[m[MARK]];
      if (b === undefined) throw new ArgumentError(`blob marker ${m[MARK]} has no blob (got ${blobs.length})`);
      if (m.t === '') return b;
      const ctor = VIEWS[m.t];
      if (!ctor) throw new ArgumentError(`unknown blob view kind ${m.t}`);
      return m.t === 'Buffer' ? Buffer.from(b, m.o, m.n) : new ctor(b, m.o, m.n);
    }
    for (const key of Object.keys(rec)) rec[key] = walk(rec[key]);
    return v;
  };
  return walk(value);
}

function marker(i: number, t: string, o: number, n: number): BlobMarker {
  return { [MARK]: i, t, o, n };
}

function isShared(v: unknown): v is SharedArrayBuffer {
  return typeof SharedArrayBuffer !== 'undefined' && v instanceof SharedArrayBuffer;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}
