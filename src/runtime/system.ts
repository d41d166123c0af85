/**
 * The root of a runtime: define first, run later. `new ActorSystem(opts)`
 * checks options and spawns nothing; `start()` starts the root supervisor tree.
 */
import { SystemClock, type Clock } from '../clock/index.js';
import { ActorDeadError, ArgumentError, CapacityError } from '../errors/index.js';
import { Rng } from '../random/rng.js';
import { ActorCell } from './actor-cell.js';
import { CellRef } from './actor-ref.js';
import { CallTable } from './calls.js';
import { SUPERVISION_DEFAULTS, type SupervisorSpec } from './child-spec.js';
import type { FaultInjector, RuntimeCore } from './core.js';
import { Dispatcher } from './dispatcher.js';
import { EventBus, type DeadLetterReason, type Listener } from './events.js';
import type { ActorStart, Delivery } from './host.js';
import type { LifecycleState } from './lifecycle.js';
import type { ActorRef, Address } from './logic.js';
import type { ExitReason } from './reason.js';
import { Supervisor, type Registry } from './supervisor.js';

export interface ActorSystemOptions {
  /** Path of the root supervisor (default 'root'); children are '<name>/<child id>'. */
  readonly name?: string;
  /** The supervision tree started by start(). */
  readonly root?: SupervisorSpec;
  readonly clock?: Clock;
  /** Seed for jitter and (with scheduler 'seeded') message interleaving. Default 1. */
  readonly seed?: number;
  /** 'fifo' (default): round robin over ready inline actors; 'seeded': a seeded random pick (simulation). */
  readonly scheduler?: 'fifo' | 'seeded';
  /** Fault injection for inline actors (see FaultPlan). */
  readonly faults?: FaultInjector;
  /** Emit a 'receive' event per message handled (traces; off by default for speed). */
  readonly traceReceives?: boolean;
}

export class ActorSystem implements RuntimeCore, Registry {
  readonly clock: Clock;
  readonly events = new EventBus();
  readonly calls: CallTable;
  readonly dispatcher: Dispatcher;
  readonly faults: FaultInjector | undefined;
  readonly traceReceives: boolean;
  readonly rng: Rng;
  readonly name: string;
  private readonly cells = new Map<string, ActorCell>();
  private readonly supervisors = new Map<string, Supervisor>();
  private readonly topLevel: ActorCell[] = [];
  private rootSup: Supervisor | undefined;
  private monitorSeq = 0;
  private deadLetterCount = 0;
  private state: 'defined' | 'started' | 'stopped' = 'defined';

  constructor(private readonly options: ActorSystemOptions = {}) {
    const name = options.name ?? 'root';
    if (typeof name !== 'string' || name.length === 0 || name.includes('/')) throw new ArgumentError(`options.name must be a non-empty string without '/', got ${String(name)}`);
    if (options.scheduler !== undefined && options.scheduler !== 'fifo' && options.scheduler !== 'seeded') {
      throw new ArgumentError(`options.scheduler must be 'fifo' or 'seeded', got ${String(options.scheduler)}`);
    }
    const seed = options.seed ?? 1;
    if (!Number.isInteger(seed)) throw new ArgumentError(`options.seed must be an integer, got ${seed}`);
    this.name = name;
    this.clock = options.clock ?? new SystemClock();
    this.rng = new Rng(seed);
    this.dispatcher = new Dispatcher(options.scheduler === 'seeded' ? this.rng.fork() : undefined);
    this.calls = new CallTable(this.clock);
    this.faults = options.faults;
    this.traceReceives = options.traceReceives === true;
  }

  /** Start the root supervisor tree (children in order). */
  async start(): Promise<this> {
    if (this.state !== 'defined') throw new ArgumentError(`actor system ${this.name} was already started`);
    this.state = 'started';
    if (this.options.root) {
      this.rootSup = new Supervisor(this, this, this.name, this.options.root);
      this.addSupervisor(this.rootSup);
      await this.rootSup.start();
    }
    return this;
  }

