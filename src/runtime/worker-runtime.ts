/**
 * The worker side of a worker host (run by workers/actor-host). Loads the
 * logic from a module + export (functions cannot cross threads), runs init,
 * then handles envelopes one at a time. Pings are answered from the event
 * loop, so a receive that never yields (a busy loop) misses its deadline. A
 * receive that throws reports `crash` and stops; the main side discards the
 * thread.
 */
import type { MessagePort } from 'node:worker_threads';
import { SystemClock } from '../clock/index.js';
import { ArgumentError } from '../errors/index.js';
import { Reply, isPromiseLike, type ActorContext, type ActorLogic, type ActorRef, type Address, type CallOptions, type Signal } from './logic.js';
import { Channel } from './channel.js';
import { decodeAll, fromWireReason, toWireReason, type FromWorker, type ToWorker, type Wire } from './protocol.js';
import type { ExitReason } from './reason.js';
import { fromWireError, toWireError } from './wire-error.js';
import { DEFAULT_CALL_TIMEOUT_MS } from './logic.js';

export interface ActorHostData {
  readonly module: string;
  readonly export: string;
}

type Work = Extract<ToWorker, { k: 'send' } | { k: 'call' } | { k: 'signal' }>;

export function runActorHost(port: MessagePort, data: ActorHostData): void {
  const channel = new Channel(port);
  const out = (env: FromWorker, transfer?: readonly ArrayBuffer[]): void => channel.post(env, transfer);
  const queue: Work[] = [];
  let head = 0;
  let logic: ActorLogic | undefined;
  let ctx: ActorContext | undefined;
  let state: unknown;
  let ready = false;
  let busy = false;
  let done = false;
  let stopReason: ExitReason | undefined;
  let selfExit: ExitReason | undefined;
  let nextCid = 1;
  let nextRef = 1;
  const calls = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
  // Import the logic's module at once, before 'init' arrives: a warm spare
  // thread has it loaded by the time it takes over.
  const loading = import(data.module) as Promise<Record<string, unknown>>;
  loading.catch(() => undefined); // reported by init

  const idOf = (to: Address): string => (typeof to === 'string' ? to : to.id);
  const remoteRef = (id: string): ActorRef => ({
    id,
    send: (msg, transfer) => out({ k: 'route-send', to: id, msg }, transfer),
    call: (msg, options) => routeCall(id, msg, options),
  });
  const routeCall = (to: string, msg: unknown, options?: CallOptions): Promise<never> => {
    const cid = nextCid++;
    return new Promise((resolve, reject) => {
      calls.set(cid, { resolve: resolve as (v: unknown) => void, reject });
      out({ k: 'route-call', cid, to, msg, timeoutMs: options?.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS }, options?.transfer);
    });
  };

  const init = async (id: string, arg: unknown): Promise<void> => {
    try {
      const mod = await loading;
      const l = mod[data.export] as ActorLogic | undefined;
      if (!l || typeof l.init !== 'function' || typeof l.receive !== 'function') {
        throw new ArgumentError(`export ${data.export} of ${data.module} is not an ActorLogic (needs init and receive)`);
      }
      logic = l;
      ctx = {
        self: remoteRef(id),
        clock: new SystemClock(),
        send: (to, msg, transfer) => out({ k: 'route-send', to: idOf(to), msg }, transfer),
        call: <T, U>(to: Address<T, U>, msg: T, options?: CallOptions) => routeCall(idOf(to), msg, options) as Promise<U>,
        monitor: (to) => {
          const ref = nextRef++;
          out({ k: 'watch', op: 'monitor', target: idOf(to), ref });
          return ref;
        },
        demonitor: (ref) => out({ k: 'watch', op: 'demonitor', target: '', ref }),
        link: (to) => out({ k: 'watch', op: 'link', target: idOf(to), ref: 0 }),
        unlink: (to) => out({ k: 'watch', op: 'unlink', target: idOf(to), ref: 0 }),
        exit: (reason = 'normal') => {
          selfExit = reason;
          if (!busy) void finish();
        },
        log: (level, message) => out({ k: 'log', level, message }),
      };
      const s = l.init(ctx, arg);
      state = isPromiseLike(s) ? await s : s;
      ready = true;
      out({ k: 'ready', trapExit: l.trapExit === true });
      pump();
    } catch (err) {
      done = true;
      out({ k: 'init-failed', error: toWireError(err) });
    }
  };

  const finish = async (): Promise<void> => {
    if (done) return;
    done = true;
    const reason = stopReason ?? selfExit ?? 'normal';
    if (logic?.terminate && ctx) {
      try {
        await logic.terminate(state, reason, ctx);
      } catch {
        // The exit reason stays the one asked for.
      }
    }
    if (stopReason !== undefined) out({ k: 'stopped' });
    else out({ k: 'exit-self', reason: toWireReason(reason) });
  };

  const pump = (): void => {
    while (ready && !busy && !done) {
      if (stopReason !== undefined || selfExit !== undefined) {
        void finish();
        return;
      }
      if (head >= queue.length) {
        queue.length = 0;
        head = 0;
        return;
      }
      const w = queue[head++];
      let r: unknown;
      busy = true;
      try {
        r =
          w.k === 'signal'
            ? logic!.signal
              ? logic!.signal(state, toSignal(w.signal), ctx!)
              : state
            : logic!.receive(state, w.msg, ctx!);
      } catch (err) {
        crash(err, w);
        return;
      }
      if (isPromiseLike(r)) {
        r.then(
          (v) => {
            settle(v, w);
            pump();
          },
          (err) => crash(err, w),
        );
        return;
      }
      settle(r, w);
    }
  };

  const settle = (r: unknown, w: Work): void => {
    busy = false;
    if (r instanceof Reply) {
      state = r.state;
      if (w.k === 'call') out({ k: 'reply', cid: w.cid, value: r.value }, r.transfer);
    } else {
      state = r;
      if (w.k === 'call') out({ k: 'reply', cid: w.cid, value: undefined });
    }
  };

  const crash = (err: unknown, w: Work): void => {
    done = true;
    const e = toWireError(err);
    // One envelope: the main side fails the call and discards the thread in the same step,
    // so nothing sent after the caller sees the error reaches the dead thread.
    out(w.k === 'call' ? { k: 'crash', error: e, cid: w.cid } : { k: 'crash', error: e });
  };

  const handle = (env: ToWorker): void => {
    switch (env.k) {
      case 'init':
        void init(env.id, env.arg);
        return;
      case 'ping':
        out({ k: 'pong', seq: env.seq });
        return;
      case 'send':
      case 'call':
      case 'signal':
        if (done) return;
        queue.push(env);
        pump();
        return;
      case 'reply': {
        const c = calls.get(env.cid);
        calls.delete(env.cid);
        c?.resolve(env.value);
        return;
      }
      case 'error': {
        const c = calls.get(env.cid);
        calls.delete(env.cid);
        c?.reject(fromWireError(env.error));
        return;
      }
      case 'stop':
        stopReason = fromWireReason(env.reason);
        if (!ready) {
          done = true;
          out({ k: 'stopped' });
        } else if (!busy) pump();
        return;
    }
  };

  port.on('message', (raw: Wire) => {
    const batch = decodeAll<ToWorker>(raw);
    for (let i = 0; i < batch.length; i++) handle(batch[i]);
  });
}

function toSignal(s: Extract<ToWorker, { k: 'signal' }>['signal']): Signal {
  return s.type === 'down'
    ? { type: 'down', monitor: s.monitor, actor: s.actor, reason: fromWireReason(s.reason) }
    : { type: 'exit', from: s.from, reason: fromWireReason(s.reason) };
}
