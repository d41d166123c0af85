/**
 * Deterministic simulation: a SimulatedClock, a seeded scheduler and an event
 * trace. A whole inline tree runs in one thread; the seed alone reproduces the
 * interleaving, the faults (FaultPlan.fromSeed) and so the trace.
 */
import { SimulatedClock } from '../clock/index.js';
import { Rng } from '../random/rng.js';
import type { FaultInjector } from './core.js';
import { formatEvent } from './events.js';
import { ActorSystem, type ActorSystemOptions } from './system.js';

export class Simulation {
  readonly clock = new SimulatedClock();
  readonly system: ActorSystem;
  readonly trace: string[] = [];

  constructor(seed: number, options: Omit<ActorSystemOptions, 'clock' | 'seed' | 'scheduler'> = {}) {
    this.system = new ActorSystem({ traceReceives: true, ...options, clock: this.clock, seed, scheduler: 'seeded' });
    this.system.subscribe((e) => this.trace.push(formatEvent(e)));
  }

  /** Let every ready actor run until nothing is left to do at the current instant. */
  async settle(): Promise<void> {
    for (let i = 0; i < 10_000; i++) {
      await new Promise<void>((r) => setImmediate(r));
      if (this.system.dispatcher.idle) {
        await new Promise<void>((r) => setImmediate(r));
        if (this.system.dispatcher.idle) return;
      }
    }
  }

  /** Move simulated time forward by `ms`, firing timers in order and settling after each. */
  async advance(ms: number): Promise<void> {
    const target = this.clock.now() + ms;
    await this.settle();
    for (;;) {
      const due = this.clock.nextDue();
      if (due === undefined || due > target) break;
      this.clock.step();
      await this.settle();
    }
    this.clock.advance(target - this.clock.now());
  }
}

/** Crash chosen inline actors at chosen messages (1-based counts per actor identity). */
export class FaultPlan {
  private readonly plan = new Map<string, Set<number>>();

  static of(entries: readonly { actor: string; message: number }[]): FaultPlan {
    const p = new FaultPlan();
    for (const e of entries) p.add(e.actor, e.message);
    return p;
  }

  /** `count` faults spread over `actors`, each at a message in [1, maxMessage], all from `seed`. */
  static fromSeed(seed: number, actors: readonly string[], count: number, maxMessage: number): FaultPlan {
    const rng = new Rng(seed);
    const p = new FaultPlan();
    for (let i = 0; i < count; i++) p.add(actors[rng.int(actors.length)], 1 + rng.int(maxMessage));
    return p;
  }

  add(actor: string, message: number): this {
    let s = this.plan.get(actor);
    if (!s) this.plan.set(actor, (s = new Set()));
    s.add(message);
    return this;
  }

  get injector(): FaultInjector {
    return (actor, n) => this.plan.get(actor)?.has(n) === true;
  }
}
