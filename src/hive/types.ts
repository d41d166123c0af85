/**
 * The hive's public types: options, per-put options, leases, stats and events.
 * One place, so the facade, the metrics exporter, the comlink client, the demo
 * and the docs agree on the shape.
 */
import type { Clock } from '../clock/index.js';
import type { CodecStatsRow } from '../codecs/select/codec-stats.js';
import type { Policy } from '../scheduler/index.js';
import type { Tensor } from '../tensor/tensor.js';
import type { TierKind } from '../tiers/driver.js';

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
  /** Give up waiting for room under options.expandedCap after this long (TimeoutError); 0: never wait. Default: wait. */
  timeoutMs?: number;
}

/** An expanded tensor, held until released; `await using lease = await hive.acquire(k)`. */
export interface Lease extends AsyncDisposable {
  readonly key: string;
  readonly tensor: Tensor;
  readonly writable: boolean;
  /** Where the expanded tensor really is: 'cpu' also when 'gpu' was asked for (GPU compute is not wired yet). */
  readonly on: 'cpu' | 'gpu';
  release(): Promise<void>;
}

export interface TierReport {
  name: string;
  kind: TierKind;
  capacityBytes: number;
  /** Physical (encoded) bytes held. */
  usedBytes: number;
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
