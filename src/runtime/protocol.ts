/**
 * The one protocol between threads. Every message is an Envelope (a typed
 * discriminated union), encoded with msgpackr (`moreTypes` so typed arrays
 * survive) and posted as `h` or `[h, ...blobs]`: `h` the encoded bytes as a
 * latin1 string, the blobs those cut out of the payload (see transfer.ts;
 * marker i is element i + 1). A bare string is the cheapest thing
 * postMessage clones, and an array beats an object (measured). The transfer list
 * given to postMessage is exactly the moved ArrayBuffers; SharedArrayBuffers
 * are shared. Both sides import only this module (and channel.ts, which posts
 * through it) for messaging.
 *
 * `h` is a msgpack array of envelopes (a batch; channel.ts coalesces the small
 * envelopes posted in one tick), each envelope a msgpack array
 * `[kind code, ...fields]` in the field order of KINDS: no key strings are
 * packed or parsed per message. Blobs, when present, belong to the only
 * envelope of their batch. Blobs are cut only out of an envelope's payload
 * field (`msg`, `value` or `arg`); the other fields are the runtime's own.
 *
 * Why a string and not a Uint8Array: every fresh ArrayBuffer on a message
 * (ours or the clone postMessage makes) is an external allocation, and V8
 * checks its external-memory budget there; right after a big blob arrived
 * that check runs a full GC (measured ~4 ms per 64 MiB round trip, 40x a bare
 * postMessage). A short string is a plain heap value: the blob path allocates
 * no ArrayBuffer at all (msgpackr packs into one reused buffer). Decoding
 * reuses one scratch buffer (msgpackr is told to copy binary values out of
 * it, so nothing decoded aliases the scratch).
 *
 * The per-message path is kept lean because a blob message costs bare
 * postMessage only ~1-3 µs: the envelope is packed from one reused positional
 * array per kind, straight into msgpackr's reused buffer with one byte left in
 * front for the batch header (no subarray, no string concatenation), and the
 * cut-out blobs land in an array that becomes the wire message as it is. The
 * caller's message is never changed (objects on the way to a blob are
 * copied, shallowly). Blob markers are a msgpack extension resolved while
 * unpacking (see BLOB_EXT).
 */
import { addExtension, Packr, RESERVE_START_SPACE, RESET_BUFFER_MODE, REUSE_BUFFER_MODE } from 'msgpackr';
import { FormatError } from '../errors/index.js';
import { BlobMark, blobOf, cutBlobs, cutOut, type Blob } from './transfer.js';
import { BY_KIND, MAKERS, SPECS, type Envelope } from './envelope.js';

export { fromWireReason, toWireReason, type Envelope, type FromWorker, type ToWorker, type WatchOp, type WireReason, type WireSignal } from './envelope.js';

/**
 * What goes through postMessage: the msgpack batch of envelopes, one char per
 * byte (latin1), alone or followed by the blobs of the batch's only envelope.
 */
export type Wire = string | readonly [string, ...Blob[]];

/** Node's Buffer has these (msgpackr uses them too); calling them directly skips toString/write's encoding dispatch. */
type Latin1Buffer = Buffer & { latin1Slice(start: number, end: number): string; latin1Write(s: string, offset: number, length: number): number };
/** What msgpackr returns in REUSE_BUFFER_MODE: its own buffer, the packed bytes at [start, end). */
type Packed = Latin1Buffer & { start: number; end: number };

const packr = new Packr({ moreTypes: true, structuredClone: false, useRecords: false, copyBuffers: true });
/**
 * RESET: msgpackr packs every envelope into the same buffer (by default it moves
 * on and allocates a fresh one every few KiB); REUSE: it hands back that buffer
 * with start/end instead of a new subarray view per message; RESERVE 1: one
 * free byte in front, where a lone envelope's batch header goes. The string
 * sliced out of it is our copy.
 */
const PACK_MODE = RESET_BUFFER_MODE | REUSE_BUFFER_MODE | RESERVE_START_SPACE | 1;

/** One envelope packed (without the batch header), and its blobs. */
export interface Part {
  /** The packed envelope, latin1. */
  readonly part: string;
  readonly blobs: readonly Blob[];
  /** Exactly the ArrayBuffers to pass to postMessage's transfer list. */
  readonly moved: readonly ArrayBuffer[];
}

const NO_MOVES: readonly ArrayBuffer[] = Object.freeze([]);

/**
 * What the last `packEnvelope` cut out: `wire` is `[h, ...blobs]` with h still
 * to be set (undefined when there were no blobs), `moved` the transfer list.
 * Read right after packing (everything here is synchronous); out-params
 * instead of a result object keep the per-message path allocation-free.
 */
