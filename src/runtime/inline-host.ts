/**
 * An incarnation in this thread. Its mailbox is FIFO; the Dispatcher decides
 * when it gets a turn (one message per turn). An async receive keeps the
 * actor busy (its mailbox waits) while other actors run.
 */
import { ActorDeadError, RemoteError } from '../errors/index.js';
import type { ActorCell } from './actor-cell.js';
import type { RuntimeCore } from './core.js';
import type { Runnable } from './dispatcher.js';
import type { Delivery, Incarnation } from './host.js';
import { inlineContext } from './inline-context.js';
import { Reply, isPromiseLike, type ActorContext, type ActorLogic } from './logic.js';
import type { ExitReason } from './reason.js';

export class FaultInjected extends Error {
  constructor(actor: string, n: number) {
    super(`fault plan crashed ${actor} at its message #${n}`);
    this.name = 'FaultInjected';
  }
}

export class InlineIncarnation implements Incarnation, Runnable {
  queued = false;
  readonly trapExit: boolean;
  private mailbox: Delivery[] = [];
  private head = 0;
  private state: unknown;
  private ready = false;
  private busy = false;
  private dead = false;
  private current: Delivery | undefined;
  private stopping: ExitReason | undefined;
  private readonly ctx: ActorContext;

  constructor(
    private readonly core: RuntimeCore,
    private readonly cell: ActorCell,
    private readonly logic: ActorLogic,
    private readonly arg: unknown,
  ) {
    this.trapExit = logic.trapExit === true;
    this.ctx = inlineContext(core, cell, (reason) => this.stop(reason));
  }

  async start(): Promise<void> {
    const s = this.logic.init(this.ctx, this.arg);
    this.state = isPromiseLike(s) ? await s : s;
    if (this.dead) throw new ActorDeadError(this.cell.id, 'killed while starting');
    this.ready = true;
    this.wake();
  }

  deliver(d: Delivery): void {
    if (this.dead) {
      this.core.deadLetter(this.cell.id, d, 'not_alive');
      return;
    }
    this.mailbox.push(d);
    this.wake();
  }

  stop(reason: ExitReason): void {
    if (this.dead || this.stopping !== undefined) return;
    this.stopping = reason;
    if (!this.busy) void this.finish();
  }

  kill(reason: ExitReason): void {
    this.die(reason, undefined);
  }

  takeUnstarted(): Delivery[] {
    const rest = this.mailbox.slice(this.head);
    this.mailbox = [];
    this.head = 0;
    return rest;
  }

  runOne(): void {
    if (this.dead || this.busy || !this.ready || this.stopping !== undefined) return;
    if (this.head >= this.mailbox.length) return;
    const d = this.mailbox[this.head++];
    if (this.head === this.mailbox.length) {
      this.mailbox = [];
      this.head = 0;
    }
    this.current = d;
    const core = this.core;
    if (core.traceReceives) core.events.emit({ type: 'receive', at: core.clock.now(), actor: this.cell.id, kind: d.kind });
    let out: unknown;
    // Busy during a synchronous receive too, so ctx.exit() waits for its end.
    this.busy = true;
    try {
      if (d.kind === 'signal') {
        out = this.logic.signal ? this.logic.signal(this.state, d.signal, this.ctx) : this.state;
      } else {
        const n = ++this.cell.handled;
        if (core.faults?.(this.cell.id, n)) {
          core.events.emit({ type: 'fault', at: core.clock.now(), actor: this.cell.id, message: n });
          throw new FaultInjected(this.cell.id, n);
        }
        out = this.logic.receive(this.state, d.msg, this.ctx);
      }
    } catch (err) {
      this.busy = false;
      this.crash(err, d);
      return;
    }
    if (isPromiseLike(out)) {
      core.dispatcher.enter();
      out.then(
        (v) => {
          core.dispatcher.leave();
          this.busy = false;
          this.settle(v, d);
        },
        (err) => {
          core.dispatcher.leave();
          this.busy = false;
          this.crash(err, d);
        },
      );
    } else {
      this.busy = false;
      this.settle(out, d);
    }
  }

  private settle(out: unknown, d: Delivery): void {
    if (this.dead) return;
    this.current = undefined;
    if (out instanceof Reply) {
      this.state = out.state;
      if (d.kind === 'call') this.core.calls.resolve(d.cid, out.value, out.transfer);
    } else {
      this.state = out;
      if (d.kind === 'call') this.core.calls.resolve(d.cid, undefined);
    }
    if (this.stopping !== undefined) void this.finish();
    else this.wake();
  }

  private crash(err: unknown, d: Delivery): void {
    if (this.dead) return;
    const reason = err instanceof Error ? err : new RemoteError('Error', String(err));
    if (d.kind === 'call') this.core.calls.reject(d.cid, reason);
    this.current = undefined;
    this.die(reason, undefined);
  }

  private async finish(): Promise<void> {
    const reason = this.stopping!;
    if (this.logic.terminate) {
      try {
        await this.logic.terminate(this.state, reason, this.ctx);
      } catch {
        // terminate's own failure does not change the exit reason (as in OTP's shutdown path).
      }
    }
    this.die(reason, undefined);
  }

  private die(reason: ExitReason, _cause: unknown): void {
    if (this.dead) return;
    this.dead = true;
    if (this.current?.kind === 'call') this.core.calls.reject(this.current.cid, new ActorDeadError(this.cell.id, reason));
    this.current = undefined;
    this.cell.incarnationExited(this, reason);
  }

  private wake(): void {
    if (this.ready && !this.busy && !this.dead && this.head < this.mailbox.length) this.core.dispatcher.schedule(this);
  }
}