  /** Stop unsupervised actors and the tree (children in reverse order). Pending calls to them reject. */
  async stop(): Promise<void> {
    if (this.state !== 'started') return;
    this.state = 'stopped';
    for (const c of [...this.topLevel].reverse()) await c.stop(SUPERVISION_DEFAULTS.workerShutdown);
    if (this.rootSup) await this.rootSup.stop('infinity');
  }

  /** A stable ref to the actor at `path` (e.g. 'root/worker'). */
  ref<M = unknown, R = unknown>(path: string): ActorRef<M, R> {
    if (!this.cells.has(path)) throw new ArgumentError(`no actor at path ${path}`);
    return new CellRef<M, R>(this, path);
  }

  /** The supervisor at `path` (the root is `name`). */
  supervisor(path: string = this.name): Supervisor {
    const s = this.supervisors.get(path);
    if (!s) throw new ArgumentError(`no supervisor at path ${path}`);
    return s;
  }

  /** Lifecycle state of the actor or supervisor at `path`. */
  stateOf(path: string): LifecycleState | undefined {
    return (this.cells.get(path) ?? this.supervisors.get(path))?.lifecycle.state;
  }

  /** An unsupervised top-level actor (ends for good when it exits). */
  async spawn<M = unknown, R = unknown>(id: string, start: ActorStart, options: { stashCapacity?: number } = {}): Promise<ActorRef<M, R>> {
    if (this.state !== 'started') throw new ArgumentError(`actor system ${this.name} is ${this.state}, not started`);
    if (typeof id !== 'string' || id.length === 0 || id.includes('/')) throw new ArgumentError(`spawn id must be a non-empty string without '/', got ${String(id)}`);
    if (this.cells.has(id) || this.supervisors.has(id)) throw new ArgumentError(`an actor ${id} exists already`);
    const cell = new ActorCell(this, id, start, options.stashCapacity ?? SUPERVISION_DEFAULTS.stashCapacity);
    this.addCell(cell);
    this.topLevel.push(cell);
    await cell.start();
    return cell.ref as ActorRef<M, R>;
  }

  /** Watch an actor from outside: `onDown` runs once when it exits. Returns a function that cancels. */
  monitor(target: Address, onDown: (reason: ExitReason) => void): () => void {
    const cell = this.resolve(target);
    if (!cell) {
      queueMicrotask(() => onDown('noproc'));
      return () => {};
    }
    const mid = this.nextMonitorId();
    cell.addWatcher(mid, onDown);
    return () => cell.removeWatcher(mid);
  }

  subscribe(fn: Listener): () => void {
    return this.events.subscribe(fn);
  }

  /** Messages that found no live actor, or overflowed a stash. */
  get deadLetters(): number {
    return this.deadLetterCount;
  }

  // ---- RuntimeCore / Registry ------------------------------------------------

  nextMonitorId(): number {
    return ++this.monitorSeq;
  }

  resolve(addr: Address): ActorCell | undefined {
    return this.cells.get(typeof addr === 'string' ? addr : addr.id);
  }

  deadLetter(actor: string, d: Delivery, reason: DeadLetterReason): void {
    this.deadLetterCount++;
    if (this.events.active) this.events.emit({ type: 'deadLetter', at: this.clock.now(), actor, reason });
    if (d.kind === 'call') {
      this.calls.reject(
        d.cid,
        reason === 'stash_overflow'
          ? new CapacityError(`stash of ${actor} is full while it restarts; call dead-lettered`)
          : new ActorDeadError(actor, reason === 'unknown_actor' ? 'noproc' : 'not alive'),
      );
    }
  }

  addCell(cell: ActorCell): void {
    this.cells.set(cell.id, cell);
  }

  addSupervisor(sup: Supervisor): void {
    this.supervisors.set(sup.id, sup);
  }

  remove(path: string): void {
    this.cells.delete(path);
    this.supervisors.delete(path);
  }
}
