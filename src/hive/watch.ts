/**
 * What the hive does with its supervision tree's events: a tier actor's exit
 * (the GPU's bytes die with it: its chunks' copies become the primaries), a
 * restart (counted, reported), and a tier whose own supervisor gave up
 * ('tier-down': the hive serves what the other tiers hold, and calls to the
 * dead tier reject at once with ActorDeadError naming it).
 */
import type { RuntimeEvent } from '../runtime/index.js';
import type { TierKind } from '../tiers/driver.js';
import type { HiveCore } from './core.js';
import { relocateChunks } from './placement.js';
import { refillGpu } from './refill.js';
import { tierOfSupervisor, tierPath } from './tree.js';

export function watchTree(core: HiveCore, stopping: () => boolean): (e: RuntimeEvent) => void {
  const lastExit = new Map<TierKind, string>();
  const actorKind = (path: string): TierKind | undefined => core.kinds.find((k) => tierPath(k) === path);
  return (e) => {
    if (stopping()) return;
    if (e.type === 'exit') {
      const kind = actorKind(e.actor);
      if (!kind) return;
      lastExit.set(kind, e.reason);
      if (kind === 'gpu') {
        // The GPU's bytes died with its actor: the copies below are the primaries now.
        core.gpuEpoch++;
        core.ledger.clear('gpu');
        relocateChunks(core, 'gpu', 'gpu actor restarted: its bytes are gone, the copy is the primary now');
      }
    } else if (e.type === 'restart') {
      const kind = tierOfSupervisor(e.supervisor, core.kinds);
      if (!kind) return;
      core.restarts.set(kind, (core.restarts.get(kind) ?? 0) + 1);
      core.events.emit({ type: 'restart', tier: kind, reason: lastExit.get(kind) ?? 'unknown' });
      if (kind === 'gpu') refillGpu(core);
    } else if (e.type === 'escalate') {
      const kind = tierOfSupervisor(e.supervisor, core.kinds);
      if (!kind || core.down.has(kind)) return;
      const reason = `restart intensity exceeded (${e.restarts} restarts within ${core.options.periodMs} ms; last exit: ${lastExit.get(kind) ?? 'unknown'})`;
      core.down.add(kind);
      core.client(kind).markDown(reason);
      relocateChunks(core, kind, `tier ${kind} is down: a copy elsewhere is the primary now`);
      core.events.emit({ type: 'tier-down', tier: kind, reason });
    }
  };
}