export const cut: { wire: unknown[] | undefined; moved: readonly ArrayBuffer[] } = { wire: undefined, moved: NO_MOVES };

/** Per kind, one reused positional array to pack from (cleared after each pack so it holds no message). */
const scratchArrays: unknown[][] = SPECS.map((s) => new Array<unknown>(s.fields.length + 1));
/** A pack in progress (a toJSON hook posting re-enters): the nested one gets a fresh array. */
let packing = false;

/**
 * Pack one envelope; `transfer` lists the payload's ArrayBuffers to move. The
 * result is the envelope alone (to be batched), or with `header` — and always
 * when blobs were cut out (`cut.wire` set) — a whole batch of one. Throws
 * ArgumentError for a bad transfer list, FormatError for an unknown kind.
 */
export function packEnvelope(env: Envelope, transfer: readonly ArrayBuffer[] | undefined, header: boolean): string {
  const spec = BY_KIND.get(env.k);
  if (!spec) throw new FormatError('envelope.k', `unknown envelope kind ${String(env.k)}`);
  const fields = spec.fields;
  const nested = packing;
  const arr = nested ? new Array<unknown>(fields.length + 1) : scratchArrays[spec.code];
  arr[0] = spec.code;
  const rec = env as unknown as Record<string, unknown>;
  for (let i = 0; i < fields.length; i++) arr[i + 1] = rec[fields[i]];
  cut.wire = undefined;
  cut.moved = NO_MOVES;
  packing = true;
  try {
    if (spec.payload >= 0) {
      const body = cutBlobs(arr[spec.payload + 1], transfer, 1);
      if (cutOut.blobs !== undefined) {
        arr[spec.payload + 1] = body;
        cut.wire = cutOut.blobs;
        cut.moved = cutOut.moved;
      }
    } else if (transfer && transfer.length > 0) {
      cutBlobs(undefined, transfer, 1); // throws: nothing in this envelope can carry them
    }
    const wire = cut.wire;
    const moved = cut.moved;
    const p = packr.pack(arr, PACK_MODE) as Packed;
    cut.wire = wire; // a nested post (toJSON) may have overwritten them
    cut.moved = moved;
    if (header || wire !== undefined) {
      p[p.start] = 0x91; // a batch of one
      return p.latin1Slice(p.start, p.end);
    }
    return p.latin1Slice(p.start + 1, p.end);
  } finally {
    packing = nested;
    if (!nested) arr.fill(undefined);
  }
}

/** Pack one envelope (without the batch header); `transfer` lists the payload's ArrayBuffers to move. Throws ArgumentError for a bad transfer list. */
export function encodePart(env: Envelope, transfer?: readonly ArrayBuffer[]): Part {
  const s = packEnvelope(env, transfer, false);
  const wire = cut.wire;
  if (wire === undefined) return { part: s, blobs: [], moved: NO_MOVES };
  return { part: s.slice(1), blobs: wire.slice(1) as Blob[], moved: cut.moved };
}

/** The msgpack array header for a batch of `n` envelopes. */
export function batchHeader(n: number): string {
  if (n < 16) return String.fromCharCode(0x90 | n);
  if (n < 0x10000) return String.fromCharCode(0xdc, n >>> 8, n & 0xff);
  throw new FormatError('batch', `at most 65535 envelopes per batch, got ${n}`);
}

export interface Encoded {
  readonly wire: Wire;
  readonly transferList: readonly ArrayBuffer[];
}

/** Encode one envelope as a batch of one; `transfer` lists the payload's ArrayBuffers to move. */
export function encode(env: Envelope, transfer?: readonly ArrayBuffer[]): Encoded {
  const h = packEnvelope(env, transfer, true);
  const wire = cut.wire;
  if (wire === undefined) return { wire: h, transferList: NO_MOVES };
  wire[0] = h;
  return { wire: wire as unknown as Wire, transferList: cut.moved };
}

/**
 * Blob markers on the wire: msgpack ext 0x54 ('T') holding the blob index, or
 * [index, view kind, byte offset, length] for a view. Only BlobMark (our own
 * class) packs to it, so no other msgpackr user is affected; unpacking turns it
 * straight into the blob of the message being decoded (`slot`), which
 * spares a second walk over every received message. Outside decodeAll there
 * are no blobs, and the marker is refused.
 */
const BLOB_EXT = 0x54;
/**
 * The wire array of the message decodeAll is unpacking (blob i is element
 * i + 1). msgpackr's extension table is one per process, so a second copy of
 * this module (another tensorhive version, or source and build side by side)
 * replaces our `read`; the slot is keyed globally so that either copy's read
 * finds the blobs of whichever copy is decoding.
 */
