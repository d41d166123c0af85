/**
 * One actor identity: its address, lifecycle machine, stash, monitors and
 * links. It outlives its incarnations: a restart replaces the incarnation and
 * keeps the ref, so messages sent meanwhile are stashed and delivered after.
 */
import { ActorDeadError, ArgumentError } from '../errors/index.js';
import { CellRef } from './actor-ref.js';
import type { Shutdown } from './child-spec.js';
import type { RelaySettle } from './calls.js';
import type { RuntimeCore } from './core.js';
import type { Delivery, Incarnation, ActorStart } from './host.js';
import { InlineIncarnation } from './inline-host.js';
import { Lifecycle } from './lifecycle.js';
import { DEFAULT_CALL_TIMEOUT_MS, type CallOptions } from './logic.js';
import { describeExit, type ExitReason } from './reason.js';
import { Stash } from './stash.js';
import { WorkerIncarnation } from './worker-host.js';

function callTimeout(options: CallOptions | undefined): number {
  const timeoutMs = options?.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new ArgumentError(`options.timeoutMs must be a positive number of ms, got ${timeoutMs}`);
  return timeoutMs;
}

/** What a supervisor needs from any child (actor or nested supervisor). */
export interface ChildNode {
  readonly id: string;
  readonly lifecycle: Lifecycle;
  /** Set by the parent: called when the child exits without being asked to. */
  onExit: ((reason: ExitReason) => void) | undefined;
  start(): Promise<void>;
  /** Stop the running incarnation (if any) and enter `restarting`. */
  beginRestart(shutdown: Shutdown): Promise<void>;
  /** Start a fresh incarnation; throws if its init fails. */
  completeRestart(): Promise<void>;
  stop(shutdown: Shutdown): Promise<void>;
  /** Not restarted: settle in stopped/failed. */
  end(reason: ExitReason): void;
}

type Watcher = (reason: ExitReason) => void;

export class ActorCell implements ChildNode {
  readonly lifecycle: Lifecycle;
  readonly ref: CellRef;
  onExit: ((reason: ExitReason) => void) | undefined;
  /** User messages handled, over all incarnations (fault plans count these). */
  handled = 0;
  private inc: Incarnation | undefined;
  private starting: Incarnation | undefined;
  /** A worker thread started ahead (options.warmSpare): the next incarnation. */
  private spare: WorkerIncarnation | undefined;
  private readonly stash: Stash;
  private expecting: (() => void) | undefined;
  private readonly watchers = new Map<number, Watcher>();
  private readonly links = new Set<ActorCell>();

  constructor(
    private readonly core: RuntimeCore,
    readonly id: string,
    private readonly spec: ActorStart,
    stashCapacity: number,
  ) {
    this.stash = new Stash(stashCapacity);
    this.ref = new CellRef(core, id);
    this.lifecycle = new Lifecycle((from, to) =>
      core.events.emit({ type: 'lifecycle', at: core.clock.now(), actor: id, from, to }),
    );
  }

  get alive(): boolean {
    return this.lifecycle.alive;
  }

  /** Messages waiting in the stash, and how many did not fit. */
  get stashStats(): { size: number; overflowed: number } {
    return { size: this.stash.size, overflowed: this.stash.overflowed };
  }

  async start(): Promise<void> {
    if (!this.lifecycle.tryMove({ type: 'START' })) throw new ArgumentError(`actor ${this.id} was already started`);
    try {
      await this.spawn();
    } catch (err) {
      this.dropSpare();
      this.lifecycle.tryMove({ type: 'FAILED' });
      this.drainStash();
      throw err;
    }
    this.lifecycle.tryMove({ type: 'STARTED' });
    this.flushStash();
  }

  async beginRestart(shutdown: Shutdown): Promise<void> {
    this.lifecycle.tryMove({ type: 'RESTART' });
    await this.shutdownIncarnation(shutdown, 'shutdown');
  }

  async completeRestart(): Promise<void> {
    if (this.lifecycle.state !== 'restarting') return;
    await this.spawn();
    if (!this.lifecycle.tryMove({ type: 'STARTED' })) {
      // Stopped while we were starting: do not keep a stray incarnation.
      this.inc?.kill('shutdown');
      return;
    }
    this.flushStash();
  }

  async stop(shutdown: Shutdown): Promise<void> {
    if (this.lifecycle.ended) return;
    this.lifecycle.tryMove({ type: 'STOP' });
    this.dropSpare();
    await this.shutdownIncarnation(shutdown, 'shutdown');
    this.lifecycle.tryMove({ type: 'STOPPED' });
    this.drainStash();
  }

  end(reason: ExitReason): void {
    this.dropSpare();
    this.lifecycle.tryMove({ type: reason === 'normal' || reason === 'shutdown' ? 'EXITED' : 'FAILED' });
    this.drainStash();
  }

  deliver(d: Delivery): void {
    const st = this.lifecycle.state;
    if (st === 'stopping' || st === 'stopped' || st === 'failed' || st === 'idle') return this.dead(d, 'not_alive');
    if (this.inc) return this.inc.deliver(d);
    if (!this.stash.push(d)) this.dead(d, 'stash_overflow');
  }

  call(msg: unknown, options?: CallOptions): Promise<unknown> {
    const timeoutMs = callTimeout(options);
    const { cid, promise } = this.core.calls.open(this.id, timeoutMs);
    this.deliverCall(cid, msg, timeoutMs, options?.transfer);
    return promise;
  }

