/**
 * NextUse: for chunks read in a recorded cyclic order (layer streaming),
 * shed the chunk whose next use is farthest away (Belady), and fill faster
 * tiers' free room with the chunks needed soonest. Plain LRU on a cycle
 * larger than the cache evicts exactly the chunk needed next and hits 0%;
 * this keeps a stable capacity/size share of the cycle resident. Chunks not
 * in the cycle are shed first. Until a cycle is learned it behaves as LRU
 * and promotes nothing.
 */
import { checkCooldown, checkMarks, lruColdness, type CommonPolicyOptions, type Policy } from './policy.js';
import { placeByMarks, planMoves, type PlannerConfig } from './planner.js';

export function nextUse(options: CommonPolicyOptions = {}): Policy {
  const marks = checkMarks(options);
  const cfg: PlannerConfig = {
    name: 'nextUse',
    marksFor: () => marks,
    cooldownMs: checkCooldown(options.cooldownMs),
    coldness: (c, view) => {
      const order = view.history.order;
      if (!order.learned) return lruColdness(c, view);
      const d = order.nextUseDistance(c.id);
      // Not in the cycle: colder than anything in it.
      return Number.isFinite(d) ? d : order.cycle.length + 1;
    },
    hotness: (c, view) => {
      const order = view.history.order;
      if (!order.learned || !order.includes(c.id)) return undefined;
      return -order.nextUseDistance(c.id);
    },
    explain: (s) => (s > 0 && Number.isFinite(s) ? `next use in ${s} reads` : `reuse distance ${Math.abs(s)}`),
  };
  return {
    name: cfg.name,
    place: (chunk, view) => placeByMarks(chunk, view, cfg.marksFor),
    plan: (view) => planMoves(view, cfg),
  };
}
