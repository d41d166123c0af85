/**
 * The one protocol between threads. Every message is an Envelope (a typed
 * discriminated union), encoded with msgpackr (`moreTypes` so typed arrays
 * survive), posted as `{ h, b }`: `h` the encoded bytes as a latin1 string,
 * `b` the blobs cut out of the payload (see transfer.ts). The transfer list
 * given to postMessage is exactly the moved ArrayBuffers; SharedArrayBuffers
 * are shared. Both sides import only this module for messaging.
 *
 * Why a string and not a Uint8Array: every fresh ArrayBuffer on a message
 * (ours or the clone postMessage makes) is an external allocation, and V8
 * checks its external-memory budget there; right after a big blob arrived
 * that check runs a full GC (measured ~4 ms per 64 MiB round trip, 40x a bare
 * postMessage). A short string is a plain heap value: the blob path allocates
 * no ArrayBuffer at all (msgpackr packs into one reused buffer). Decoding reuses one scratch buffer (msgpackr is told
 * to copy binary values out of it, so nothing decoded aliases the scratch).
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

/** What goes through postMessage. */
export interface Wire {
  /** The msgpackr bytes of the envelope, one char per byte (latin1). */
  readonly h: string;
  readonly b?: Blob[];
}

const packr = new Packr({ moreTypes: true, structuredClone: false, useRecords: false, copyBuffers: true });

/** Envelopes up to this size decode from one reused buffer; larger ones get their own. */
const SCRATCH_MAX = 64 * 1024;
let scratch = Buffer.allocUnsafeSlow(1024);

function bytesOf(h: string): Buffer {
  const n = h.length;
  if (n > SCRATCH_MAX) return Buffer.from(h, 'latin1');
  if (n > scratch.length) scratch = Buffer.allocUnsafeSlow(Math.min(SCRATCH_MAX, 2 ** Math.ceil(Math.log2(n))));
  scratch.write(h, 0, n, 'latin1');
  return scratch.subarray(0, n);
}

export interface Encoded {
  readonly wire: Wire;
  readonly transferList: ArrayBuffer[];
}

/** Encode an envelope; `transfer` lists the payload's ArrayBuffers to move. */
export function encode(env: Envelope, transfer?: readonly ArrayBuffer[]): Encoded {
  const { body, blobs, moved } = extractBlobs(env, transfer);
  // RESET_BUFFER_MODE: msgpackr packs every envelope into the same buffer (by
  // default it moves on and allocates a fresh one every few KiB); the string is our copy.
  const h = packr.pack(body, RESET_BUFFER_MODE).toString('latin1');
  return { wire: blobs.length === 0 ? { h } : { h, b: blobs }, transferList: moved };
}

/** Decode what arrived through a MessagePort. Throws FormatError for garbage. */
export function decode<E extends Envelope>(data: unknown): E {
  const wire = data as Partial<Wire> | null;
  if (!wire || typeof wire.h !== 'string') throw new FormatError('envelope', 'expected { h: string }');
  let env: unknown;
  try {
    env = packr.unpack(bytesOf(wire.h));
  } catch (err) {
    throw new FormatError('envelope', 'msgpack body does not decode', { cause: err });
  }
  if (!env || typeof env !== 'object' || typeof (env as { k?: unknown }).k !== 'string') {
    throw new FormatError('envelope.k', 'missing envelope kind');
  }
  return (wire.b && wire.b.length > 0 ? restoreBlobs(env, wire.b) : env) as E;
}

/** Post an envelope on a port-like target with its explicit transfer list. */
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
