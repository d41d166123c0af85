/**
 * An OTP supervisor: starts children in order, stops them in reverse, restarts
 * them by strategy and restart type, and gives up (escalates to its parent)
 * when more than `intensity` restarts fall within `period` ms. Exits are
 * handled one at a time, in order, on an internal queue.
 */
import { ArgumentError } from '../errors/index.js';
import type { Rng } from '../random/rng.js';
import { ActorCell, type ChildNode } from './actor-cell.js';
import { normalizeChild, normalizeSupervisor, type ChildSpec, type ChildType, type ServiceChildSpec, type NormalChild, type NormalSupervisor, type Shutdown, type SupervisorSpec, type WorkerChildSpec } from './child-spec.js';
import type { RuntimeCore } from './core.js';
import { Lifecycle, type LifecycleState } from './lifecycle.js';
import type { ActorRef } from './logic.js';
import { isAbnormal, type ExitReason } from './reason.js';
import { RestartWindow } from './restart-window.js';
import { ServiceNode } from './service.js';
import { Sleeper, backoffDelay } from './backoff.js';

/** Where supervisors register what they create (the system's address book). */
export interface Registry {
  addCell(cell: ActorCell): void;
  addSupervisor(sup: Supervisor): void;
  remove(path: string): void;
  readonly rng: Rng;
}

interface Entry {
  readonly child: NormalChild;
  readonly node: ChildNode;
}

export interface ChildInfo {
  readonly id: string;
  readonly type: ChildType;
  readonly state: LifecycleState;
}

export class Supervisor implements ChildNode {
  readonly lifecycle: Lifecycle;
  onExit: ((reason: ExitReason) => void) | undefined;
  private readonly spec: NormalSupervisor;
  private entries: Entry[] = [];
  private chain: Promise<void> = Promise.resolve();
  private readonly window: RestartWindow;
  private halted = false;
  private dynamicSeq = 0;
  private readonly sleeper: Sleeper;

  constructor(
    private readonly core: RuntimeCore,
    private readonly registry: Registry,
    readonly id: string,
    spec: SupervisorSpec,
  ) {
    this.spec = normalizeSupervisor(spec, `supervisor ${id}`);
    this.window = new RestartWindow(this.spec.intensity, this.spec.period, core.clock);
    this.sleeper = new Sleeper(core.clock);
    this.lifecycle = new Lifecycle((from, to) => core.events.emit({ type: 'lifecycle', at: core.clock.now(), actor: id, from, to }));
  }

  get strategy(): string {
    return this.spec.strategy;
  }

  async start(): Promise<void> {
    if (!this.lifecycle.tryMove({ type: 'START' })) throw new ArgumentError(`supervisor ${this.id} was already started`);
    try {
      await this.startAll();
    } catch (err) {
      this.lifecycle.tryMove({ type: 'FAILED' });
      throw err;
    }
    this.lifecycle.tryMove({ type: 'STARTED' });
  }

  async beginRestart(_shutdown: Shutdown): Promise<void> {
    this.lifecycle.tryMove({ type: 'RESTART' });
    this.halted = true;
    this.sleeper.wake();
    await this.stopAll();
  }

  async completeRestart(): Promise<void> {
    if (this.lifecycle.state !== 'restarting') return;
    this.halted = false;
    this.window.reset();
    await this.startAll();
    this.lifecycle.tryMove({ type: 'STARTED' });
  }

  async stop(_shutdown: Shutdown): Promise<void> {
    if (this.lifecycle.ended) return;
    this.lifecycle.tryMove({ type: 'STOP' });
    this.halted = true;
    this.sleeper.wake();
    await this.stopAll();
    this.lifecycle.tryMove({ type: 'STOPPED' });
  }

  end(reason: ExitReason): void {
    this.lifecycle.tryMove({ type: reason === 'normal' ? 'EXITED' : 'FAILED' });
  }

  // ---- dynamic children ----------------------------------------------------

