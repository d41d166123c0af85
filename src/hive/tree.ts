/**
 * The hive's supervision tree, built after validation and started by Hive.start:
 *
 *   hive (rest_for_one)
 *    ├─ tiers (one_for_one)
 *    │   └─ <kind> (one_for_one, temporary) ── actor (the tier actor, worker or inline)
 *    └─ codecs (service: the codec WorkerPool, when there is one)
 *
 * Each tier actor has its own small supervisor carrying the hive's
 * intensity/period: a tier that keeps crashing exhausts ITS budget and goes
 * down alone ('tier-down': its supervisor is temporary, so `tiers` does not
 * restart it) while the other tiers keep serving. With the DESIGN's flat
 * tiers supervisor one bad tier would restart every tier, and a second
 * escalation would take the whole hive down.
 */
import { EGL_PLATFORM_HEADLESS, EGL_PLATFORM_VAR } from '../tiers/gpu/egl-env.js';
import { join } from 'node:path';
import { ActorSystem, inline, worker, type ActorStart, type ChildSpec } from '../runtime/index.js';
import type { TierKind } from '../tiers/driver.js';
import { RamReader, RamSlabs } from '../tiers/ram/index.js';
import { RamLocal } from './ram-local.js';
import type { ResolvedOptions } from './options.js';
import { tierActor, type TierActorArg, type TierMsg, type TierReply } from './tier-actor.js';
import { TierClient } from './tier-client.js';

export const ROOT = 'hive';
export const TIERS_PATH = `${ROOT}/tiers`;
export const CODECS_ID = 'codecs';
/** The supervisor of one tier's actor. */
export const tierSupervisorPath = (kind: TierKind): string => `${TIERS_PATH}/${kind}`;
export const TIER_ACTOR_ID = 'actor';
export const tierPath = (kind: TierKind): string => `${tierSupervisorPath(kind)}/${TIER_ACTOR_ID}`;

/** The tier whose supervisor is `path`, if it is one. */
export function tierOfSupervisor(path: string, kinds: readonly TierKind[]): TierKind | undefined {
  return kinds.find((k) => tierSupervisorPath(k) === path);
}

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

export function buildTree(o: ResolvedOptions, gpuBudgetOnly: boolean, codecs: ChildSpec | undefined): Tree {
  const kills = new Map<TierKind, SharedArrayBuffer>();
  let slabs: RamSlabs | undefined;
  const children: ChildSpec[] = [];
  for (const t of o.tiers) {
    const kill = new SharedArrayBuffer(8); // kills asked for, kills carried out (tier-actor.ts)
    kills.set(t.kind, kill);
    let arg: TierActorArg;
    if (t.kind === 'ram') {
      slabs = RamSlabs.create({ capacityBytes: t.capacityBytes, slabBytes: ramSlabBytes(t.capacityBytes, o.chunkSize) });
      arg = { kind: 'ram', name: 'ram', slabs: slabs.toShared(), kill };
    } else if (t.kind === 'disk') {
      // In its own worker the disk actor serves one message at a time: blocking reads/writes skip the thread-pool hop.
      arg = { kind: 'disk', name: 'disk', dir: join(o.dir!, 'disk'), capacityBytes: t.capacityBytes, fsync: 'batch', io: o.workers ? 'sync' : 'async', kill };
    } else {
      arg = { kind: 'gpu', name: 'gpu', capacityBytes: t.capacityBytes, budgetOnly: gpuBudgetOnly, kill };
      // Mesa's EGL reads EGL_PLATFORM from the real process environment, which a
      // worker thread cannot change: a headless GPU tier in a worker needs it set here.
      if (o.workers && !gpuBudgetOnly) process.env[EGL_PLATFORM_VAR] ??= EGL_PLATFORM_HEADLESS;
    }
    const start: ActorStart = o.workers ? worker(tierModule(), 'tierActor', arg) : inline(tierActor, arg);
    children.push({
      id: t.kind,
      type: 'supervisor',
      restart: 'temporary',
      start: { strategy: 'one_for_one', intensity: o.intensity, period: o.periodMs, children: [{ id: TIER_ACTOR_ID, start, shutdown: 30_000 }] },
    });
  }
  const system = new ActorSystem({
    name: ROOT,
    clock: o.clock,
    root: {
      strategy: 'rest_for_one',
      intensity: o.intensity,
      period: o.periodMs,
      children: [
        { id: 'tiers', type: 'supervisor', start: { strategy: 'one_for_one', intensity: o.intensity, period: o.periodMs, children } },
        ...(codecs ? [codecs] : []),
      ],
    },
  });
  const clients = new Map<TierKind, TierClient>();
  for (const t of o.tiers) {
    // The RAM slabs are this thread's: reads of RAM chunks skip the actor (ram-local.ts).
    const local = t.kind === 'ram' && slabs ? new RamLocal(new RamReader(slabs)) : undefined;
    clients.set(t.kind, new TierClient(t.kind, t.capacityBytes, { call: (msg: TierMsg, opts) => system.ref<TierMsg, TierReply>(tierPath(t.kind)).call(msg, opts), send: () => {}, id: tierPath(t.kind) }, local));
  }
  return { system, clients, kills, slabs };
}
