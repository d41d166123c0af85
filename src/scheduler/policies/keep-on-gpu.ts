/**
 * KeepOnGpu: everything belongs on the fastest tier. New chunks go there
 * while it is under its high-water mark; when it passes the mark the least
 * recently used chunks step down one tier, and whenever the fast tier has
 * room below its low-water mark the most recently used chunks come back up.
 */
import { checkCooldown, checkMarks, lruColdness, type CommonPolicyOptions, type Policy } from './policy.js';
import { placeByMarks, planMoves, type PlannerConfig } from './planner.js';

export function keepOnGpu(options: CommonPolicyOptions = {}): Policy {
  const marks = checkMarks(options);
  const cfg: PlannerConfig = {
    name: 'keepOnGpu',
    marksFor: () => marks,
    cooldownMs: checkCooldown(options.cooldownMs),
    coldness: lruColdness,
    hotness: (c, view) => view.history.lastAccess(c.id) ?? -Infinity,
    explain: (s) => (Number.isFinite(s) ? `last read at ${Math.abs(s)} ms` : 'never read'),
  };
  return {
    name: cfg.name,
    place: (chunk, view) => placeByMarks(chunk, view, cfg.marksFor),
    plan: (view) => planMoves(view, cfg),
  };
}
