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
 */
import { Packr, RESET_BUFFER_MODE } from 'msgpackr';
import { FormatError } from '../errors/index.js';
import { extractBlobs, restoreBlobs, type Blob } from './transfer.js';
import { fromWireError, toWireError, type WireError } from './wire-error.js';
import type { ExitReason } from './reason.js';

/** An exit reason as it crosses threads. */
export type WireReason = 'normal' | 'shutdown' | 'killed' | 'noproc' | { readonly error: WireError };

/** Signals delivered to an actor (not through `receive` but `signal`). */
export type WireSignal =
  | { readonly type: 'down'; readonly monitor: number; readonly actor: string; readonly reason: WireReason }
  | { readonly type: 'exit'; readonly from: string; readonly reason: WireReason };

export type WatchOp = 'monitor' | 'demonitor' | 'link' | 'unlink';

/** Main thread → worker. */
export type ToWorker =
  | { readonly k: 'init'; readonly id: string; readonly arg: unknown }
  | { readonly k: 'send'; readonly msg: unknown }
  | { readonly k: 'call'; readonly cid: number; readonly msg: unknown; readonly timeoutMs: number }
  | { readonly k: 'reply'; readonly cid: number; readonly value: unknown }
  | { readonly k: 'error'; readonly cid: number; readonly error: WireError }
  | { readonly k: 'ping'; readonly seq: number }
  | { readonly k: 'signal'; readonly signal: WireSignal }
  | { readonly k: 'stop'; readonly reason: WireReason };

/** Worker → main thread. */
export type FromWorker =
  | { readonly k: 'ready'; readonly trapExit: boolean }
  | { readonly k: 'init-failed'; readonly error: WireError }
  | { readonly k: 'reply'; readonly cid: number; readonly value: unknown }
  | { readonly k: 'error'; readonly cid: number; readonly error: WireError }
  | { readonly k: 'pong'; readonly seq: number }
  | { readonly k: 'crash'; readonly error: WireError; readonly cid?: number }
  | { readonly k: 'stopped' }
  | { readonly k: 'route-send'; readonly to: string; readonly msg: unknown }
  | { readonly k: 'route-call'; readonly cid: number; readonly to: string; readonly msg: unknown; readonly timeoutMs: number }
  | { readonly k: 'watch'; readonly op: WatchOp; readonly target: string; readonly ref: number }
  | { readonly k: 'exit-self'; readonly reason: WireReason }
  | { readonly k: 'log'; readonly level: 'debug' | 'info' | 'warn' | 'error'; readonly message: string };

export type Envelope = ToWorker | FromWorker;
type Kind = Envelope['k'];

/** Every envelope kind, its wire code (the index: codes are permanent, append only) and its fields in wire order. */
const KINDS: readonly (readonly [Kind, ...string[]])[] = [
  ['init', 'id', 'arg'],
  ['send', 'msg'],
  ['call', 'cid', 'msg', 'timeoutMs'],
  ['reply', 'cid', 'value'],
  ['error', 'cid', 'error'],
  ['ping', 'seq'],
  ['signal', 'signal'],
  ['stop', 'reason'],
  ['ready', 'trapExit'],
  ['init-failed', 'error'],
  ['pong', 'seq'],
  ['crash', 'error', 'cid'],
  ['stopped'],
  ['route-send', 'to', 'msg'],
  ['route-call', 'cid', 'to', 'msg', 'timeoutMs'],
  ['watch', 'op', 'target', 'ref'],
  ['exit-self', 'reason'],
  ['log', 'level', 'message'],
];

/** The field that may carry blobs. */
const PAYLOADS = new Set(['msg', 'value', 'arg']);

interface KindSpec {
  readonly code: number;
  readonly k: Kind;
  readonly fields: readonly string[];
  /** Index into `fields` of the payload, or -1. */
  readonly payload: number;
}

const SPECS: KindSpec[] = KINDS.map(([k, ...fields], code) => ({ code, k, fields, payload: fields.findIndex((f) => PAYLOADS.has(f)) }));
const BY_KIND = new Map<string, KindSpec>(SPECS.map((s) => [s.k, s]));

/**
 * What goes through postMessage: the msgpack batch of envelopes, one char per
 * byte (latin1), alone or followed by the blobs of the batch's only envelope.
 */
export type Wire = string | readonly [string, ...Blob[]];

/** Wrap a packed batch and its blobs for postMessage. */
export function toWire(h: string, blobs: readonly Blob[]): Wire {
  if (blobs.length === 0) return h;
  const w: [string, ...Blob[]] = [h];
  for (let i = 0; i < blobs.length; i++) w.push(blobs[i]);
  return w;
}

/** Node's Buffer has these (msgpackr uses them too); calling them directly skips toString/write's encoding dispatch. */
type Latin1Buffer = Buffer & { latin1Slice(start: number, end: number): string; latin1Write(s: string, offset: number, length: number): number };

const packr = new Packr({ moreTypes: true, structuredClone: false, useRecords: false, copyBuffers: true });

