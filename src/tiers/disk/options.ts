/** The disk tier's options, checked in one place. */
import { ArgumentError } from '../../errors/index.js';
import type { Clock } from '../../clock/index.js';

export type FsyncPolicy = 'none' | 'batch' | 'always';
/**
 * How record reads and appends reach the file: 'async' through libuv's thread
 * pool (the calling thread never blocks: right on a thread that serves others),
 * 'sync' with positional read/write calls on the calling thread (no thread
 * pool round trip: right for a tier actor alone in its worker thread, which
 * serves one message at a time anyway). fsync is always asynchronous.
 */
export type DiskIo = 'sync' | 'async';

export interface DiskTierOptions {
  /** The tier's name in stats and errors; default 'disk'. */
  name?: string;
  /** The directory the tier owns (created on start). */
  dir: string;
  /** Most bytes of live values the tier may hold. */
  capacityBytes: number;
  /** A segment is sealed and a new one started past this size; default 64 MiB. */
  segmentBytes?: number;
  /** When writes become durable; default 'batch'. */
  fsync?: FsyncPolicy;
  /** 'batch': at most one fsync per this many ms; default 50. */
  batchMs?: number;
  /** Compact in the background once dead bytes outweigh live ones; default true. */
  autoCompact?: boolean;
  /** See DiskIo; default 'async'. */
  io?: DiskIo;
  /** Timers for 'batch' and the timings behind readMBps/writeMBps; default SystemClock. */
  clock?: Clock;
}

export interface CheckedDiskOptions {
  name: string;
  dir: string;
  capacityBytes: number;
  segmentBytes: number;
  fsync: FsyncPolicy;
  batchMs: number;
  autoCompact: boolean;
  io: DiskIo;
  clock: Clock | undefined;
}

export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;

export function checkDiskOptions(o: DiskTierOptions): CheckedDiskOptions {
  if (!o || typeof o !== 'object') throw new ArgumentError('options must be an object with options.dir and options.capacityBytes');
  if (o.name !== undefined && (typeof o.name !== 'string' || o.name === '')) throw new ArgumentError(`options.name must be a non-empty string, got ${String(o.name)}`);
  if (typeof o.dir !== 'string' || o.dir === '' || o.dir.includes('\0')) throw new ArgumentError(`options.dir must be a directory path, got ${String(o.dir)}`);
  if (!Number.isSafeInteger(o.capacityBytes) || o.capacityBytes <= 0) throw new ArgumentError(`options.capacityBytes must be a positive integer, got ${o.capacityBytes}`);
  const segmentBytes = o.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
  if (!Number.isSafeInteger(segmentBytes) || segmentBytes < 1024) throw new ArgumentError(`options.segmentBytes must be an integer of at least 1024, got ${segmentBytes}`);
  const fsync = o.fsync ?? 'batch';
  if (fsync !== 'none' && fsync !== 'batch' && fsync !== 'always') throw new ArgumentError(`options.fsync must be 'none', 'batch' or 'always', got ${String(fsync)}`);
  const batchMs = o.batchMs ?? 50;
  if (!Number.isFinite(batchMs) || batchMs < 0) throw new ArgumentError(`options.batchMs must be a non-negative number, got ${batchMs}`);
  if (o.autoCompact !== undefined && typeof o.autoCompact !== 'boolean') throw new ArgumentError(`options.autoCompact must be a boolean, got ${String(o.autoCompact)}`);
  const io = o.io ?? 'async';
  if (io !== 'sync' && io !== 'async') throw new ArgumentError(`options.io must be 'sync' or 'async', got ${String(io)}`);
  return { name: o.name ?? 'disk', dir: o.dir, capacityBytes: o.capacityBytes, segmentBytes, fsync, batchMs, autoCompact: o.autoCompact ?? true, io, clock: o.clock };
}