  /**
   * simple_one_for_one: start a child from the template with `arg` (ids are
   * `<template id>-<n>`). Other strategies: add and start the child `spec`.
   */
  startChild(argOrSpec?: unknown): Promise<ActorRef | Supervisor | undefined> {
    return this.serial(async () => {
      if (this.lifecycle.state !== 'running') throw new ArgumentError(`supervisor ${this.id} is ${this.lifecycle.state}, not running`);
      let child: NormalChild;
      if (this.spec.strategy === 'simple_one_for_one') {
        const t = this.spec.children[0];
        const id = `${t.id}-${++this.dynamicSeq}`;
        const spec: ChildSpec =
          t.type !== 'worker'
            ? { ...(t.spec as ChildSpec), id }
            : { ...(t.spec as WorkerChildSpec), id, start: { ...(t.spec as WorkerChildSpec).start, arg: argOrSpec } };
        child = { ...t, id, spec };
      } else {
        child = normalizeChild(argOrSpec as ChildSpec, `startChild(spec)`);
        if (this.entries.some((e) => e.child.id === child.id)) throw new ArgumentError(`supervisor ${this.id} already has a child ${child.id}`);
      }
      const entry = this.makeEntry(child);
      this.entries.push(entry);
      try {
        await entry.node.start();
      } catch (err) {
        this.removeEntry(entry);
        throw err;
      }
      if (entry.node instanceof ActorCell) return entry.node.ref;
      return entry.node instanceof Supervisor ? entry.node : undefined;
    });
  }

  /**
   * Stop the child (with its shutdown). As in OTP its spec is kept, so
   * restartChild(id) can start it again, except for simple_one_for_one and
   * temporary children, which are forgotten.
   */
  terminateChild(id: string): Promise<void> {
    return this.serial(async () => {
      const entry = this.entryOf(id);
      await entry.node.stop(entry.child.shutdown);
      if (this.spec.strategy === 'simple_one_for_one' || entry.child.restart === 'temporary') this.removeEntry(entry);
    });
  }

  /** Start a terminated child again from its kept spec (OTP restart_child); refs to it stay good. */
  restartChild(id: string): Promise<ActorRef | Supervisor | undefined> {
    return this.serial(async () => {
      const old = this.terminatedEntry(id, 'restartChild');
      const entry = this.makeEntry(old.child);
      this.entries[this.entries.indexOf(old)] = entry;
      await entry.node.start();
      if (entry.node instanceof ActorCell) return entry.node.ref;
      return entry.node instanceof Supervisor ? entry.node : undefined;
    });
  }

  /** Forget a terminated child's spec (OTP delete_child). */
  deleteChild(id: string): Promise<void> {
    return this.serial(async () => {
      this.removeEntry(this.terminatedEntry(id, 'deleteChild'));
    });
  }

  private entryOf(id: string): Entry {
    const entry = this.entries.find((e) => e.child.id === id);
    if (!entry) throw new ArgumentError(`supervisor ${this.id} has no child ${id}`);
    return entry;
  }

  private terminatedEntry(id: string, op: string): Entry {
    if (this.spec.strategy === 'simple_one_for_one') throw new ArgumentError(`${op} is not for simple_one_for_one supervisors (${this.id}); use terminateChild`);
    const entry = this.entryOf(id);
    if (!entry.node.lifecycle.ended) {
      throw new ArgumentError(`${op}: child ${id} of ${this.id} is ${entry.node.lifecycle.state}; terminate it first`);
    }
    return entry;
  }

  whichChildren(): ChildInfo[] {
    return this.entries.map((e) => ({ id: e.child.id, type: e.child.type, state: e.node.lifecycle.state }));
  }

  /** Resolves when every exit seen so far has been handled. */
  idle(): Promise<void> {
    return this.serial(async () => {});
  }

