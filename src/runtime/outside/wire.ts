/**
 * What crosses the comlink port between a service's worker thread and the
 * exposed system. Every call answers with an Outcome (never a comlink throw),
 * so typed errors survive the trip: comlink would flatten them to `Error`.
 */
import { ActorDeadError, RemoteError, TimeoutError, describeReason } from '../../errors/index.js';

export interface OutcomeError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly stack?: string;
  /** ActorDeadError only. */
  readonly actor?: string;
  readonly reason?: string;
}

export type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: OutcomeError };

/** The object exposed over the port (what comlink proxies). */
export interface ExposedApi {
  call(target: string, msg: unknown, timeout: number | undefined): Promise<Outcome>;
  send(target: string, msg: unknown): Promise<Outcome>;
}

/** Sent (without a comlink id, so comlink ignores it) just before the port closes. */
export interface ClosedNotice {
  readonly tensorhiveSystemClosed: true;
  readonly reason: string;
}

export function isClosedNotice(x: unknown): x is ClosedNotice {
  return typeof x === 'object' && x !== null && (x as { tensorhiveSystemClosed?: unknown }).tensorhiveSystemClosed === true;
}

export function toOutcomeError(err: unknown): OutcomeError {
  if (err instanceof ActorDeadError) {
    return { name: err.name, message: err.message, code: err.code, actor: err.actor, reason: describeReason(err.reason) };
  }
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { name: err.name, message: err.message, ...(typeof code === 'string' ? { code } : {}), ...(err.stack ? { stack: err.stack } : {}) };
  }
  return { name: 'Error', message: describeReason(err) };
}

/** Back to a typed error: ActorDeadError and TimeoutError keep their class, the rest become RemoteError. */
export function fromOutcomeError(e: OutcomeError): Error {
  if (e.code === 'ERR_ACTOR_DEAD' && e.actor !== undefined) return new ActorDeadError(e.actor, e.reason ?? 'unknown');
  if (e.code === 'ERR_TIMEOUT') return new TimeoutError(e.message);
  const remote = new RemoteError(e.name, e.message, e.stack);
  if (e.code !== undefined) Object.defineProperty(remote, 'remoteCode', { value: e.code, enumerable: true });
  return remote;
}
