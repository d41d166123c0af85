/**
 * The ActorRef handed out for an actor path. It resolves the path on each use,
 * so it stays valid across restarts of the actor and of its supervisors.
 */
import { ActorDeadError } from '../errors/index.js';
import type { RuntimeCore } from './core.js';
import type { ActorRef, CallOptions } from './logic.js';

export class CellRef<M = unknown, R = unknown> implements ActorRef<M, R> {
  constructor(
    private readonly core: RuntimeCore,
    readonly id: string,
  ) {}

  send(msg: M, transfer?: readonly ArrayBuffer[]): void {
    const d = transfer && transfer.length > 0 ? { kind: 'send' as const, msg, transfer } : { kind: 'send' as const, msg };
    const cell = this.core.resolve(this.id);
    if (cell) cell.deliver(d);
    else this.core.deadLetter(this.id, d, 'unknown_actor');
  }

  call(msg: M, options?: CallOptions): Promise<R> {
    const cell = this.core.resolve(this.id);
    if (!cell) return Promise.reject(new ActorDeadError(this.id, 'noproc'));
    return cell.call(msg, options) as Promise<R>;
  }

  toString(): string {
    return `ActorRef(${this.id})`;
  }
}
