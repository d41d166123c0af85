/**
 * The envelope vocabulary of the thread protocol (protocol.ts packs and
 * unpacks it): every kind, in each direction, with its fields; the permanent
 * wire code of each kind and its fields' wire order; exit reasons as they
 * cross threads.
 */
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
export type Kind = Envelope['k'];

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

/**
 * Per kind (by wire code), the envelope built from its decoded positional array
 * `[code, ...fields]` as one object literal: every envelope of a kind gets its
 * final hidden class at once, instead of walking one map transition per field
 * added on every decode. Must list KINDS in order (test/runtime/id-table.test.ts
 * checks each maker against its spec).
 */
type Fields = readonly unknown[];
export const MAKERS: readonly ((a: Fields) => Record<string, unknown>)[] = [
  (a) => ({ k: 'init', id: a[1], arg: a[2] }),
  (a) => ({ k: 'send', msg: a[1] }),
  (a) => ({ k: 'call', cid: a[1], msg: a[2], timeoutMs: a[3] }),
  (a) => ({ k: 'reply', cid: a[1], value: a[2] }),
  (a) => ({ k: 'error', cid: a[1], error: a[2] }),
  (a) => ({ k: 'ping', seq: a[1] }),
  (a) => ({ k: 'signal', signal: a[1] }),
  (a) => ({ k: 'stop', reason: a[1] }),
  (a) => ({ k: 'ready', trapExit: a[1] }),
  (a) => ({ k: 'init-failed', error: a[1] }),
  (a) => ({ k: 'pong', seq: a[1] }),
  (a) => ({ k: 'crash', error: a[1], cid: a[2] }),
  () => ({ k: 'stopped' }),
  (a) => ({ k: 'route-send', to: a[1], msg: a[2] }),
  (a) => ({ k: 'route-call', cid: a[1], to: a[2], msg: a[3], timeoutMs: a[4] }),
  (a) => ({ k: 'watch', op: a[1], target: a[2], ref: a[3] }),
  (a) => ({ k: 'exit-self', reason: a[1] }),
  (a) => ({ k: 'log', level: a[1], message: a[2] }),
];

/** The field that may carry blobs. */
const PAYLOADS = new Set(['msg', 'value', 'arg']);

export interface KindSpec {
  readonly code: number;
  readonly k: Kind;
  readonly fields: readonly string[];
  /** Index into `fields` of the payload, or -1. */
  readonly payload: number;
}

export const SPECS: readonly KindSpec[] = KINDS.map(([k, ...fields], code) => ({ code, k, fields, payload: fields.findIndex((f) => PAYLOADS.has(f)) }));
export const BY_KIND = new Map<string, KindSpec>(SPECS.map((s) => [s.k, s]));

export function toWireReason(reason: ExitReason): WireReason {
  return typeof reason === 'string' ? reason : { error: toWireError(reason) };
}

export function fromWireReason(reason: WireReason): ExitReason {
  return typeof reason === 'string' ? reason : fromWireError(reason.error);
}
