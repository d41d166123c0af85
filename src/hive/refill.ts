/**
 * After the GPU actor restarts it is empty: its chunks were re-homed to their
 * copies below (watch.ts). The policy decides what goes back up — a rebalance
 * runs as a writer (after whatever write is in progress), so a policy that
 * promotes (keepOnGpu, smart) refills the GPU from the lower tiers and one
 * that does not (offloadToRam without `promote`) leaves it to later puts.
 * The catalog stays truthful throughout: a chunk is listed on the GPU only
 * after its bytes got there (executeMove's MOVE → copy → MOVED).
 */
import type { HiveCore } from './core.js';
import { rebalance } from './placement.js';

export function refillGpu(core: HiveCore): void {
  if (core.down.has('gpu')) return;
  void core.writes
    .run(() => rebalance(core))
    .then((n) => {
      if (n > 0) core.events.emit({ type: 'notice', message: `refilled the restarted gpu tier: ${n} chunk(s) promoted by policy` });
    })
    .catch((err: unknown) => core.events.emit({ type: 'notice', message: `gpu refill after restart failed: ${(err as Error).message}` }));
}
