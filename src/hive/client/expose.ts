/**
 * The hive side of the comlink client: serves put/get/delete/has/keys/stats
 * over a MessagePort with the runtime's outside mechanism (exposeSystem): one
 * SystemLike whose targets are the hive's methods. When the hive stops (or
 * `close()` is called) the port closes and the worker's pending calls reject
 * with ActorDeadError.
 */
import type { MessagePort } from 'node:worker_threads';
import { ActorDeadError, ArgumentError } from '../../errors/index.js';
import { exposeSystem, type ExposedSystem, type SystemLike } from '../../runtime/outside/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { HiveStats, PutOptions } from '../types.js';
import { HIVE_OPS, fromWire, moveResult, toWire, type HiveOp, type WireTensor } from './wire.js';

/** What exposeHive needs from a hive (the Hive class has it). */
export interface ExposableHive {
  put(key: string, tensor: Tensor, options?: PutOptions): Promise<unknown>;
  get(key: string): Promise<Tensor | undefined>;
  delete(key: string): Promise<boolean> | boolean;
  has(key: string): Promise<boolean> | boolean;
  keys(): Promise<Iterable<string>> | Iterable<string>;
  stats(): Promise<HiveStats> | HiveStats;
}

export interface ExposeHiveOptions {
  /** Settles when the hive stops: the port then closes. */
  stopped?: PromiseLike<unknown>;
}

interface PutMsg {
  key: string;
  tensor: WireTensor;
  options?: PutOptions;
}

function isOp(target: string): target is HiveOp {
  return (HIVE_OPS as readonly string[]).includes(target);
}

/** The hive as a SystemLike: target = method name, msg = its arguments. */
export function hiveTarget(hive: ExposableHive): SystemLike {
  const handlers: Record<HiveOp, (msg: unknown) => Promise<unknown>> = {
    async put(msg) {
      const m = msg as PutMsg;
      await hive.put(m.key, fromWire(m.tensor), m.options);
      return undefined;
    },
    async get(msg) {
      const t = await hive.get((msg as { key: string }).key);
      // The hive hands get() callers bytes of their own; they move to the worker.
      return t === undefined ? null : moveResult(toWire(t).wire);
    },
    async delete(msg) {
      return hive.delete((msg as { key: string }).key);
    },
    async has(msg) {
      return hive.has((msg as { key: string }).key);
    },
    async keys() {
      return [...(await hive.keys())];
    },
    async stats() {
      return hive.stats();
    },
  };
  return {
    call(target, msg) {
      if (!isOp(target)) return Promise.reject(new ArgumentError(`hive client: unknown operation ${JSON.stringify(target)}`));
      return handlers[target](msg);
    },
    send(target) {
      throw new ArgumentError(`hive client: ${JSON.stringify(target)} is a call, not a send`);
    },
  };
}

/**
 * Serve `hive` over `port` (one end of a MessageChannel; hand the other end
 * to a worker thread, which calls `connectHive`).
 */
export function exposeHive(hive: ExposableHive, port: MessagePort, options: ExposeHiveOptions = {}): ExposedSystem {
  if (!hive || typeof hive.get !== 'function' || typeof hive.put !== 'function' || typeof hive.stats !== 'function') {
    throw new ArgumentError('exposeHive: hive must have put, get, delete, has, keys and stats methods');
  }
  const target = hiveTarget(hive);
  let handle: ExposedSystem | undefined;
  // A hive that says it is stopped (ActorDeadError from the hive itself) ends the
  // exposure: after this reply, the worker's calls reject at once.
  const watched: SystemLike = {
    call(t, msg, o) {
      return target.call(t, msg, o).catch((err: unknown) => {
        if (err instanceof ActorDeadError && err.actor === 'hive') setImmediate(() => handle?.close(err));
        throw err;
      });
    },
    send: (t, msg) => target.send(t, msg),
  };
  handle = exposeSystem(watched, port, options.stopped ? { stopped: options.stopped } : {});
  return handle;
}
