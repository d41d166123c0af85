/**
 * The planning engine shared by every policy. A policy supplies water marks
 * per tier and an order (which chunks to shed first, which to promote
 * first); this file turns that into a feasible list of moves:
 *
 * 1. Demote: each tier over its high-water mark sheds movable chunks (not
 *    pinned, not leased, not in flight, not moved within the cooldown) to the
 *    next slower tier until it is at its low-water mark — extra copies first
 *    (moves with `copy: true`: reads use the main copy while it is up, so a
 *    copy is the cheapest thing to shed), coldest first, then main copies,
 *    coldest first. Cascades downward.
 * 2. Promote (optional): the hottest chunks in slower tiers fill faster tiers
 *    up to their low-water mark, never past it, so a promotion never triggers
 *    a demotion (hysteresis).
 * 3. Trim: no tier may end above its capacity; moves into an overfull tier
 *    are dropped, latest first, until the whole plan fits.
 * 4. Order: moves are emitted in an order whose every prefix fits too
 *    (space is made below before it is filled from above).
 *
 * Bytes are footprints (`view.footprint`: what a chunk costs on a tier, e.g.
 * the RAM tier's power-of-two block) and tiers are measured by their
 * `footprintBytes`, so rounding never pushes a tier past its budget.
 *
 * Cost: O(chunks · log chunks) per plan; `place` reads tier stats only.
 */
import { ArgumentError } from '../../errors/index.js';
import type { TierKind, TierStats } from '../../tiers/driver.js';
import type { ChunkRecord } from '../records.js';
import { footprintOf, type FootprintChunk, type Marks, type Move, type PolicyView } from './policy.js';

export interface PlannerConfig {
  readonly name: string;
  marksFor(tier: TierStats, index: number): Marks;
  readonly cooldownMs: number;
  /** Higher sheds sooner. */
  coldness(chunk: ChunkRecord, view: PolicyView): number;
  /** Higher promotes sooner; undefined: do not promote this chunk. Absent: the policy never promotes. */
  hotness?(chunk: ChunkRecord, view: PolicyView): number | undefined;
  /** The score in words, for move reasons (`last read at 1200 ms`, `next use in 37 reads`). */
  explain(score: number): string;
}

interface Planned {
  move: Move;
  fromIdx: number;
  toIdx: number;
  live: boolean;
}

function tierIndex(view: PolicyView): Map<TierKind, number> {
  if (!Array.isArray(view.tiers) || view.tiers.length === 0) throw new ArgumentError('view.tiers must list at least one tier');
  const index = new Map<TierKind, number>();
  view.tiers.forEach((t, i) => index.set(t.kind, i));
  return index;
}

/**
 * The first tier (fastest first) that takes the chunk (its footprint there;
 * a number: blob bytes) without passing its high-water mark; else the first
 * with room at all; else the slowest.
 */
export function placeByMarks(chunk: number | FootprintChunk, view: PolicyView, marksFor: PlannerConfig['marksFor']): TierKind {
  tierIndex(view);
  const c: FootprintChunk = typeof chunk === 'number' ? { blobBytes: chunk } : chunk;
  const bytes = c?.blobBytes;
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new ArgumentError(`chunk.blobBytes must be a non-negative integer, got ${String(bytes)}`);
  const fp = footprintOf(view);
  const tiers = view.tiers;
  for (let i = 0; i < tiers.length; i++) {
    if (tiers[i].footprintBytes + fp(tiers[i].kind, c) <= marksFor(tiers[i], i).high * tiers[i].capacityBytes) return tiers[i].kind;
  }
  for (const t of tiers) if (t.footprintBytes + fp(t.kind, c) <= t.capacityBytes) return t.kind;
  return tiers[tiers.length - 1].kind;
}

const pct = (x: number): string => `${Math.round(x * 1000) / 10}%`;

