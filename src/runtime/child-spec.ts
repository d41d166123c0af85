/**
 * Child specs in OTP's vocabulary, with every default in one place
 * (SUPERVISION_DEFAULTS) and every check at the public boundary.
 */
import { ArgumentError } from '../errors/index.js';
import type { ActorStart } from './host.js';
import type { ServiceFactory } from './service.js';

export type Strategy = 'one_for_one' | 'one_for_all' | 'rest_for_one' | 'simple_one_for_one';
export type RestartType = 'permanent' | 'transient' | 'temporary';
export type Shutdown = 'brutal_kill' | number | 'infinity';

/** Delay restarts: minMs·2^k (k = restarts in the current window), capped at maxMs, plus up to jitter·delay (seeded). */
export interface Backoff {
  readonly minMs: number;
  readonly maxMs: number;
  readonly jitter?: number;
}

export interface WorkerChildSpec {
  readonly id: string;
  readonly type?: 'worker';
  readonly start: ActorStart;
  readonly restart?: RestartType;
  readonly shutdown?: Shutdown;
  /** Messages held while the child restarts (default 1000, like Akka). */
  readonly stashCapacity?: number;
}

export interface SupervisorChildSpec {
  readonly id: string;
  readonly type: 'supervisor';
  readonly start: SupervisorSpec;
  readonly restart?: RestartType;
  readonly shutdown?: Shutdown;
}

/** A non-actor child (e.g. a WorkerPool via `pool.childSpec(id)`); see service.ts. */
export interface ServiceChildSpec {
  readonly id: string;
  readonly type: 'service';
  readonly start: ServiceFactory;
  readonly restart?: RestartType;
  readonly shutdown?: Shutdown;
}

export type ChildSpec = WorkerChildSpec | SupervisorChildSpec | ServiceChildSpec;
export type ChildType = 'worker' | 'supervisor' | 'service';

export interface SupervisorSpec {
  readonly strategy?: Strategy;
  /** At most this many restarts within `period` ms; one more and the supervisor gives up (escalates). */
  readonly intensity?: number;
  readonly period?: number;
  /** Absent: restart at once (OTP). */
  readonly backoff?: Backoff;
  /** For simple_one_for_one: exactly one template; children come from startChild(arg). */
  readonly children: readonly ChildSpec[];
}

export const SUPERVISION_DEFAULTS = {
  strategy: 'one_for_one' as Strategy,
  intensity: 1,
  period: 5000,
  restart: 'permanent' as RestartType,
  workerShutdown: 5000 as Shutdown,
  supervisorShutdown: 'infinity' as Shutdown,
  stashCapacity: 1000,
} as const;

export interface NormalChild {
  readonly id: string;
  readonly type: ChildType;
  readonly spec: ChildSpec;
  readonly restart: RestartType;
  readonly shutdown: Shutdown;
  readonly stashCapacity: number;
}

export interface NormalSupervisor {
  readonly strategy: Strategy;
  readonly intensity: number;
  readonly period: number;
  readonly backoff: Required<Backoff> | undefined;
  readonly children: readonly NormalChild[];
}

const STRATEGIES: readonly Strategy[] = ['one_for_one', 'one_for_all', 'rest_for_one', 'simple_one_for_one'];
const RESTARTS: readonly RestartType[] = ['permanent', 'transient', 'temporary'];

