import type { MessagePort, TransferListItem } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { portEndpoint } from './endpoint.js';
import { ActorDeadError, ArgumentError } from '../../errors/index.js';
import { fromOutcomeError, isClosedNotice, type ExposedApi, type Outcome } from './wire.js';

export interface ClientCallOptions {
  /** Passed to the system's call (the system enforces it). */
  readonly timeout?: number;
  /** Objects inside `msg` to move rather than clone. */
  readonly transfer?: readonly TransferListItem[];
}

export interface SystemClient {
  call<R = unknown>(target: string, msg: unknown, options?: ClientCallOptions): Promise<R>;
  /** Resolves once the system accepted the message (not when it was handled). */
  send(target: string, msg: unknown, options?: { transfer?: readonly TransferListItem[] }): Promise<void>;
  readonly closed: boolean;
  /** Pending calls reject with ActorDeadError; the port is closed. */
  close(): void;
}

/**
 * The worker-thread side of `exposeSystem`. comlink alone would leave calls
 * pending forever once the other side is gone; here each pending call is
 * tracked and rejected with ActorDeadError when the system says it closed or
 * the port closes.
 */
export function connectSystem(port: MessagePort, options: { name?: string } = {}): SystemClient {
  const name = options.name ?? 'system';
  const remote = Comlink.wrap<ExposedApi>(portEndpoint(port));
  const pending = new Set<(err: Error) => void>();
  let closedReason: string | undefined;

  const shut = (reason: string): void => {
    if (closedReason !== undefined) return;
    closedReason = reason;
    const rejects = [...pending];
    pending.clear();
    const err = new ActorDeadError(name, reason);
    for (const r of rejects) r(err);
    port.close();
  };
  port.on('message', (m: unknown) => {
    if (isClosedNotice(m)) shut(m.reason);
  });
  port.on('close', () => shut('port closed'));

  function invoke(start: () => Promise<Outcome>): Promise<unknown> {
    if (closedReason !== undefined) return Promise.reject(new ActorDeadError(name, closedReason));
    return new Promise((resolve, reject) => {
      pending.add(reject);
      start().then(
        (o) => {
          if (!pending.delete(reject)) return;
          if (o.ok) resolve(o.value);
          else reject(fromOutcomeError(o.error));
        },
        (err: unknown) => {
          if (pending.delete(reject)) reject(err);
        },
      );
    });
  }

  function marked(msg: unknown, transfer: readonly TransferListItem[] | undefined): unknown {
    if (!transfer || transfer.length === 0) return msg;
    if (typeof msg !== 'object' || msg === null) {
      throw new ArgumentError(`options.transfer needs msg to be an object holding the transferables, got ${typeof msg}`);
    }
    return Comlink.transfer(msg, [...transfer]);
  }

  return {
    call<R>(target: string, msg: unknown, opts: ClientCallOptions = {}): Promise<R> {
      let wire: unknown;
      try {
        wire = marked(msg, opts.transfer);
      } catch (err) {
        return Promise.reject(err);
      }
      return invoke(() => remote.call(target, wire, opts.timeout)) as Promise<R>;
    },
    send(target: string, msg: unknown, opts: { transfer?: readonly TransferListItem[] } = {}): Promise<void> {
      let wire: unknown;
      try {
        wire = marked(msg, opts.transfer);
      } catch (err) {
        return Promise.reject(err);
      }
      return invoke(() => remote.send(target, wire)) as Promise<void>;
    },
    get closed() {
      return closedReason !== undefined;
    },
    close() {
      shut('client closed');
    },
  };
}
