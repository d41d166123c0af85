/**
 * A blob's marker: where a cut-out buffer (or a view on it) sat in a message.
 * transfer.ts places markers, protocol.ts packs them as a msgpack extension,
 * and blobOf turns one back into the blob or view, checking that it fits.
 */
import { ArgumentError } from '../errors/index.js';

/** Where a cut-out blob was: blob `i`, itself (`t` undefined) or a `t` view at byte `o` of `n` elements. */
export class BlobMark {
  constructor(
    readonly i: number,
    readonly t?: string,
    readonly o?: number,
    readonly n?: number,
  ) {}
}

type ViewCtor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ArrayBufferView;

export const VIEWS: Record<string, ViewCtor> = {
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array, DataView,
  Buffer: Uint8Array,
};

/** The blob (or view) a marker stands for; marker i is `blobs[base + i]`. Throws ArgumentError for a marker that fits no blob. */
export function blobOf(i: number, t: string | undefined, o: number | undefined, n: number | undefined, blobs: readonly unknown[], base: number): unknown {
  const b = Number.isInteger(i) && i >= 0 ? blobs[base + i] : undefined;
  if (!(b instanceof ArrayBuffer) && !(b instanceof SharedArrayBuffer)) throw new ArgumentError(`blob marker ${i} has no blob (got ${Math.max(0, blobs.length - base)})`);
  if (t === undefined) return b;
  const ctor = Object.prototype.hasOwnProperty.call(VIEWS, t) ? VIEWS[t] : undefined;
  if (!ctor) throw new ArgumentError(`unknown blob view kind ${String(t)}`);
  if (o === undefined || n === undefined) throw new ArgumentError(`blob marker ${i}: a ${t} view needs its byte offset and length`);
  const width = ctor === DataView ? 1 : (ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  if (!Number.isInteger(o) || !Number.isInteger(n) || o < 0 || n < 0 || o + n * width > b.byteLength || o % width !== 0) {
    throw new ArgumentError(`blob marker ${i}: a ${t} of ${n} elements at byte ${o} does not fit its ${b.byteLength}-byte blob`);
  }
  return t === 'Buffer' ? Buffer.from(b, o, n) : new ctor(b, o, n);
}

