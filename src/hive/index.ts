/** The public hive: Hive.start(), put/get/acquire/stats/stop, its options, events and byte sizes. */
export { Hive, type HiveDebug } from './hive.js';
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
  Lease,
  PolicyName,
  PutOptions,
  TierReport,
} from './types.js';