export function planMoves(view: PolicyView, cfg: PlannerConfig): Move[] {
  const index = tierIndex(view);
  const tiers = view.tiers;
  const T = tiers.length;
  const cap = tiers.map((t) => t.capacityBytes);
  const marks = tiers.map((t, i) => cfg.marksFor(t, i));
  const fp = footprintOf(view);
  const start = tiers.map((t) => t.footprintBytes);
  // Bytes already travelling to a tier are spoken for.
  for (const c of view.catalog.chunks()) {
    if ((c.state === 'loading' || c.state === 'moving') && c.target !== undefined && !c.copies.includes(c.target)) {
      const i = index.get(c.target);
      if (i !== undefined) start[i] += fp(c.target, c);
    }
  }
  const proj = start.slice();
  const now = view.clock.now();
  const movable = (c: ChunkRecord): boolean => {
    if (c.state !== 'resident' || c.leases > 0 || c.pinned) return false;
    const moved = view.history.lastMove(c.id);
    return moved === undefined || now - moved >= cfg.cooldownMs;
  };
  const planned: Planned[] = [];
  const taken = new Set<string>();
  const add = (c: ChunkRecord, fromIdx: number, toIdx: number, kind: Move['kind'], reason: string, copy = false): void => {
    const from = tiers[fromIdx].kind;
    const to = tiers[toIdx].kind;
    const bytes = fp(from, c);
    const bytesInto = c.tier === to || c.copies.includes(to) ? 0 : fp(to, c);
    planned.push({
      move: { chunkId: c.id, from, to, kind, ...(copy ? { copy } : {}), bytes, bytesInto, reason },
      fromIdx, toIdx, live: true,
    });
    proj[fromIdx] -= bytes;
    proj[toIdx] += bytesInto;
    taken.add(c.id);
  };
  // Copies per tier (the catalog indexes main copies only).
  const copiesOn: ChunkRecord[][] = tiers.map(() => []);
  for (const c of view.catalog.chunks()) {
    for (const k of c.copies) {
      const i = index.get(k);
      if (i !== undefined && k !== c.tier) copiesOn[i].push(c);
    }
  }

  // 1. Demote, fastest tier first, so shed bytes cascade down: copies first, then main copies.
  for (let i = 0; i < T - 1; i++) {
    const high = marks[i].high * cap[i];
    if (proj[i] <= high) continue;
    const low = marks[i].low * cap[i];
    const why = `${cfg.name}: ${tiers[i].kind} at ${pct(proj[i] / cap[i])} over high-water ${pct(marks[i].high)}`;
    const copies = scored(copiesOn[i].filter((c) => movable(c) && !taken.has(c.id)), (c) => cfg.coldness(c, view));
    for (const v of copies) {
      if (proj[i] <= low) break;
      add(v.c, i, i + 1, 'demote', `${why}; ${cfg.explain(v.s)}`, true);
    }
    const victims = scored([...view.catalog.chunksOn(tiers[i].kind)].filter((c) => movable(c) && !taken.has(c.id)), (c) => cfg.coldness(c, view));
    for (const v of victims) {
      if (proj[i] <= low) break;
      add(v.c, i, i + 1, 'demote', `${why}; ${cfg.explain(v.s)}`);
    }
  }

  // 2. Promote the hottest into faster tiers, up to their low-water marks.
  if (cfg.hotness && T > 1) {
    const cands: { c: ChunkRecord; s: number; i: number }[] = [];
    for (const c of view.catalog.chunks()) {
      if (c.tier === undefined || taken.has(c.id) || !movable(c)) continue;
      const i = index.get(c.tier);
      if (i === undefined || i === 0) continue;
      const s = cfg.hotness(c, view);
      if (s !== undefined) cands.push({ c, s, i });
    }
    cands.sort((a, b) => cmp(a.s, b.s, a.c.id, b.c.id));
    for (const { c, s, i } of cands) {
      for (let t = 0; t < i; t++) {
        const into = c.copies.includes(tiers[t].kind) ? 0 : fp(tiers[t].kind, c);
        if (proj[t] + into <= marks[t].low * cap[t]) {
          add(c, i, t, 'promote', `${cfg.name}: room on ${tiers[t].kind} below low-water ${pct(marks[t].low)}; ${cfg.explain(s)}`);
          break;
        }
      }
    }
  }

  // 3. Trim until every tier ends within its capacity.
  const into: number[][] = tiers.map(() => []);
  planned.forEach((p, k) => into[p.toIdx].push(k));
  for (let changed = true; changed; ) {
    changed = false;
    for (let j = T - 1; j >= 0; j--) {
      while (proj[j] > cap[j] && into[j].length > 0) {
        const p = planned[into[j].pop()!];
        if (!p.live) continue;
        p.live = false;
        proj[j] -= p.move.bytesInto;
        proj[p.fromIdx] += p.move.bytes;
        changed = true;
      }
    }
  }

  // 4. Order: demotions from the slowest tiers first, then promotions; keep only what fits in sequence.
  let pending = planned.filter((p) => p.live);
  pending.sort((a, b) => (a.move.kind === b.move.kind ? b.fromIdx - a.fromIdx : a.move.kind === 'demote' ? -1 : 1));
  const cur = start.slice();
  const out: Move[] = [];
  while (pending.length > 0) {
    const rest: Planned[] = [];
    for (const p of pending) {
      if (cur[p.toIdx] + p.move.bytesInto <= Math.max(cap[p.toIdx], start[p.toIdx])) {
        cur[p.toIdx] += p.move.bytesInto;
        cur[p.fromIdx] -= p.move.bytes;
        out.push(p.move);
      } else rest.push(p);
    }
    if (rest.length === pending.length) break;
    pending = rest;
  }
  return out;
}

/** Chunks with their score, highest score first, ties by id (deterministic). */
function scored(chunks: ChunkRecord[], score: (c: ChunkRecord) => number): { c: ChunkRecord; s: number }[] {
  const out = chunks.map((c) => ({ c, s: score(c) }));
  out.sort((a, b) => cmp(a.s, b.s, a.c.id, b.c.id));
  return out;
}

function cmp(a: number, b: number, ida: string, idb: string): number {
  if (a !== b && !(Number.isNaN(a) && Number.isNaN(b))) {
    if (Number.isNaN(a)) return 1;
    if (Number.isNaN(b)) return -1;
    return a > b ? -1 : 1;
  }
  return ida < idb ? -1 : ida > idb ? 1 : 0;
}