const DECODING = Symbol.for('tensorhive.runtime.protocol.decoding');
const slot = globalThis as { [DECODING]?: readonly unknown[] };

addExtension({
  Class: BlobMark,
  type: BLOB_EXT,
  write: (m: BlobMark) => (m.t === undefined ? m.i : [m.i, m.t, m.o, m.n]),
  read: (v: unknown) => {
    const wire = slot[DECODING];
    if (wire === undefined) throw new FormatError('envelope.blobs', 'a blob marker in a message that carries no blobs');
    try {
      if (typeof v === 'number') return blobOf(v, undefined, undefined, undefined, wire, 1);
      if (Array.isArray(v) && v.length === 4 && typeof v[1] === 'string') return blobOf(v[0], v[1], v[2], v[3], wire, 1);
    } catch (err) {
      throw new FormatError('envelope.blobs', (err as Error).message);
    }
    throw new FormatError('envelope.blobs', 'a malformed blob marker');
  },
} as unknown as Parameters<typeof addExtension>[0]);

/** Envelopes up to this size decode from one reused buffer; larger ones get their own. */
const SCRATCH_MAX = 64 * 1024;
let scratch = Buffer.allocUnsafeSlow(1024);
/** Reused unpack range (msgpackr reads `end`; the scratch keeps its cached DataView). */
const range = { start: 0, end: 0 };

function unpackString(h: string): unknown {
  const n = h.length;
  if (n > SCRATCH_MAX) return packr.unpack(Buffer.from(h, 'latin1'));
  if (n > scratch.length) scratch = Buffer.allocUnsafeSlow(Math.min(SCRATCH_MAX, 2 ** Math.ceil(Math.log2(n))));
  (scratch as Latin1Buffer).latin1Write(h, 0, n);
  range.end = n;
  return packr.unpack(scratch, range);
}

/** Decode every envelope of what arrived through a MessagePort, in order. Throws FormatError for garbage. */
export function decodeAll<E extends Envelope>(data: unknown): E[] {
  let h: unknown = data;
  let blobs: readonly unknown[] | undefined;
  if (Array.isArray(data)) {
    h = data[0];
    if (data.length > 1) blobs = data;
  }
  if (typeof h !== 'string' || h.length === 0) throw new FormatError('envelope', 'expected a string or [string, ...blobs]');
  let batch: unknown;
  const outer = slot[DECODING];
  slot[DECODING] = blobs;
  try {
    batch = unpackString(h);
  } catch (err) {
    if (err instanceof FormatError) throw err;
    throw new FormatError('envelope', 'msgpack body does not decode', { cause: err });
  } finally {
    slot[DECODING] = outer;
  }
  if (!Array.isArray(batch) || batch.length === 0) throw new FormatError('envelope', 'expected a non-empty batch of envelopes');
  if (blobs !== undefined && batch.length !== 1) throw new FormatError('envelope.blobs', 'blobs must ride with a batch of exactly one envelope');
  const out = batch as E[];
  for (let i = 0; i < batch.length; i++) out[i] = toEnvelope<E>(batch[i], blobs !== undefined);
  return out;
}

/** Decode a batch of exactly one envelope (what `encode` makes). Throws FormatError for garbage. */
export function decode<E extends Envelope>(data: unknown): E {
  const all = decodeAll<E>(data);
  if (all.length !== 1) throw new FormatError('envelope', `expected one envelope, got a batch of ${all.length}`);
  return all[0];
}

/** `withBlobs`: blobs rode along (unpacking already put them where their markers were). */
function toEnvelope<E extends Envelope>(a: unknown, withBlobs: boolean): E {
  if (!Array.isArray(a) || typeof a[0] !== 'number') throw new FormatError('envelope.k', 'missing envelope kind');
  const spec = SPECS[a[0]];
  if (!spec) throw new FormatError('envelope.k', `unknown envelope kind code ${a[0]}`);
  const fields = spec.fields;
  if (a.length !== fields.length + 1) throw new FormatError('envelope', `${spec.k} has ${fields.length} fields, got ${a.length - 1}`);
  if (withBlobs && spec.payload < 0) throw new FormatError('envelope.blobs', `${spec.k} carries no payload for blobs`);
  return MAKERS[spec.code](a) as unknown as E;
}

/** Post one envelope on a port-like target with its explicit transfer list (no coalescing: see channel.ts). */
export function post(
  port: { postMessage(value: unknown, transferList?: readonly ArrayBuffer[]): void },
  env: Envelope,
  transfer?: readonly ArrayBuffer[],
): void {
  const { wire, transferList } = encode(env, transfer);
  port.postMessage(wire, transferList);
}
