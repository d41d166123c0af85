/**
 * Errors cross threads as plain records (name, message, code, stack) and come
 * back as RemoteError so the caller sees where it happened. Known tensorhive
 * codes keep their `code`.
 */
import { RemoteError } from '../errors/index.js';

export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly stack?: string;
}

export function toWireError(err: unknown): WireError {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return {
      name: err.name,
      message: err.message,
      ...(typeof code === 'string' ? { code } : {}),
      ...(err.stack ? { stack: err.stack } : {}),
    };
  }
  return { name: 'Error', message: typeof err === 'string' ? err : safeString(err) };
}

/** A RemoteError whose `remoteCode` keeps the original code (e.g. ERR_WORKER_OUT_OF_MEMORY). */
export function fromWireError(w: WireError): RemoteError {
  const e = new RemoteError(w.name, w.message, w.stack);
  if (w.code !== undefined) Object.defineProperty(e, 'remoteCode', { value: w.code, enumerable: true });
  return e;
}

function safeString(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
