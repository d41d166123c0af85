/**
 * The hive's public types: options, per-put options, leases, stats and events.
 * One place, so the facade, the metrics exporter, the comlink client, the demo
 * and the docs agree on the shape.
 */
import type { Clock } from '../clock/index.js';
import type { CodecStatsRow } from '../codecs/select/codec-stats.js';
import type { Policy } from '../scheduler/index.js';
import type { DType } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { TierKind } from '../tiers/driver.js';
import type { GpuLeaseStats } from './gpu-compute.js';

/** A byte count: a number, or a string like '64MiB', '2GiB', '512kB'. */
export type ByteSize = number | string;

export type PolicyName = 'keepOnGpu' | 'offloadToRam' | 'offloadToDisk' | 'smart' | 'nextUse';

export interface HiveOptions {
  /** Directory of the disk tier (and of anything else the hive persists). Required for a disk tier. */
  dir?: string;
  /** Tier budgets; `false` leaves a tier out. Defaults: gpu false, ram '256MiB', disk false (true when `dir` is set). */
  tiers?: { gpu?: ByteSize | false; ram?: ByteSize | false; disk?: ByteSize | false };
  /** Placement/offload policy (default 'offloadToDisk' with a disk tier, else 'offloadToRam'). */
  policy?: PolicyName | Policy;
  /** Default codec for put (default 'raw'); 'auto' picks per chunk. */
  codec?: string;
  /** Largest uncompressed chunk (default 4 MiB − 4 KiB, so a chunk's blob fits a 4 MiB RAM block): bigger tensors are streamed in chunks. */
  chunkSize?: ByteSize;
  /** 'disk': put resolves after the disk tier has fsynced the tensor (default 'memory'). */
  durability?: 'memory' | 'disk';
  /** Supervision of the tier actors (OTP defaults: intensity 1 in 5000 ms is too strict for a store; default 5 in 5000). */
  intensity?: number;
  periodMs?: number;
  /** Cap on expanded (decoded) bytes held by leases at once (default '512MiB'). */
  expandedCap?: ByteSize;
  /** Cap on expanded bytes held by GPU leases (device memory) at once (default '512MiB'). */
  gpuExpandedCap?: ByteSize;
  /** Chunks fetched and decoded ahead once an access order is known (default 2). */
  prefetch?: number;
  /** Worker threads of the codec pool (default: cores − 1, at most 4); 0: every encode/decode runs on the main thread. Needs `workers`. */
  codecThreads?: number;
  /** Chunks of at least this many uncompressed bytes are encoded/decoded in the codec pool, smaller ones inline (default '1MiB'). */
  codecOffloadBytes?: ByteSize;
  /** Tier actors run in worker threads (default true); false runs them inline (tests, simulation). */
  workers?: boolean;
  /**
   * How the GPU tier holds its bytes: 'device' (a WebGPU device; the hive fails to start without one),
   * 'budget-only' (the budget is enforced, bytes live in host memory), or 'auto' (default: a device if
   * one opens, else the hive starts without a GPU tier and says so once with a 'notice' event).
   */
  gpu?: 'auto' | 'device' | 'budget-only';
  clock?: Clock;
}

export interface PutOptions {
  /** Codec for this tensor (default: the hive's). */
  codec?: string;
  params?: Record<string, unknown>;
  /** Never evicted or moved while pinned. */
  pin?: boolean;
  /** Place on this tier instead of asking the policy. */
  tier?: TierKind;
}

export interface AcquireOptions {
  /** Where the expanded tensor is wanted (default 'cpu'). */
  on?: 'cpu' | 'gpu';
  /** Writable: the tensor is re-encoded and stored again on release (default false). */
  write?: boolean;
  /** Give up waiting for room under options.expandedCap (gpuExpandedCap) after this long (TimeoutError); 0: never wait. Default: wait. */
  timeoutMs?: number;
  /** With on: 'gpu': 'cpu' hands out a CPU lease (lease.on === 'cpu') when no GPU device opens, instead of rejecting with GpuUnavailableError. */
  fallback?: 'cpu';
}

/** An expanded tensor, held until released; `await using lease = await hive.acquire(k)`. */
export interface Lease extends AsyncDisposable {
  readonly key: string;
  readonly tensor: Tensor;
  readonly writable: boolean;
  /** 'cpu': the tensor is expanded in host memory (a GPU lease is a GpuLease, on: 'gpu'). */
  readonly on: 'cpu';
  release(): Promise<void>;
}

/**
 * A tensor expanded on the hive's compute device (`hive.gpuDevice()`, on the
 * caller's thread), decoded there from its compressed chunks. `buffer` is
 * STORAGE | COPY_SRC | COPY_DST, `byteLength` bytes of little-endian `dtype`
 * values (size padded to 4 bytes). Valid until released or the device is lost.
 */
export interface GpuLease extends AsyncDisposable {
  readonly key: string;
  readonly on: 'gpu';
  readonly writable: boolean;
  readonly device: GPUDevice;
  readonly buffer: GPUBuffer;
  readonly byteLength: number;
  /** 'F32' for float sources of at most 32 bits and small integers (exact in f32); else the source dtype (F64, I32, I64). */
  readonly dtype: DType;
  readonly shape: Shape;
  readonly released: boolean;
  /** Destroys the buffer; a writable lease is first read back and stored again (rejects with ERR_GPU_DEVICE_LOST when its device was lost). */
  release(): Promise<void>;
}

export interface TierReport {
  name: string;
  kind: TierKind;
  capacityBytes: number;
  /** Physical (encoded) bytes held: the blobs' own bytes. */
  usedBytes: number;
  /**
   * Bytes of the tier the blobs really take, what its budget is checked
   * against: on the RAM tier each blob's whole power-of-two block (header
   * and key included), elsewhere `usedBytes`.
   */
  footprintBytes: number;
  /** Logical (uncompressed) bytes of the chunks held: the effective capacity in use. */
  logicalBytes: number;
  chunks: number;
  readMBps?: number;
  writeMBps?: number;
  restarts: number;
  up: boolean;
}

export interface HiveStats {
  tensors: number;
  chunks: number;
  tiers: TierReport[];
  moves: number;
  hits: number;
  misses: number;
  stallMs: number;
  prefetched: number;
  restarts: number;
  integrityFailures: number;
  codecFallbacks: number;
  expandedBytes: number;
  codecs: CodecStatsRow[];
  /** GPU leases: device opens/losses, buffers held, chunks expanded by kernels vs on the CPU, bytes uploaded. */
  gpuLeases?: GpuLeaseStats;
}

/** Events the hive emits (`hive.on(type, fn)`). */
export type HiveEvent =
  | { type: 'put'; key: string; chunks: number; bytes: number; logicalBytes: number }
  | { type: 'move'; chunkId: string; from: TierKind | undefined; to: TierKind | undefined; reason: string }
  | { type: 'restart'; tier: TierKind; reason: string }
  | { type: 'tier-down'; tier: TierKind; reason: string }
  | { type: 'integrity'; key: string; tier: TierKind; recovered: boolean }
  | { type: 'codec-fallback'; key: string; codec: string; reason: string }
  | { type: 'notice'; message: string };