  // ---- internals -------------------------------------------------------------

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn);
    this.chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private makeEntry(child: NormalChild): Entry {
    const path = `${this.id}/${child.id}`;
    let node: ChildNode;
    if (child.type === 'supervisor') {
      const sup = new Supervisor(this.core, this.registry, path, (child.spec as { start: SupervisorSpec }).start);
      this.registry.addSupervisor(sup);
      node = sup;
    } else if (child.type === 'service') {
      node = new ServiceNode(this.core, path, (child.spec as ServiceChildSpec).start, () => this.chargeInnerRestart(child.id));
    } else {
      const cell = new ActorCell(this.core, path, (child.spec as WorkerChildSpec).start, child.stashCapacity);
      this.registry.addCell(cell);
      node = cell;
    }
    const entry: Entry = { child, node };
    node.onExit = (reason) => {
      void this.serial(() => this.childExited(entry, reason));
    };
    return entry;
  }

  private removeEntry(entry: Entry): void {
    this.entries = this.entries.filter((e) => e !== entry);
    this.registry.remove(`${this.id}/${entry.child.id}`);
  }

  private async startAll(): Promise<void> {
    if (this.spec.strategy === 'simple_one_for_one') {
      for (const e of this.entries) this.registry.remove(`${this.id}/${e.child.id}`);
      this.entries = [];
      return;
    }
    this.entries = this.spec.children.map((c) => this.makeEntry(c));
    const started: Entry[] = [];
    for (const e of this.entries) {
      try {
        await e.node.start();
      } catch (err) {
        for (const s of started.reverse()) await s.node.stop(s.child.shutdown);
        throw err;
      }
      started.push(e);
    }
  }

  private async stopAll(): Promise<void> {
    for (const e of [...this.entries].reverse()) await e.node.stop(e.child.shutdown);
  }

  private async childExited(entry: Entry, reason: ExitReason): Promise<void> {
    if (this.halted || !this.entries.includes(entry)) return;
    const restart = entry.child.restart === 'permanent' || (entry.child.restart === 'transient' && isAbnormal(reason));
    if (!restart) {
      entry.node.end(reason);
      if (entry.child.restart === 'temporary' || this.spec.strategy === 'simple_one_for_one') this.removeEntry(entry);
      return;
    }
    let group: Entry[];
    if (this.spec.strategy === 'one_for_all') group = [...this.entries];
    else if (this.spec.strategy === 'rest_for_one') group = this.entries.slice(this.entries.indexOf(entry));
    else group = [entry];
    await this.restartGroup(entry, group);
  }

  private async restartGroup(failed: Entry, group: Entry[]): Promise<void> {
    for (;;) {
      if (!this.window.record()) return this.escalate();
      const delayMs = this.backoffDelay();
      this.core.events.emit({ type: 'restart', at: this.core.clock.now(), supervisor: this.id, child: failed.child.id, delayMs });
      // Stop the others in reverse start order (the failed one only changes state).
      for (const e of [...group].reverse()) {
        if (e !== failed && e.child.restart === 'temporary') {
          await e.node.stop(e.child.shutdown);
          this.removeEntry(e);
        } else await e.node.beginRestart(e.child.shutdown);
        if (this.halted) return;
      }
      group = group.filter((e) => this.entries.includes(e));
      if (delayMs > 0) await this.sleeper.sleep(delayMs);
      if (this.halted) return;
      let retry = false;
      for (const e of group) {
        try {
          await e.node.completeRestart();
        } catch {
          // A child that fails to come back counts as another restart (OTP's try_again_restart).
          failed = e;
          group = group.slice(group.indexOf(e));
          retry = true;
          break;
        }
        if (this.halted) return;
      }
      if (!retry) return;
    }
  }

  /**
   * A service restarted something inside itself (a pool's worker thread): it
   * counts against this supervisor's intensity like a child restart, and
   * exceeding it escalates. Returns false when exceeded.
   */
  private chargeInnerRestart(child: string): boolean {
    if (this.halted) return false;
    const ok = this.window.record();
    this.core.events.emit({ type: 'restart', at: this.core.clock.now(), supervisor: this.id, child, delayMs: 0 });
    if (!ok) {
      this.halted = true; // no more restarts from here on; escalate() stops everyone
      void this.serial(() => this.escalate());
    }
    return ok;
  }

  private backoffDelay(): number {
    return this.spec.backoff ? backoffDelay(this.spec.backoff, this.window.count, this.registry.rng) : 0;
  }

  private async escalate(): Promise<void> {
    this.core.events.emit({ type: 'escalate', at: this.core.clock.now(), supervisor: this.id, restarts: this.window.count });
    this.halted = true;
    await this.stopAll();
    // OTP: the supervisor exits with `shutdown`; its parent decides what follows.
    if (this.onExit) this.onExit('shutdown');
    else this.lifecycle.tryMove({ type: 'FAILED' });
  }
}
