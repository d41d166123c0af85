/**
 * HiveOptions checked and completed in one place, before anything starts
 * (define first, run later). Every error names the option.
 */
import { SystemClock, type Clock } from '../clock/index.js';
import { codecByName } from '../codecs/registry.js';
import { ArgumentError, TensorhiveError } from '../errors/index.js';
import { keepOnGpu, nextUse, offloadToDisk, offloadToRam, smart, type Policy } from '../scheduler/index.js';
import type { TierKind } from '../tiers/driver.js';
import { parseByteSize } from './bytes.js';
import { defaultCodecThreads } from './codec-pool.js';
import type { HiveOptions, PolicyName } from './types.js';

export interface ResolvedOptions {
  readonly dir: string | undefined;
  /** Budgets of the tiers that exist, fastest first. */
  readonly tiers: ReadonlyArray<{ readonly kind: TierKind; readonly capacityBytes: number }>;
  readonly policy: Policy;
  readonly codec: string;
  readonly chunkSize: number;
  readonly durability: 'memory' | 'disk';
  readonly intensity: number;
  readonly periodMs: number;
  readonly expandedCap: number;
  readonly gpuExpandedCap: number;
  readonly prefetch: number;
  readonly workers: boolean;
  readonly codecThreads: number;
  readonly codecOffloadBytes: number;
  readonly gpu: 'auto' | 'device' | 'budget-only';
  readonly clock: Clock;
}

const RAM_BLOCK = 4096;
export const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024 - 4096;
/** See codec-pool.ts: below this a pool round trip costs more than it frees the main thread. */
export const DEFAULT_CODEC_OFFLOAD_BYTES = 1024 * 1024;
const POLICIES: Readonly<Record<PolicyName, () => Policy>> = {
  keepOnGpu: () => keepOnGpu(),
  offloadToRam: () => offloadToRam(0.9),
  offloadToDisk: () => offloadToDisk(0.9),
  smart: () => smart(),
  nextUse: () => nextUse(),
};

/** A codec name the registry knows, or 'auto'. */
export function checkCodecName(codec: unknown, name: string): string {
  if (codec === 'auto') return codec;
  if (typeof codec !== 'string' || codec === '') throw new ArgumentError(`${name} must be a codec name or 'auto', got ${JSON.stringify(codec)}`);
  try {
    codecByName(codec);
  } catch (err) {
    if (err instanceof TensorhiveError) throw new ArgumentError(`${name} must be a codec name or 'auto', got ${JSON.stringify(codec)}`, { cause: err });
    throw err;
  }
  return codec;
}

function budget(v: unknown, name: string, fallback: number | false): number | false {
  if (v === undefined) return fallback;
  if (v === false) return false;
  const n = parseByteSize(v as number | string, name);
  if (n <= 0) throw new ArgumentError(`${name} must be a positive byte size or false, got ${JSON.stringify(v)}`);
  return n;
}

