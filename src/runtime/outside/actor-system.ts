import type { MessagePort } from 'node:worker_threads';
import { ActorDeadError } from '../../errors/index.js';
import type { ActorSystem } from '../system.js';
import { exposeSystem, type ExposedSystem } from './expose.js';
import type { SystemLike } from './system-like.js';

/**
 * An ActorSystem seen as a SystemLike: `call('root/tiers/ram', msg)` goes to
 * the actor at that path; an unknown path rejects like a dead actor (noproc).
 * Buffers a worker moved in (top level of the message, or its own fields)
 * are moved on to the actor, not cloned: nobody else holds them.
 */
export function actorSystemTarget(system: ActorSystem): SystemLike {
  const refOf = (path: string) => {
    try {
      return system.ref(path);
    } catch {
      return undefined;
    }
  };
  return {
    call(target, msg, options) {
      const ref = refOf(target);
      if (!ref) return Promise.reject(new ActorDeadError(target, 'noproc'));
      const transfer = shallowBuffers(msg);
      return ref.call(msg, {
        ...(options?.timeout !== undefined ? { timeoutMs: options.timeout } : {}),
        ...(transfer.length > 0 ? { transfer } : {}),
      });
    },
    send(target, msg) {
      const ref = refOf(target);
      if (!ref) throw new ActorDeadError(target, 'noproc');
      ref.send(msg, shallowBuffers(msg));
    },
  };
}

/**
 * Serves `system` to a worker thread over `port`. When its root supervisor
 * stops or fails (a 'lifecycle' event), the port closes and the worker's
 * pending calls reject with ActorDeadError.
 */
export function exposeActorSystem(system: ActorSystem, port: MessagePort): ExposedSystem {
  let unsubscribe: (() => void) | undefined;
  const stopped = new Promise<string>((resolve) => {
    unsubscribe = system.events.subscribe((e) => {
      if (e.type === 'lifecycle' && e.actor === system.name && (e.to === 'stopped' || e.to === 'failed')) {
        resolve(`actor system ${system.name} ${e.to}`);
      }
    });
  });
  void stopped.then(() => unsubscribe?.());
  return exposeSystem(actorSystemTarget(system), port, { stopped });
}

function shallowBuffers(msg: unknown): ArrayBuffer[] {
  if (msg instanceof ArrayBuffer) return [msg];
  if (typeof msg !== 'object' || msg === null || ArrayBuffer.isView(msg)) return [];
  const out = new Set<ArrayBuffer>(); // a buffer listed twice would make postMessage throw
  for (const v of Object.values(msg)) {
    if (v instanceof ArrayBuffer) out.add(v);
    else if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === v.buffer.byteLength) {
      out.add(v.buffer);
    }
  }
  return [...out];
}
