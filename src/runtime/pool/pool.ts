import type { TransferListItem } from 'node:worker_threads';
import { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { ActorDeadError, ArgumentError, RemoteError, describeReason } from '../../errors/index.js';
import { SystemClock, type Clock, type TimerHandle } from '../../clock/index.js';
import { JobCrashedError } from './errors.js';
import { prepareJob, type Job } from './job.js';
import { RestartWindow, type RestartBudget } from '../restart-window.js';
import type { JobReply, PoolRequest } from './wire.js';
import { poolWorkerFile } from './worker-file.js';
import type { ServiceChildSpec } from '../child-spec.js';
import { poolChildSpec, type PoolChildOptions } from './supervised-pool.js';

export interface PoolOptions {
  /** Names the pool in errors and events; default `pool`. */
  readonly name?: string;
  /** Worker threads, all started by `start()`; default cores − 1 (at least 1). */
  readonly threads?: number;
  /** Extra runs of a job after its worker crashed; default 2. */
  readonly retries?: number;
  /** Crashes allowed within `period` before the pool fails; default 5. */
  readonly intensity?: number;
  /** Milliseconds; default 5000. */
  readonly period?: number;
  readonly clock?: Clock;
  /**
   * Count crashes here instead of in the pool's own intensity window: a
   * supervisor passes its budget so pool crashes count against its intensity.
   */
  readonly restarts?: RestartBudget;
  /** Heap limits per worker (ArrayBuffers are not counted by V8). */
  readonly resourceLimits?: { maxOldGenerationSizeMb?: number; maxYoungGenerationSizeMb?: number };
  /** Node flags for the workers; default: tsx's loader when running from source. */
  readonly execArgv?: readonly string[];
}

export interface PoolStats {
  readonly completed: number;
  /** Jobs that rejected: handler exceptions and crashes past their retries. */
  readonly failed: number;
  /** Re-runs after a crash. */
  readonly retried: number;
  /** Worker threads that died. */
  readonly crashes: number;
  /** Jobs accepted and not yet settled. */
  readonly pending: number;
}

export type PoolState = 'defined' | 'starting' | 'running' | 'draining' | 'stopping' | 'stopped' | 'failed';

export interface CrashInfo {
  /** The job running on the worker, if any. */
  readonly job: string | undefined;
  readonly attempt: number;
  readonly error: unknown;
}

type PoolEvents = {
  crash: [CrashInfo];
  failed: [reason: unknown];
  stopped: [];
};

interface PendingJob {
  readonly label: string;
  readonly request: PoolRequest;
  readonly transfer: readonly TransferListItem[];
  attempts: number;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * A supervised pool of stateless worker threads for CPU jobs, on piscina.
 * Define, then `start()`; `run()` jobs; `stop()`. A job whose worker dies is
 * re-run on a live worker up to `retries` times; every crash counts against
 * the restart intensity, and exceeding it fails the pool: pending jobs reject
 * with ActorDeadError and 'failed' is emitted (a supervisor restarts it).
 */
export class WorkerPool extends EventEmitter<PoolEvents> {
  readonly name: string;
  readonly threads: number;
  readonly retries: number;
  private readonly clock: Clock;
  private budget: RestartBudget;
  private readonly baseBudget: RestartBudget;
  private readonly ownWindow: RestartWindow | undefined;
  private readonly resourceLimits: PoolOptions['resourceLimits'];
  private readonly execArgv: readonly string[] | undefined;
  private piscina: Piscina | undefined;
  private current: PoolState = 'defined';
  private starting: Promise<void> | undefined;
  private readonly pending = new Set<PendingJob>();
  private drainWaiters: Array<() => void> = [];
  private counts = { completed: 0, failed: 0, retried: 0, crashes: 0 };

  constructor(options: PoolOptions = {}) {
    super();
    this.name = options.name ?? 'pool';
    this.threads = options.threads ?? Math.max(1, availableParallelism() - 1);
    if (!Number.isInteger(this.threads) || this.threads < 1 || this.threads > 1024) {
      throw new ArgumentError(`options.threads must be an integer in 1..1024, got ${String(options.threads)}`);
    }
    this.retries = options.retries ?? 2;
    if (!Number.isInteger(this.retries) || this.retries < 0) {
      throw new ArgumentError(`options.retries must be a non-negative integer, got ${String(options.retries)}`);
    }
    this.clock = options.clock ?? new SystemClock();
    if (options.restarts) {
      this.budget = options.restarts;
    } else {
      this.ownWindow = new RestartWindow(options.intensity ?? 5, options.period ?? 5000, this.clock);
      this.budget = this.ownWindow;
    }
    this.baseBudget = this.budget;
    this.resourceLimits = options.resourceLimits;
    this.execArgv = options.execArgv;
  }

  get state(): PoolState {
    return this.current;
  }

  /**
   * This pool as a supervisor's child (`type: 'service'`; see
   * supervised-pool.ts): worker crashes count against the supervisor's
   * intensity/period, exceeding it makes the supervisor escalate.
   */
  childSpec(id: string, options: PoolChildOptions = {}): ServiceChildSpec {
    return poolChildSpec(this, id, options);
  }

  /** Where crashes are counted: a supervisor's budget, or (undefined) the pool's own window. */
  chargeRestartsTo(budget: RestartBudget | undefined): void {
    this.budget = budget ?? this.baseBudget;
  }

  get stats(): PoolStats {
    return { ...this.counts, pending: this.pending.size };
  }

  /** Spawns the workers and checks one answers. Resolves when jobs can run. */
  start(): Promise<void> {
    if (this.current === 'running') return Promise.resolve();
    if (this.current === 'starting') return this.starting!;
    if (this.current === 'draining' || this.current === 'stopping') {
      return Promise.reject(new ArgumentError(`pool ${this.name} is ${this.current}; wait for stop() before start()`));
    }
    this.current = 'starting';
    this.ownWindow?.reset();
    const worker = poolWorkerFile();
    const piscina = new Piscina({
      filename: worker.filename,
      name: 'default',
      minThreads: this.threads,
      maxThreads: this.threads,
      idleTimeout: Number.MAX_SAFE_INTEGER,
      execArgv: [...(this.execArgv ?? worker.execArgv)],
      ...(this.resourceLimits ? { resourceLimits: this.resourceLimits } : {}),
    });
    // A worker that dies with no job on it surfaces here; without a listener
    // EventEmitter would throw it.
    piscina.on('error', (err: unknown) => this.onCrash(piscina, undefined, err));
    this.piscina = piscina;
    const ping: PoolRequest = { kind: 'ping' };
    this.starting = piscina.run(ping).then(
      () => {
        if (this.piscina === piscina && this.current === 'starting') this.current = 'running';
        this.starting = undefined;
      },
      (err: unknown) => {
        this.starting = undefined;
        const reason = new ActorDeadError(this.name, `workers failed to start: ${describeReason(err)}`, { cause: err });
        if (this.piscina === piscina) this.fail(reason);
        throw reason;
      },
    );
    return this.starting;
  }

  /** Runs one job; resolves with the handler's result (moved buffers arrive detached from the worker). */
  run<R = unknown>(job: Job): Promise<R> {
    if (this.current !== 'running') {
      return Promise.reject(new ActorDeadError(this.name, `pool is ${this.current}; run() needs a started pool`));
    }
    let prepared;
    try {
      prepared = prepareJob(job);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<R>((resolve, reject) => {
      const p: PendingJob = {
        label: prepared.label,
        request: prepared.request,
        transfer: prepared.transfer,
        attempts: 0,
        resolve: resolve as (v: unknown) => void,
        reject,
      };
      this.pending.add(p);
      this.dispatch(p);
    });
  }

  /**
   * Stops the pool. By default pending jobs reject with ActorDeadError at
   * once and the workers are terminated; with `drain` new jobs are refused
   * and running ones finish first (up to `timeout` ms, then as without drain).
   */
  async stop(options: { drain?: boolean; timeout?: number } = {}): Promise<void> {
    if (this.current === 'starting') await this.starting?.catch(() => undefined);
    if (this.current !== 'running' && this.current !== 'draining') return;
    if (options.drain && this.pending.size > 0) {
      this.current = 'draining';
      await this.whenDrained(options.timeout);
      if ((this.current as PoolState) !== 'draining') return; // failed meanwhile
    }
    this.current = 'stopping';
    const piscina = this.piscina;
    this.piscina = undefined;
    this.rejectAll(new ActorDeadError(this.name, 'pool stopped'));
    await piscina?.destroy().catch(() => undefined);
    this.current = 'stopped';
    this.emit('stopped');
  }

  private whenDrained(timeout: number | undefined): Promise<void> {
    return new Promise((resolve) => {
      let timer: TimerHandle | undefined;
      const done = (): void => {
        this.clock.clearTimeout(timer);
        resolve();
      };
      if (timeout !== undefined) timer = this.clock.setTimeout(done, timeout);
      this.drainWaiters.push(done);
    });
  }

  private dispatch(p: PendingJob): void {
    const piscina = this.piscina!;
    const transfer = p.attempts === 0 ? p.transfer : [];
    p.attempts++;
    const opts = transfer.length > 0 ? { transferList: transfer as never } : undefined;
    piscina.run(p.request, opts).then(
      (reply: JobReply) => this.onReply(p, reply),
      (err: unknown) => this.onCrash(piscina, p, err),
    );
  }

  private onReply(p: PendingJob, reply: JobReply): void {
    if (!this.pending.has(p)) return;
    if (reply.ok) {
      this.counts.completed++;
      this.settle(p);
      p.resolve(reply.value);
    } else {
      this.counts.failed++;
      this.settle(p);
      p.reject(new RemoteError(reply.error.name, reply.error.message, reply.error.stack));
    }
  }

  private onCrash(piscina: Piscina, p: PendingJob | undefined, err: unknown): void {
    if (piscina !== this.piscina || (p && !this.pending.has(p))) return;
    this.counts.crashes++;
    this.emit('crash', { job: p?.label, attempt: p?.attempts ?? 0, error: err });
    if (!this.budget.record()) {
      this.fail(new ActorDeadError(this.name, `restart intensity exceeded after a worker crash: ${describeReason(err)}`, { cause: err }));
      return;
    }
    if (piscina.threads.length === 0) {
      // piscina does not respawn workers that die while starting up.
      this.fail(new ActorDeadError(this.name, `no live workers left: ${describeReason(err)}`, { cause: err }));
      return;
    }
    if (!p) return;
    if (p.transfer.length > 0) {
      this.counts.failed++;
      this.settle(p);
      p.reject(new JobCrashedError(this.name, p.label, p.attempts, 'its moved input died with the worker, so it was not retried', { cause: err }));
    } else if (p.attempts <= this.retries) {
      this.counts.retried++;
      this.dispatch(p);
    } else {
      this.counts.failed++;
      this.settle(p);
      p.reject(new JobCrashedError(this.name, p.label, p.attempts, describeReason(err), { cause: err }));
    }
  }

  private fail(reason: ActorDeadError): void {
    const piscina = this.piscina;
    this.piscina = undefined;
    this.current = 'failed';
    this.rejectAll(reason);
    void piscina?.destroy().catch(() => undefined);
    this.emit('failed', reason);
  }

  private rejectAll(reason: unknown): void {
    const jobs = [...this.pending];
    for (const p of jobs) this.settle(p);
    this.counts.failed += jobs.length;
    for (const p of jobs) p.reject(reason);
  }

  private settle(p: PendingJob): void {
    this.pending.delete(p);
    if (this.pending.size === 0 && this.drainWaiters.length > 0) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of waiters) w();
    }
  }
}
