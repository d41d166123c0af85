/**
 * Hosts run one incarnation of an actor: `inline` (this thread, driven by the
 * Dispatcher) or `worker` (its own worker thread, spoken to through the
 * protocol module). An actor identity (ActorCell) outlives its incarnations.
 */
import type { ResourceLimits } from 'node:worker_threads';
import type { ActorLogic, Signal } from './logic.js';
import type { ExitReason } from './reason.js';

export type Delivery =
  | { readonly kind: 'send'; readonly msg: unknown; readonly transfer?: readonly ArrayBuffer[] }
  | { readonly kind: 'call'; readonly cid: number; readonly msg: unknown; readonly timeoutMs: number; readonly transfer?: readonly ArrayBuffer[] }
  | { readonly kind: 'signal'; readonly signal: Signal };

export interface Incarnation {
  /** Run init; resolves when the actor can take messages, rejects with init's error. */
  start(): Promise<void>;
  deliver(d: Delivery): void;
  /** Orderly: finish the current message, run terminate, exit with `reason`. */
  stop(reason: ExitReason): void;
  /** At once: no terminate; pending calls reject. */
  kill(reason: ExitReason): void;
  /** Messages accepted but never started (inline only): they move to the next incarnation. */
  takeUnstarted(): Delivery[];
  /** Whether the actor traps exits (known after start for worker hosts). */
  readonly trapExit: boolean;
}

export interface HealthCheck {
  /** How often the host pings the worker (ms). */
  readonly intervalMs: number;
  /** A pong later than this after its ping means the actor is hung: it is killed (ms). */
  readonly timeoutMs: number;
}

export interface WorkerHostOptions {
  readonly resourceLimits?: ResourceLimits;
  /** Health pings; `false` turns them off. Default { intervalMs: 1000, timeoutMs: 5000 }. */
  readonly health?: HealthCheck | false;
  /**
   * Keep one warm spare thread per actor: started ahead with the actor host and
   * the logic's module loaded (init NOT run), so a restart only runs init in
   * it (the spare is replaced in the background). Costs one idle thread and
   * its memory per actor. Default false.
   */
  readonly warmSpare?: boolean;
  /** Extra node flags for the worker (tsx is added for .ts modules). */
  readonly execArgv?: readonly string[];
}

/** How to start an actor: its logic inline, or a module + export in a worker thread. */
export type ActorStart =
  | { readonly host: 'inline'; readonly logic: ActorLogic; readonly arg?: unknown }
  | {
      readonly host: 'worker';
      /** Module URL (file: URL or href) or absolute path of the module that exports the logic. */
      readonly module: string | URL;
      readonly export: string;
      readonly arg?: unknown;
      readonly options?: WorkerHostOptions;
    };

/** Start `logic` in this thread. */
export function inline<A>(logic: ActorLogic<any, any, any, A>, arg?: A): ActorStart {
  return { host: 'inline', logic, arg };
}

/** Start the logic exported as `exportName` from `module` in its own worker thread. */
export function worker(module: string | URL, exportName = 'default', arg?: unknown, options?: WorkerHostOptions): ActorStart {
  return { host: 'worker', module, export: exportName, arg, options };
}
