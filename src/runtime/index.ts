/**
 * tensorhive/runtime: generic actors, supervision trees (OTP vocabulary),
 * inline and worker-thread hosts, one cross-thread protocol, deterministic
 * simulation. Knows nothing about tensors.
 */
export { ActorSystem, type ActorSystemOptions } from './system.js';
export { Supervisor, type ChildInfo } from './supervisor.js';
export {
  SUPERVISION_DEFAULTS,
  type Backoff,
  type ChildSpec,
  type RestartType,
  type Shutdown,
  type Strategy,
  type SupervisorChildSpec,
  type ServiceChildSpec,
  type ChildType,
  type SupervisorSpec,
  type WorkerChildSpec,
} from './child-spec.js';
export {
  defineActor,
  reply,
  Reply,
  DEFAULT_CALL_TIMEOUT_MS,
  type ActorContext,
  type ActorLogic,
  type ActorRef,
  type Address,
  type CallOptions,
  type LogLevel,
  type MsgOf,
  type RefOf,
  type ReplyOf,
  type Signal,
} from './logic.js';
export { inline, worker, type ActorStart, type HealthCheck, type WorkerHostOptions } from './host.js';
export { DEFAULT_HEALTH, actorHostEntry } from './worker-host.js';
export { isAbnormal, describeExit, type ExitReason } from './reason.js';
export { formatEvent, type RuntimeEvent, type RuntimeEventType, type DeadLetterReason } from './events.js';
export { lifecycleMachine, type LifecycleState } from './lifecycle.js';
export { Simulation, FaultPlan } from './simulation.js';
export { FaultInjected } from './inline-host.js';
export type { FaultInjector } from './core.js';
export { DEFAULT_STASH_CAPACITY } from './stash.js';
export { encode, decode, post, type Envelope, type ToWorker, type FromWorker, type Wire, type WireReason, type WireSignal } from './protocol.js';
export { extractBlobs, restoreBlobs, type Blob } from './transfer.js';
export { toWireError, fromWireError, type WireError } from './wire-error.js';
export { RestartWindow, type RestartBudget } from './restart-window.js';
export type { Service, ServiceContext, ServiceFactory } from './service.js';

// The supervised job pool (piscina) — src/runtime/pool.
export {
  WorkerPool,
  JobCrashedError,
  moved,
  poolChildSpec,
  type PoolOptions,
  type PoolStats,
  type PoolState,
  type CrashInfo,
  type Job,
  type Moved,
  type PoolChildOptions,
} from './pool/index.js';

// Outside access (comlink) for a service's own worker threads — src/runtime/outside.
export {
  exposeSystem,
  connectSystem,
  actorSystemTarget,
  exposeActorSystem,
  type ExposeOptions,
  type ExposedSystem,
  type SystemClient,
  type ClientCallOptions,
  type SystemLike,
} from './outside/index.js';
