/** The public hive: Hive.start(), put/get/acquire/stats/stop, its options, events and byte sizes. */
export { Hive } from './hive.js';
export type { HiveDebug } from './debug.js';
export { parseByteSize, formatBytes } from './bytes.js';
export { HiveLease } from './lease.js';
export { MAX_HIVE_KEY_BYTES } from './validate.js';
export type { HiveEventType, HiveListener } from './emitter.js';
export type {
  AcquireOptions,
  ByteSize,
  HiveEvent,
  HiveOptions,
  HiveStats,
  GpuLease,
  Lease,
  PolicyName,
  PutOptions,
  TierReport,
} from './types.js';
export type { GpuLeaseStats } from './gpu-compute.js';
export { GpuLeaseLostError } from './gpu-errors.js';
export { hiveMetrics, type HiveMetrics, type HiveMetricsOptions, type MetricsSource } from './metrics.js';
export * from './client/index.js';
