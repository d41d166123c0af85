/**
 * A non-actor child of a supervisor: anything with start/stop (a job pool, a
 * server). The supervisor starts, stops and restarts it like any child; the
 * service reports its own death through `ctx.exit` and, for things it
 * restarts inside itself (a pool's crashed worker threads), charges each one
 * to the supervisor's intensity with `ctx.restarted()` — exceeding it makes
 * the supervisor escalate exactly as for a crashing actor.
 */
import type { Clock } from '../clock/index.js';
import { ArgumentError } from '../errors/index.js';
import type { ChildNode } from './actor-cell.js';
import type { Shutdown } from './child-spec.js';
import type { RuntimeCore } from './core.js';
import { Lifecycle } from './lifecycle.js';
import { describeExit, type ExitReason } from './reason.js';

export interface ServiceContext {
  readonly id: string;
  readonly clock: Clock;
  /**
   * Count one inner restart against the supervisor's intensity/period. False
   * when that exceeds it: the supervisor is then escalating (it stops its
   * children, this service included, and exits to its parent).
   */
  restarted(): boolean;
  /** The service died on its own: the supervisor applies the restart type and strategy. */
  exit(reason: ExitReason): void;
}

export interface Service {
  start(): Promise<void>;
  /** Orderly stop; the supervisor waits up to the child's `shutdown`. */
  stop(): Promise<void>;
}

/** Builds a fresh service incarnation (called on start and on every restart). */
export type ServiceFactory = (ctx: ServiceContext) => Service;

export class ServiceNode implements ChildNode {
  readonly lifecycle: Lifecycle;
  onExit: ((reason: ExitReason) => void) | undefined;
  private svc: Service | undefined;
  private generation = 0;

  constructor(
    private readonly core: RuntimeCore,
    readonly id: string,
    private readonly factory: ServiceFactory,
    private readonly charge: () => boolean,
  ) {
    this.lifecycle = new Lifecycle((from, to) => core.events.emit({ type: 'lifecycle', at: core.clock.now(), actor: id, from, to }));
  }

  async start(): Promise<void> {
    if (!this.lifecycle.tryMove({ type: 'START' })) throw new ArgumentError(`service ${this.id} was already started`);
    try {
      await this.spawn();
    } catch (err) {
      this.lifecycle.tryMove({ type: 'FAILED' });
      throw err;
    }
    this.lifecycle.tryMove({ type: 'STARTED' });
  }

  async beginRestart(shutdown: Shutdown): Promise<void> {
    this.lifecycle.tryMove({ type: 'RESTART' });
    await this.shutdown(shutdown);
  }

  async completeRestart(): Promise<void> {
    if (this.lifecycle.state !== 'restarting') return;
    await this.spawn();
    if (!this.lifecycle.tryMove({ type: 'STARTED' })) await this.shutdown('infinity');
  }

  async stop(shutdown: Shutdown): Promise<void> {
    if (this.lifecycle.ended) return;
    this.lifecycle.tryMove({ type: 'STOP' });
    await this.shutdown(shutdown);
    this.lifecycle.tryMove({ type: 'STOPPED' });
  }

  end(reason: ExitReason): void {
    this.lifecycle.tryMove({ type: reason === 'normal' || reason === 'shutdown' ? 'EXITED' : 'FAILED' });
  }

  private async spawn(): Promise<void> {
    const gen = ++this.generation;
    const current = (): boolean => gen === this.generation && this.svc !== undefined;
    const ctx: ServiceContext = {
      id: this.id,
      clock: this.core.clock,
      restarted: () => (current() && this.lifecycle.state === 'running' ? this.charge() : false),
      exit: (reason) => {
        if (!current() || this.lifecycle.state !== 'running') return;
        this.svc = undefined;
        this.core.events.emit({ type: 'exit', at: this.core.clock.now(), actor: this.id, reason: describeExit(reason) });
        if (this.onExit) this.onExit(reason);
        else this.end(reason);
      },
    };
    const svc = this.factory(ctx);
    if (!svc || typeof svc.start !== 'function' || typeof svc.stop !== 'function') {
      throw new ArgumentError(`service ${this.id}: start(ctx) must return { start(), stop() }`);
    }
    this.svc = svc;
    try {
      await svc.start();
    } catch (err) {
      this.svc = undefined;
      throw err;
    }
  }

  /** Stop the running incarnation: 'brutal_kill' does not wait, ms waits that long, 'infinity' waits. */
  private async shutdown(shutdown: Shutdown): Promise<void> {
    const svc = this.svc;
    this.svc = undefined;
    this.generation++;
    if (!svc) return;
    const stopped = svc.stop().catch(() => undefined);
    if (shutdown === 'brutal_kill') return;
    if (shutdown === 'infinity') return stopped;
    let timer: ReturnType<Clock['setTimeout']> | undefined;
    await Promise.race([stopped, new Promise<void>((resolve) => (timer = this.core.clock.setTimeout(resolve, shutdown)))]);
    this.core.clock.clearTimeout(timer);
  }
}