export function normalizeSupervisor(spec: SupervisorSpec, where: string): NormalSupervisor {
  if (!spec || typeof spec !== 'object') throw new ArgumentError(`${where} must be a supervisor spec object`);
  const strategy = spec.strategy ?? SUPERVISION_DEFAULTS.strategy;
  if (!STRATEGIES.includes(strategy)) throw new ArgumentError(`${where}.strategy must be one of ${STRATEGIES.join(', ')}, got ${String(strategy)}`);
  const intensity = spec.intensity ?? SUPERVISION_DEFAULTS.intensity;
  if (!Number.isInteger(intensity) || intensity < 0) throw new ArgumentError(`${where}.intensity must be a non-negative integer, got ${intensity}`);
  const period = spec.period ?? SUPERVISION_DEFAULTS.period;
  if (!Number.isFinite(period) || period <= 0) throw new ArgumentError(`${where}.period must be a positive number of ms, got ${period}`);
  let backoff: Required<Backoff> | undefined;
  if (spec.backoff) {
    const { minMs, maxMs, jitter = 0 } = spec.backoff;
    if (!(minMs >= 0) || !(maxMs >= minMs)) throw new ArgumentError(`${where}.backoff needs 0 <= minMs <= maxMs, got ${minMs}..${maxMs}`);
    if (!(jitter >= 0 && jitter <= 1)) throw new ArgumentError(`${where}.backoff.jitter must be in [0, 1], got ${jitter}`);
    backoff = { minMs, maxMs, jitter };
  }
  if (!Array.isArray(spec.children)) throw new ArgumentError(`${where}.children must be an array`);
  if (strategy === 'simple_one_for_one' && spec.children.length !== 1) {
    throw new ArgumentError(`${where}.children must hold exactly one template for simple_one_for_one, got ${spec.children.length}`);
  }
  const seen = new Set<string>();
  const children = spec.children.map((c, i) => {
    const n = normalizeChild(c, `${where}.children[${i}]`);
    if (seen.has(n.id)) throw new ArgumentError(`${where}.children[${i}].id ${n.id} is used twice`);
    seen.add(n.id);
    return n;
  });
  return { strategy, intensity, period, backoff, children };
}

export function normalizeChild(c: ChildSpec, where: string): NormalChild {
  if (!c || typeof c !== 'object') throw new ArgumentError(`${where} must be a child spec object`);
  if (typeof c.id !== 'string' || c.id.length === 0 || c.id.includes('/')) {
    throw new ArgumentError(`${where}.id must be a non-empty string without '/', got ${String(c.id)}`);
  }
  const type = c.type ?? 'worker';
  if (type !== 'worker' && type !== 'supervisor' && type !== 'service') {
    throw new ArgumentError(`${where}.type must be 'worker', 'supervisor' or 'service', got ${String(type)}`);
  }
  const restart = c.restart ?? SUPERVISION_DEFAULTS.restart;
  if (!RESTARTS.includes(restart)) throw new ArgumentError(`${where}.restart must be one of ${RESTARTS.join(', ')}, got ${String(restart)}`);
  const shutdown = c.shutdown ?? (type === 'supervisor' ? SUPERVISION_DEFAULTS.supervisorShutdown : SUPERVISION_DEFAULTS.workerShutdown);
  if (shutdown !== 'brutal_kill' && shutdown !== 'infinity' && !(typeof shutdown === 'number' && shutdown >= 0 && Number.isFinite(shutdown))) {
    throw new ArgumentError(`${where}.shutdown must be 'brutal_kill', 'infinity' or a non-negative number of ms, got ${String(shutdown)}`);
  }
  const stashCapacity = (c as WorkerChildSpec).stashCapacity ?? SUPERVISION_DEFAULTS.stashCapacity;
  if (!Number.isInteger(stashCapacity) || stashCapacity < 0) throw new ArgumentError(`${where}.stashCapacity must be a non-negative integer, got ${stashCapacity}`);
  if (type === 'supervisor') normalizeSupervisor((c as SupervisorChildSpec).start, `${where}.start`);
  else if (type === 'service') {
    if (typeof (c as ServiceChildSpec).start !== 'function') throw new ArgumentError(`${where}.start must be a function (ctx) => { start(), stop() } for a service`);
  } else {
    const s = (c as WorkerChildSpec).start;
    if (!s || (s.host !== 'inline' && s.host !== 'worker')) throw new ArgumentError(`${where}.start must come from inline(logic) or worker(module, export)`);
  }
  return { id: c.id, type, spec: c, restart, shutdown, stashCapacity };
}
