/**
 * Smart: frequency and recency together (LRFU-style). Each access adds a
 * weight that halves every `halfLifeMs`; a chunk's score is the sum over its
 * recent accesses (older accesses beyond the history ring count as if made
 * at the oldest remembered time). Lowest score sheds first; the highest
 * scores are promoted into faster tiers' free room, when at least
 * `minPromoteScore`.
 */
import { ArgumentError } from '../../errors/index.js';
import type { AccessHistoryView } from '../access-history.js';
import { checkCooldown, checkMarks, type CommonPolicyOptions, type Policy } from './policy.js';
import { placeByMarks, planMoves, type PlannerConfig } from './planner.js';

export interface SmartOptions extends CommonPolicyOptions {
  /** Time for an access's weight to halve. Default 10 000 ms. */
  readonly halfLifeMs?: number;
  /** Least score worth promoting. Default 0.5 (one read about one half-life ago). */
  readonly minPromoteScore?: number;
  /** Promote hot chunks into free room of faster tiers. Default true. */
  readonly promote?: boolean;
}

/** The LRFU score of chunk `id` at `now`. */
export function lrfuScore(history: AccessHistoryView, id: string, now: number, halfLifeMs: number): number {
  const recent = history.recent(id);
  if (recent.length === 0) return 0;
  let score = 0;
  for (const t of recent) score += Math.pow(2, -Math.max(0, now - t) / halfLifeMs);
  const older = history.count(id) - recent.length;
  if (older > 0) score += older * Math.pow(2, -Math.max(0, now - recent[0]) / halfLifeMs);
  return score;
}

export function smart(options: SmartOptions = {}): Policy {
  const marks = checkMarks(options);
  const halfLife = options.halfLifeMs ?? 10_000;
  if (typeof halfLife !== 'number' || !(halfLife > 0) || !Number.isFinite(halfLife)) {
    throw new ArgumentError(`options.halfLifeMs must be a positive number, got ${String(options.halfLifeMs)}`);
  }
  const minPromote = options.minPromoteScore ?? 0.5;
  if (typeof minPromote !== 'number' || !(minPromote >= 0)) {
    throw new ArgumentError(`options.minPromoteScore must be a non-negative number, got ${String(options.minPromoteScore)}`);
  }
  const cfg: PlannerConfig = {
    name: 'smart',
    marksFor: () => marks,
    cooldownMs: checkCooldown(options.cooldownMs),
    coldness: (c, view) => -lrfuScore(view.history, c.id, view.clock.now(), halfLife),
    hotness:
      options.promote === false
        ? undefined
        : (c, view) => {
            const s = lrfuScore(view.history, c.id, view.clock.now(), halfLife);
            return s >= minPromote && s > 0 ? s : undefined;
          },
    explain: (s) => `score ${Math.round(Math.abs(s) * 1000) / 1000}`,
  };
  return {
    name: cfg.name,
    place: (chunk, view) => placeByMarks(chunk, view, cfg.marksFor),
    plan: (view) => planMoves(view, cfg),
  };
}
