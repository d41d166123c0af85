export { WorkerPool } from './pool.js';
export type { PoolOptions, PoolStats, PoolState, CrashInfo } from './pool.js';
export type { Job } from './job.js';
export { JobCrashedError } from './errors.js';
export { RestartWindow } from '../restart-window.js';
export type { RestartBudget } from '../restart-window.js';
export { moved } from './wire.js';
export type { Moved } from './wire.js';
export { poolChildSpec, type PoolChildOptions } from './supervised-pool.js';
