/** The ActorContext an inline actor sees: it talks to the system directly. */
import { ActorDeadError } from '../errors/index.js';
import type { ActorCell } from './actor-cell.js';
import type { RuntimeCore } from './core.js';
import type { ActorContext, Address, CallOptions, LogLevel } from './logic.js';
import type { ExitReason } from './reason.js';

export function inlineContext(core: RuntimeCore, cell: ActorCell, exit: (reason: ExitReason) => void): ActorContext {
  const monitors = new Map<number, ActorCell>();
  const target = (to: Address): ActorCell | undefined => core.resolve(to);
  const idOf = (to: Address): string => (typeof to === 'string' ? to : to.id);
  return {
    self: cell.ref,
    clock: core.clock,
    send(to, msg, transfer) {
      const t = target(to);
      const d = transfer && transfer.length > 0 ? { kind: 'send' as const, msg, transfer } : { kind: 'send' as const, msg };
      if (t) t.deliver(d);
      else core.deadLetter(idOf(to), d, 'unknown_actor');
    },
    call<T, U>(to: Address<T, U>, msg: T, options?: CallOptions): Promise<U> {
      const t = target(to);
      if (!t) return Promise.reject(new ActorDeadError(idOf(to), 'noproc'));
      return t.call(msg, options) as Promise<U>;
    },
    monitor(to) {
      const mid = core.nextMonitorId();
      const t = target(to);
      const notify = (reason: ExitReason): void => {
        monitors.delete(mid);
        cell.deliver({ kind: 'signal', signal: { type: 'down', monitor: mid, actor: idOf(to), reason } });
      };
      if (!t) queueMicrotask(() => notify('noproc'));
      else {
        monitors.set(mid, t);
        t.addWatcher(mid, notify);
      }
      return mid;
    },
    demonitor(mid) {
      monitors.get(mid)?.removeWatcher(mid);
      monitors.delete(mid);
    },
    link(to) {
      const t = target(to);
      if (t) cell.link(t);
      else cell.exitSignal(idOf(to), 'noproc');
    },
    unlink(to) {
      const t = target(to);
      if (t) cell.unlink(t);
    },
    exit(reason = 'normal') {
      exit(reason);
    },
    log(level: LogLevel, message: string) {
      core.events.emit({ type: 'log', at: core.clock.now(), actor: cell.id, level, message });
    },
  };
}
