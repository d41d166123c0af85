import type { MessagePort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { portEndpoint } from './endpoint.js';
import { ArgumentError, describeReason } from '../../errors/index.js';
import type { SystemLike } from './system-like.js';
import { toOutcomeError, type ClosedNotice, type ExposedApi, type Outcome } from './wire.js';

export interface ExposeOptions {
  /**
   * Settles when the system stops; the port is then closed and every client
   * call still pending rejects with ActorDeadError.
   */
  readonly stopped?: PromiseLike<unknown>;
}

export interface ExposedSystem {
  readonly closed: boolean;
  /** Tells the client why, then closes the port: its pending calls reject with ActorDeadError. */
  close(reason?: unknown): void;
}

/**
 * Serves `system` over `port` (one end of a MessageChannel; hand the other to
 * a worker thread, which calls `connectSystem`). Results are cloned, not
 * moved: the system may still hold what it returned.
 */
export function exposeSystem(system: SystemLike, port: MessagePort, options: ExposeOptions = {}): ExposedSystem {
  if (!system || typeof system.call !== 'function' || typeof system.send !== 'function') {
    throw new ArgumentError('exposeSystem: system must have call(target, msg, options?) and send(target, msg) methods');
  }
  let closed = false;
  const api: ExposedApi = {
    async call(target, msg, timeout): Promise<Outcome> {
      try {
        const value = await system.call(target, msg, timeout === undefined ? undefined : { timeout });
        return { ok: true, value };
      } catch (err) {
        return { ok: false, error: toOutcomeError(err) };
      }
    },
    async send(target, msg): Promise<Outcome> {
      try {
        await system.send(target, msg);
        return { ok: true, value: undefined };
      } catch (err) {
        return { ok: false, error: toOutcomeError(err) };
      }
    },
  };
  Comlink.expose(api, portEndpoint(port));
  const handle: ExposedSystem = {
    get closed() {
      return closed;
    },
    close(reason: unknown = 'system closed') {
      if (closed) return;
      closed = true;
      const notice: ClosedNotice = { tensorhiveSystemClosed: true, reason: describeReason(reason) };
      port.postMessage(notice);
      port.close();
    },
  };
  options.stopped?.then(
    (v) => handle.close(v === undefined ? 'system stopped' : v),
    (err: unknown) => handle.close(err),
  );
  return handle;
}
