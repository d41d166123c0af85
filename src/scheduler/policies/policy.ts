/**
 * The policy contract. A policy is plain functions over a read-only view of
 * the catalog and the tiers: it decides, the hive acts. `place` picks the
 * tier for a new chunk; `plan` returns the moves that bring every tier over
 * its high-water mark down to its low-water mark (and, for policies that
 * promote, fill faster tiers up to their low-water mark).
 */
import type { Clock } from '../../clock/index.js';
import { ArgumentError } from '../../errors/index.js';
import type { TierKind, TierStats } from '../../tiers/driver.js';
import type { AccessHistoryView } from '../access-history.js';
import type { CatalogView } from '../catalog.js';
import type { ChunkRecord } from '../records.js';

export interface PolicyView {
  readonly catalog: CatalogView;
  /** Tiers that exist, fastest first. Budgets are checked against `footprintBytes`. */
  readonly tiers: readonly TierStats[];
  readonly clock: Clock;
  readonly history: AccessHistoryView;
  /** What a chunk costs on a tier; absent: its blob bytes everywhere. */
  readonly footprint?: Footprint;
}

/** A chunk as a footprint sees it: a new chunk (being placed) has no id yet. */
export type FootprintChunk = Pick<ChunkRecord, 'blobBytes'> & Partial<Pick<ChunkRecord, 'id'>>;

/**
 * Bytes `chunk` occupies on tier `tier`, counted against the tier's budget:
 * more than its blob where the tier rounds allocations up (the RAM tier
 * stores a blob in a power-of-two block with a header and its key).
 */
export type Footprint = (tier: TierKind, chunk: FootprintChunk) => number;

/** The view's footprint, or blob bytes when it has none. */
export function footprintOf(view: PolicyView): Footprint {
  return view.footprint ?? ((_tier, chunk) => chunk.blobBytes);
}

export interface Move {
  readonly chunkId: string;
  readonly from: TierKind;
  readonly to: TierKind;
  readonly kind: 'demote' | 'promote';
  /**
   * true: the move sheds a copy the chunk has on `from` besides its main
   * copy (which stays where it is): the copy's bytes leave `from` and, unless
   * `to` already holds the chunk, a copy lands on `to`. Absent: the main copy moves.
   */
  readonly copy?: boolean;
  /** What leaves `from`: the chunk's footprint there. */
  readonly bytes: number;
  /** What lands on `to`: the chunk's footprint there, 0 when `to` already holds it. */
  readonly bytesInto: number;
  readonly reason: string;
}

export interface Policy {
  readonly name: string;
  /** The tier for a new (or promoted) chunk. Throws CapacityError-free: with no room anywhere it names the slowest tier. */
  place(chunk: Pick<ChunkRecord, 'blobBytes'> & Partial<Pick<ChunkRecord, 'id'>>, view: PolicyView): TierKind;
  plan(view: PolicyView): Move[];
}

export interface WaterMarks {
  /** Fraction of capacity above which a tier sheds chunks. Default 0.9. */
  readonly high?: number;
  /** Fraction of capacity a tier sheds down to (and promotions fill up to). Default 0.75. */
  readonly low?: number;
}

export interface CommonPolicyOptions extends WaterMarks {
  /** A chunk moved less than this long ago is not moved again. Default 1000 ms. */
  readonly cooldownMs?: number;
}

export const DEFAULT_HIGH = 0.9;
export const DEFAULT_LOW = 0.75;
export const DEFAULT_COOLDOWN_MS = 1000;

export interface Marks {
  readonly high: number;
  readonly low: number;
}

/** Check and complete water marks; `name` prefixes the option names in errors. */
export function checkMarks(marks: WaterMarks | undefined, name = 'options', defaults: Marks = { high: DEFAULT_HIGH, low: DEFAULT_LOW }): Marks {
  const high = marks?.high ?? defaults.high;
  const low = marks?.low ?? Math.min(defaults.low, high);
  if (typeof high !== 'number' || !(high > 0 && high <= 1)) throw new ArgumentError(`${name}.high must be a fraction in (0, 1], got ${String(marks?.high)}`);
  if (typeof low !== 'number' || !(low >= 0 && low <= high)) {
    throw new ArgumentError(`${name}.low must be a fraction in [0, high=${high}], got ${String(marks?.low)}`);
  }
  return { high, low };
}

export function checkCooldown(ms: number | undefined, name = 'options.cooldownMs'): number {
  const v = ms ?? DEFAULT_COOLDOWN_MS;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ArgumentError(`${name} must be a non-negative number of ms, got ${String(ms)}`);
  return v;
}

/** Least recently used first: never-read chunks are the coldest. */
export function lruColdness(chunk: ChunkRecord, view: PolicyView): number {
  const last = view.history.lastAccess(chunk.id);
  return last === undefined ? Infinity : -last;
}
