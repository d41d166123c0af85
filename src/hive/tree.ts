/**
 * The hive's supervision tree: root (rest_for_one) → tiers (one_for_one,
 * intensity/period from the options) → one actor per tier, each in its own
 * worker thread (or inline). Built after validation, started by Hive.start.
 */
import { join } from 'node:path';
import { ActorSystem, inline, worker, type ActorStart, type ChildSpec } from '../runtime/index.js';
import type { TierKind } from '../tiers/driver.js';
import { RamSlabs } from '../tiers/ram/index.js';
import type { ResolvedOptions } from './options.js';
import { tierActor, type TierActorArg, type TierMsg, type TierReply } from './tier-actor.js';
import { TierClient } from './tier-client.js';

export const ROOT = 'hive';
export const TIERS_PATH = `${ROOT}/tiers`;
export const tierPath = (kind: TierKind): string => `${TIERS_PATH}/${kind}`;

/** The largest RAM slab: big enough for any chunk blob, small enough not to waste a budget. */
const MAX_RAM_SLAB = 64 * 1024 * 1024;

export interface Tree {
  readonly system: ActorSystem;
  readonly clients: Map<TierKind, TierClient>;
  /** One kill word per worker-hosted tier (see tier-actor.ts). */
  readonly kills: Map<TierKind, SharedArrayBuffer>;
  readonly slabs: RamSlabs | undefined;
}

function tierModule(): URL {
  // Sources run as .ts (tsx, vitest); the build as .js.
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./tier-actor${ext}`, import.meta.url);
}

function ramSlabBytes(capacity: number, chunkSize: number): number {
  // A blob must fit one power-of-two block: a slab twice the chunk size (plus headers) holds the largest one.
  let slab = 4096;
  while (slab < Math.min(capacity, MAX_RAM_SLAB) && slab < 2 * (chunkSize + 64 * 1024)) slab *= 2;
  return Math.min(slab, capacity);
}

export function buildTree(o: ResolvedOptions, gpuBudgetOnly: boolean): Tree {
  const kills = new Map<TierKind, SharedArrayBuffer>();
  let slabs: RamSlabs | undefined;
  const children: ChildSpec[] = [];
  for (const t of o.tiers) {
    const kill = new SharedArrayBuffer(4);
    kills.set(t.kind, kill);
    let arg: TierActorArg;
    if (t.kind === 'ram') {
      slabs = RamSlabs.create({ capacityBytes: t.capacityBytes, slabBytes: ramSlabBytes(t.capacityBytes, o.chunkSize) });
      arg = { kind: 'ram', name: 'ram', slabs: slabs.toShared(), kill };
    } else if (t.kind === 'disk') {
      arg = { kind: 'disk', name: 'disk', dir: join(o.dir!, 'disk'), capacityBytes: t.capacityBytes, fsync: 'batch', kill };
    } else {
      arg = { kind: 'gpu', name: 'gpu', capacityBytes: t.capacityBytes, budgetOnly: gpuBudgetOnly, kill };
    }
    const start: ActorStart = o.workers ? worker(tierModule(), 'tierActor', arg) : inline(tierActor, arg);
    children.push({ id: t.kind, start, shutdown: 30_000 });
  }
  const system = new ActorSystem({
    name: ROOT,
    clock: o.clock,
    root: {
      strategy: 'rest_for_one',
      intensity: o.intensity,
      period: o.periodMs,
      children: [{ id: 'tiers', type: 'supervisor', start: { strategy: 'one_for_one', intensity: o.intensity, period: o.periodMs, children } }],
    },
  });
  const clients = new Map<TierKind, TierClient>();
  for (const t of o.tiers) {
    clients.set(t.kind, new TierClient(t.kind, t.capacityBytes, { call: (msg: TierMsg, opts) => system.ref<TierMsg, TierReply>(tierPath(t.kind)).call(msg, opts), send: () => {}, id: tierPath(t.kind) }));
  }
  return { system, clients, kills, slabs };
}
