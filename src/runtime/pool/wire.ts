/**
 * What travels between the pool and its workers. Functions cannot cross
 * threads, so a job names a module (file URL) and an export; the worker
 * imports it and calls it with the args. Replies are plain data; handler
 * exceptions come back as data too, so a rejected piscina task always means
 * the worker thread itself died.
 */
import type { TransferListItem } from 'node:worker_threads';

export interface JobRequest {
  readonly kind: 'job';
  /** File URL (href) of the handler module. */
  readonly module: string;
  readonly export: string;
  readonly args: readonly unknown[];
}

export interface PingRequest {
  readonly kind: 'ping';
}

export type PoolRequest = JobRequest | PingRequest;

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

export type JobReply =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: SerializedError };

const MOVED = Symbol.for('tensorhive.pool.moved');

/** A handler result with the transferables to move back beside it. */
export interface Moved<T> {
  readonly [MOVED]: true;
  readonly value: T;
  readonly transfer: readonly TransferListItem[];
}

/**
 * Returned from a job handler: `value` goes back to the caller and every
 * object in `transfer` is moved (zero copy), wherever it sits inside `value`.
 */
export function moved<T>(value: T, transfer: readonly TransferListItem[]): Moved<T> {
  return { [MOVED]: true, value, transfer };
}

export function isMoved(x: unknown): x is Moved<unknown> {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[MOVED] === true;
}

/**
 * The transfer list a handler's result implies: what `moved()` named, or a
 * top-level ArrayBuffer, or a view that covers its whole (non-shared) buffer.
 * A view into a larger buffer is cloned, never moved: moving would take the
 * rest of that buffer (for instance Node's Buffer pool slab) with it.
 */
export function impliedTransfer(result: unknown): { value: unknown; transfer: TransferListItem[] } {
  if (isMoved(result)) return { value: result.value, transfer: [...result.transfer] };
  if (result instanceof ArrayBuffer) return { value: result, transfer: [result] };
  if (ArrayBuffer.isView(result)) {
    const buf = result.buffer;
    if (buf instanceof ArrayBuffer && result.byteOffset === 0 && result.byteLength === buf.byteLength) {
      return { value: result, transfer: [buf] };
    }
  }
  return { value: result, transfer: [] };
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack };
  return { name: 'Error', message: typeof err === 'string' ? err : safeString(err) };
}

function safeString(x: unknown): string {
  try {
    return JSON.stringify(x) ?? String(x);
  } catch {
    return String(x);
  }
}
