/**
 * OffloadToRam(threshold): fill the GPU up to `threshold` of its capacity,
 * the rest goes to RAM (then disk), as HF Accelerate fills GPU → CPU → disk
 * by budget. When the GPU passes the threshold the least recently used
 * chunks move to RAM until it is back at the low-water mark. Placement is
 * static: nothing is promoted back unless `promote` is set.
 */
import { ArgumentError } from '../../errors/index.js';
import { checkCooldown, checkMarks, lruColdness, type Marks, type Policy } from './policy.js';
import { placeByMarks, planMoves, type PlannerConfig } from './planner.js';

export interface OffloadOptions {
  /** How far below the threshold an over-full tier sheds to. Default 0.15. */
  readonly hysteresis?: number;
  readonly cooldownMs?: number;
  /** Bring recently used chunks back up when there is room. Default false. */
  readonly promote?: boolean;
  /** Water marks of the other tiers. */
  readonly high?: number;
  readonly low?: number;
}

/** Marks for a tier capped at `threshold`: high = threshold, low = threshold − hysteresis. */
export function thresholdMarks(threshold: number, hysteresis: number | undefined, name: string): Marks {
  if (typeof threshold !== 'number' || !(threshold > 0 && threshold <= 1)) {
    throw new ArgumentError(`${name} must be a fraction in (0, 1], got ${String(threshold)}`);
  }
  const h = hysteresis ?? 0.15;
  if (typeof h !== 'number' || !(h >= 0 && h < 1)) throw new ArgumentError(`options.hysteresis must be a fraction in [0, 1), got ${String(hysteresis)}`);
  return { high: threshold, low: Math.max(0, threshold - h) };
}

/** Shared by offloadToRam and offloadToDisk: one tier kind capped at a threshold. */
export function cappedTierPolicy(name: string, kind: string, capped: Marks, options: OffloadOptions): Policy {
  const others = checkMarks(options);
  const cfg: PlannerConfig = {
    name,
    marksFor: (tier) => (tier.kind === kind ? capped : others),
    cooldownMs: checkCooldown(options.cooldownMs),
    coldness: lruColdness,
    hotness: options.promote ? (c, view) => view.history.lastAccess(c.id) ?? -Infinity : undefined,
    explain: (s) => (Number.isFinite(s) ? `last read at ${Math.abs(s)} ms` : 'never read'),
  };
  return {
    name,
    place: (chunk, view) => placeByMarks(chunk, view, cfg.marksFor),
    plan: (view) => planMoves(view, cfg),
  };
}

export function offloadToRam(threshold: number, options: OffloadOptions = {}): Policy {
  return cappedTierPolicy('offloadToRam', 'gpu', thresholdMarks(threshold, options.hysteresis, 'threshold'), options);
}