  /** A call on behalf of another thread: the reply's moved buffers reach `settle` to move on. */
  relayCall(msg: unknown, options: CallOptions | undefined, settle: RelaySettle): void {
    const timeoutMs = callTimeout(options);
    this.deliverCall(this.core.calls.openRelay(this.id, timeoutMs, settle), msg, timeoutMs, options?.transfer);
  }

  private deliverCall(cid: number, msg: unknown, timeoutMs: number, transfer: readonly ArrayBuffer[] | undefined): void {
    try {
      this.deliver(transfer && transfer.length > 0 ? { kind: 'call', cid, msg, timeoutMs, transfer } : { kind: 'call', cid, msg, timeoutMs });
    } catch (err) {
      // e.g. a bad transfer list: the call fails, nothing is left pending.
      this.core.calls.reject(cid, err);
    }
  }

  /** Called by an incarnation when it has died (any cause, exactly once). */
  incarnationExited(inc: Incarnation, reason: ExitReason): void {
    if (inc !== this.inc) return;
    this.inc = undefined;
    for (const d of this.stash.prepend(inc.takeUnstarted())) this.dead(d, 'stash_overflow');
    this.core.events.emit({ type: 'exit', at: this.core.clock.now(), actor: this.id, reason: describeExit(reason) });
    this.notifyExit(reason);
    if (this.expecting) {
      const done = this.expecting;
      this.expecting = undefined;
      done();
      return;
    }
    if (this.onExit) this.onExit(reason);
    else this.end(reason);
  }

  // ---- monitors and links -------------------------------------------------

  /** Watch this actor; `notify` runs once when it exits (at once, async, with 'noproc' if not alive). */
  addWatcher(mid: number, notify: Watcher): void {
    if (!this.alive) {
      queueMicrotask(() => notify('noproc'));
      return;
    }
    this.watchers.set(mid, notify);
  }

  removeWatcher(mid: number): void {
    this.watchers.delete(mid);
  }

  link(other: ActorCell): void {
    if (other === this) return;
    if (!other.alive) {
      this.exitSignal(other.id, 'noproc');
      return;
    }
    this.links.add(other);
    other.links.add(this);
  }

  unlink(other: ActorCell): void {
    this.links.delete(other);
    other.links.delete(this);
  }

  /** An EXIT from a linked actor: trapped into a signal, or fatal unless `normal`. */
  exitSignal(from: string, reason: ExitReason): void {
    const trap = this.inc ? this.inc.trapExit : this.spec.host === 'inline' && this.spec.logic.trapExit === true;
    if (trap) {
      this.deliver({ kind: 'signal', signal: { type: 'exit', from, reason } });
    } else if (reason !== 'normal') {
      this.inc?.kill(reason);
    }
  }

  // ---- internals -----------------------------------------------------------

  private async spawn(): Promise<void> {
    let inc: Incarnation;
    if (this.spec.host === 'inline') inc = new InlineIncarnation(this.core, this, this.spec.logic, this.spec.arg);
    else {
      const spare = this.spare;
      this.spare = undefined;
      inc = spare && !spare.isDead ? spare : new WorkerIncarnation(this.core, this, this.spec);
      if (this.spec.options?.warmSpare === true) {
        this.spare = new WorkerIncarnation(this.core, this, this.spec);
        this.spare.prestart();
      }
    }
    this.starting = inc;
    try {
      await inc.start();
    } finally {
      if (this.starting === inc) this.starting = undefined;
    }
    this.inc = inc;
  }

  private dropSpare(): void {
    this.spare?.kill('shutdown');
    this.spare = undefined;
  }

  private async shutdownIncarnation(shutdown: Shutdown, reason: ExitReason): Promise<void> {
    if (this.starting) {
      this.starting.kill('killed');
      this.starting = undefined;
    }
    const inc = this.inc;
    if (!inc) return;
    await new Promise<void>((resolve) => {
      let timer: ReturnType<typeof this.core.clock.setTimeout> | undefined;
      this.expecting = () => {
        this.core.clock.clearTimeout(timer);
        resolve();
      };
      if (shutdown === 'brutal_kill') {
        inc.kill('killed');
        return;
      }
      if (typeof shutdown === 'number') {
        timer = this.core.clock.setTimeout(() => {
          if (this.inc === inc) inc.kill('killed');
        }, shutdown);
      }
      inc.stop(reason);
    });
  }

  private notifyExit(reason: ExitReason): void {
    if (this.watchers.size > 0) {
      const ws = [...this.watchers.values()];
      this.watchers.clear();
      for (const w of ws) w(reason);
    }
    if (this.links.size > 0) {
      const ls = [...this.links];
      this.links.clear();
      for (const l of ls) {
        l.links.delete(this);
        l.exitSignal(this.id, reason);
      }
    }
  }

  private flushStash(): void {
    const inc = this.inc;
    if (!inc) return;
    for (const d of this.stash.takeAll()) inc.deliver(d);
  }

  private drainStash(): void {
    for (const d of this.stash.takeAll()) this.dead(d, 'not_alive');
  }

  private dead(d: Delivery, reason: 'not_alive' | 'stash_overflow'): void {
    this.core.deadLetter(this.id, d, reason);
  }

  /** For errors raised on behalf of this actor. */
  deadError(reason: ExitReason): ActorDeadError {
    return new ActorDeadError(this.id, reason);
  }
}