function positiveInt(v: unknown, name: string, fallback: number, min = 1): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw new ArgumentError(`${name} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  return v;
}

export function resolveOptions(options: HiveOptions | undefined): ResolvedOptions {
  const o = options ?? {};
  if (typeof o !== 'object' || o === null) throw new ArgumentError(`options must be an object, got ${o === null ? 'null' : typeof o}`);
  if (o.dir !== undefined && (typeof o.dir !== 'string' || o.dir === '' || o.dir.includes('\0'))) {
    throw new ArgumentError(`options.dir must be a directory path, got ${JSON.stringify(o.dir)}`);
  }
  const t = o.tiers ?? {};
  if (typeof t !== 'object' || t === null) throw new ArgumentError('options.tiers must be an object like { ram: "256MiB", disk: "4GiB" }');
  const gpu = budget(t.gpu, 'options.tiers.gpu', false);
  let ram = budget(t.ram, 'options.tiers.ram', 256 * 1024 * 1024);
  const disk = budget(t.disk, 'options.tiers.disk', o.dir !== undefined ? 1024 ** 4 : false);
  if (disk !== false && o.dir === undefined) throw new ArgumentError('options.dir is required when options.tiers.disk is set');
  if (ram !== false) {
    ram = Math.floor(ram / RAM_BLOCK) * RAM_BLOCK;
    if (ram === 0) throw new ArgumentError(`options.tiers.ram must be at least ${RAM_BLOCK} bytes, got ${JSON.stringify(t.ram)}`);
  }
  const tiers: Array<{ kind: TierKind; capacityBytes: number }> = [];
  if (gpu !== false) tiers.push({ kind: 'gpu', capacityBytes: gpu });
  if (ram !== false) tiers.push({ kind: 'ram', capacityBytes: ram });
  if (disk !== false) tiers.push({ kind: 'disk', capacityBytes: disk });
  if (tiers.length === 0) throw new ArgumentError('options.tiers must leave at least one tier (ram or disk)');
  if (gpu !== false && ram === false && disk === false) {
    throw new ArgumentError('options.tiers.gpu needs a ram or disk tier beneath it: the gpu tier is a cache and keeps a copy of every chunk lower down');
  }

  const durability = o.durability ?? 'memory';
  if (durability !== 'memory' && durability !== 'disk') throw new ArgumentError(`options.durability must be 'memory' or 'disk', got ${JSON.stringify(o.durability)}`);
  if (durability === 'disk' && disk === false) throw new ArgumentError("options.durability 'disk' needs a disk tier (options.dir)");

  let policy: Policy;
  const p = o.policy ?? (disk !== false ? 'offloadToDisk' : 'offloadToRam');
  if (typeof p === 'string') {
    const make = (POLICIES as Record<string, (() => Policy) | undefined>)[p];
    if (!make) throw new ArgumentError(`options.policy must be one of ${Object.keys(POLICIES).join(', ')} or a Policy, got ${JSON.stringify(p)}`);
    policy = make();
  } else if (p && typeof p === 'object' && typeof p.place === 'function' && typeof p.plan === 'function') {
    policy = p;
  } else {
    throw new ArgumentError('options.policy must be a policy name or an object with place() and plan()');
  }

  const codec = checkCodecName(o.codec ?? 'raw', 'options.codec');
  // Default a little under 4 MiB: a chunk's blob plus headers then fits a 4 MiB RAM block instead of taking an 8 MiB one.
  const chunkSize = parseByteSize(o.chunkSize ?? DEFAULT_CHUNK_BYTES, 'options.chunkSize');
  if (chunkSize < 1024) throw new ArgumentError(`options.chunkSize must be at least 1 KiB, got ${JSON.stringify(o.chunkSize)}`);
  const expandedCap = parseByteSize(o.expandedCap ?? 512 * 1024 * 1024, 'options.expandedCap');
  if (expandedCap <= 0) throw new ArgumentError(`options.expandedCap must be a positive byte size, got ${JSON.stringify(o.expandedCap)}`);
  const gpuExpandedCap = parseByteSize(o.gpuExpandedCap ?? 512 * 1024 * 1024, 'options.gpuExpandedCap');
  if (gpuExpandedCap <= 0) throw new ArgumentError(`options.gpuExpandedCap must be a positive byte size, got ${JSON.stringify(o.gpuExpandedCap)}`);
  if (o.workers !== undefined && typeof o.workers !== 'boolean') throw new ArgumentError(`options.workers must be a boolean, got ${JSON.stringify(o.workers)}`);
  const gpuMode = o.gpu ?? 'auto';
  if (gpuMode !== 'auto' && gpuMode !== 'device' && gpuMode !== 'budget-only') {
    throw new ArgumentError(`options.gpu must be 'auto', 'device' or 'budget-only', got ${JSON.stringify(o.gpu)}`);
  }
  if (o.clock !== undefined && (typeof o.clock !== 'object' || typeof o.clock.now !== 'function')) throw new ArgumentError('options.clock must be a Clock');

  return {
    dir: o.dir,
    tiers,
    policy,
    codec,
    chunkSize,
    durability,
    intensity: positiveInt(o.intensity, 'options.intensity', 5, 0),
    periodMs: positiveInt(o.periodMs, 'options.periodMs', 5000),
    expandedCap,
    gpuExpandedCap,
    prefetch: positiveInt(o.prefetch, 'options.prefetch', 2, 0),
    workers: o.workers !== false,
    codecThreads: positiveInt(o.codecThreads, 'options.codecThreads', defaultCodecThreads(), 0),
    codecOffloadBytes: parseByteSize(o.codecOffloadBytes ?? DEFAULT_CODEC_OFFLOAD_BYTES, 'options.codecOffloadBytes'),
    gpu: gpuMode,
    clock: o.clock ?? new SystemClock(),
  };
}