/** One envelope packed (without the batch header), and its blobs. */
export interface Part {
  /** The packed envelope, latin1. */
  readonly part: string;
  readonly blobs: Blob[];
  /** Exactly the ArrayBuffers to pass to postMessage's transfer list. */
  readonly moved: ArrayBuffer[];
}

const NO_BLOBS: Blob[] = [];
const NO_MOVES: ArrayBuffer[] = [];

/** Pack one envelope; `transfer` lists the payload's ArrayBuffers to move. Throws ArgumentError for a bad transfer list. */
export function encodePart(env: Envelope, transfer?: readonly ArrayBuffer[]): Part {
  const spec = BY_KIND.get(env.k);
  if (!spec) throw new FormatError('envelope.k', `unknown envelope kind ${String(env.k)}`);
  const fields = spec.fields;
  const arr: unknown[] = new Array(fields.length + 1);
  arr[0] = spec.code;
  const rec = env as unknown as Record<string, unknown>;
  for (let i = 0; i < fields.length; i++) arr[i + 1] = rec[fields[i]];
  let blobs = NO_BLOBS;
  let moved = NO_MOVES;
  if (spec.payload >= 0) {
    const x = extractBlobs(arr[spec.payload + 1], transfer);
    arr[spec.payload + 1] = x.body;
    blobs = x.blobs;
    moved = x.moved;
  } else if (transfer && transfer.length > 0) {
    extractBlobs(undefined, transfer); // throws: nothing in this envelope can carry them
  }
  // RESET_BUFFER_MODE: msgpackr packs every envelope into the same buffer (by
  // default it moves on and allocates a fresh one every few KiB); the string is our copy.
  const packed = packr.pack(arr, RESET_BUFFER_MODE) as Latin1Buffer;
  return { part: packed.latin1Slice(0, packed.length), blobs, moved };
}

/** The msgpack array header for a batch of `n` envelopes. */
export function batchHeader(n: number): string {
  if (n < 16) return String.fromCharCode(0x90 | n);
  if (n < 0x10000) return String.fromCharCode(0xdc, n >>> 8, n & 0xff);
  throw new FormatError('batch', `at most 65535 envelopes per batch, got ${n}`);
}

export interface Encoded {
  readonly wire: Wire;
  readonly transferList: ArrayBuffer[];
}

/** Encode one envelope as a batch of one; `transfer` lists the payload's ArrayBuffers to move. */
export function encode(env: Envelope, transfer?: readonly ArrayBuffer[]): Encoded {
  const { part, blobs, moved } = encodePart(env, transfer);
  return { wire: toWire(batchHeader(1) + part, blobs), transferList: moved };
}

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
  try {
    batch = unpackString(h);
  } catch (err) {
    throw new FormatError('envelope', 'msgpack body does not decode', { cause: err });
  }
  if (!Array.isArray(batch) || batch.length === 0) throw new FormatError('envelope', 'expected a non-empty batch of envelopes');
  if (blobs !== undefined && batch.length !== 1) throw new FormatError('envelope.blobs', 'blobs must ride with a batch of exactly one envelope');
  const out = batch as E[];
  for (let i = 0; i < batch.length; i++) out[i] = toEnvelope<E>(batch[i], blobs as readonly Blob[] | undefined);
  return out;
}

/** Decode a batch of exactly one envelope (what `encode` makes). Throws FormatError for garbage. */
export function decode<E extends Envelope>(data: unknown): E {
  const all = decodeAll<E>(data);
  if (all.length !== 1) throw new FormatError('envelope', `expected one envelope, got a batch of ${all.length}`);
  return all[0];
}

/** `wire`: the wire array (blob i is element i + 1), or undefined. */
function toEnvelope<E extends Envelope>(a: unknown, wire: readonly Blob[] | undefined): E {
  if (!Array.isArray(a) || typeof a[0] !== 'number') throw new FormatError('envelope.k', 'missing envelope kind');
  const spec = SPECS[a[0]];
  if (!spec) throw new FormatError('envelope.k', `unknown envelope kind code ${a[0]}`);
  const fields = spec.fields;
  if (a.length !== fields.length + 1) throw new FormatError('envelope', `${spec.k} has ${fields.length} fields, got ${a.length - 1}`);
  const env: Record<string, unknown> = { k: spec.k };
  for (let i = 0; i < fields.length; i++) env[fields[i]] = a[i + 1];
  if (wire !== undefined) {
    if (spec.payload < 0) throw new FormatError('envelope.blobs', `${spec.k} carries no payload for blobs`);
    const f = fields[spec.payload];
    env[f] = restoreBlobs(env[f], wire, 1);
  }
  return env as unknown as E;
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

export function toWireReason(reason: ExitReason): WireReason {
  return typeof reason === 'string' ? reason : { error: toWireError(reason) };
}

export function fromWireReason(reason: WireReason): ExitReason {
  return typeof reason === 'string' ? reason : fromWireError(reason.error);
}
