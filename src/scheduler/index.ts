/**
 * The scheduler: pure decisions over plain data. The catalog records what
 * lives where; policies say where things should go; the prefetcher says what
 * to fetch next; the buffer pool bounds expanded bytes. The hive acts.
 */
export { AccessHistory, type AccessHistoryOptions, type AccessHistoryView } from './access-history.js';
export { AccessOrder, type AccessOrderOptions } from './access-order.js';
export { BufferPool, type AcquireOptions as BufferAcquireOptions, type BufferPoolOptions, type BufferPoolStats, type PooledBuffer } from './buffer-pool.js';
export { Catalog, type CatalogOptions, type CatalogView } from './catalog.js';
export { chunkOfElement, planChunks, sliceRange, type ChunkDescriptor, type ChunkingInput, type ChunkSlice } from './chunking.js';
export { ResidencyError } from './errors.js';
export { Prefetcher, type PrefetchOptions, type PrefetchStats } from './prefetch.js';
export {
  chunkId,
  type ChunkRecord,
  type ChunkSpec,
  type ResidencyChange,
  type TensorRecord,
  type TensorSpec,
} from './records.js';
export {
  initialResidency,
  nextResidency,
  residencyMachine,
  type ResidencyContext,
  type ResidencyEvent,
  type ResidencyEventType,
  type ResidencySnapshot,
  type ResidencyState,
} from './residency.js';
export { simulateStream, type HitCounts, type StreamSimulationInput, type StreamSimulationResult } from './simulate-stream.js';
export { keepOnGpu } from './policies/keep-on-gpu.js';
export { nextUse } from './policies/next-use.js';
export { offloadToDisk } from './policies/offload-to-disk.js';
export { offloadToRam, type OffloadOptions } from './policies/offload-to-ram.js';
export { lrfuScore, smart, type SmartOptions } from './policies/smart.js';
export { placeByMarks, planMoves, type PlannerConfig } from './policies/planner.js';
export {
  DEFAULT_COOLDOWN_MS,
  DEFAULT_HIGH,
  DEFAULT_LOW,
  footprintOf,
  type CommonPolicyOptions,
  type Footprint,
  type FootprintChunk,
  type Marks,
  type Move,
  type Policy,
  type PolicyView,
  type WaterMarks,
} from './policies/policy.js';
