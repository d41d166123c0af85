/**
 * Where chunks go and how they move: the policy decides (place/plan), this
 * file acts — stores a new chunk on the chosen tier (falling to slower tiers
 * when one is full) plus the copies the hive's invariants need, executes
 * planned moves through the catalog's residency events, and re-homes chunks
 * whose GPU bytes died with the GPU actor.
 *
 * Invariants: a chunk whose primary is on the GPU has a copy on a tier
 * below it — the next one down while it has room, else a slower one (the
 * GPU is a cache; a restarted GPU actor starts empty); with durability
 * 'disk' every chunk has its primary or a copy on disk. The catalog lists
 * the primary as `tier` and every other tier holding the bytes in `copies`.
 */
import { CapacityError, TensorhiveError } from '../errors/index.js';
import { DEFAULT_HIGH, type ChunkRecord, type Move } from '../scheduler/index.js';
import type { TierKind } from '../tiers/driver.js';
import type { HiveCore } from './core.js';
import { blobChecksum } from './encode.js';
import { footprintOn } from './footprint.js';
import { putWithRoom, shedCopies, shedCopyMove } from './room.js';

export interface Placed {
  readonly tier: TierKind;
  readonly copies: TierKind[];
  /** The GPU epoch when stored (a GPU primary from an older epoch is gone). */
  readonly epoch: number;
}

/** `extra`: footprint about to land on `kind`. */
function overHigh(core: HiveCore, kind: TierKind, extra: number): boolean {
  return core.ledger.row(kind).footprint + extra > DEFAULT_HIGH * core.ledger.capacity(kind);
}

/** Forget the crossings of tiers back under their mark: the next crossing plans again. */
function noteMarks(core: HiveCore): void {
  for (const k of core.overMark) if (!overHigh(core, k, 0)) core.overMark.delete(k);
}

/** Tiers a new chunk may land on: from `target` down, live ones only. */
function candidatesFrom(core: HiveCore, target: TierKind): TierKind[] {
  return core.kinds.slice(Math.max(0, core.kinds.indexOf(target))).filter((k) => !core.down.has(k));
}

/**
 * Before a blob lands: a tier that is over its high-water mark (and would
 * stay so with the blob) is planned — once per crossing, not once per chunk.
 * A tier under its mark is not: the plan would see nothing to shed there;
 * if the blob takes it over, settleMark plans after it landed.
 */
async function planIfOver(core: HiveCore, kind: TierKind, tierKey: string, bytes: number): Promise<boolean> {
  if (!overHigh(core, kind, 0) || !overHigh(core, kind, footprintOn(kind, tierKey, bytes)) || core.overMark.has(kind)) return false;
  // A tier that stays over the mark (nothing movable) is not re-planned until it has been under it again.
  core.overMark.add(kind);
  await rebalance(core);
  return true;
}

/** After a blob landed on `kind`: a tier it took over its high-water mark is planned (once per crossing). */
async function settleMark(core: HiveCore, kind: TierKind): Promise<void> {
  if (!overHigh(core, kind, 0) || core.overMark.has(kind)) return;
  core.overMark.add(kind);
  await rebalance(core);
}

/**
 * Store a new chunk's blob: primary by policy (or `forced`), then its
 * required copies. A tier that refuses the blob for room sheds its coldest
 * chunks and is asked again (room.ts); when it still refuses, the blob goes
 * to the next slower live tier — a put fails only when no tier from the
 * policy's choice down has room (or a forced tier has none).
 */
export async function placeChunk(core: HiveCore, tierKey: string, blob: Uint8Array, logical: number, forced: TierKind | undefined): Promise<Placed> {
  const bytes = blob.byteLength;
  let target = forced ?? core.options.policy.place({ blobBytes: bytes }, core.view(tierKey));
  if (forced === undefined && (await planIfOver(core, target, tierKey, bytes))) target = core.options.policy.place({ blobBytes: bytes }, core.view(tierKey));
  if (forced !== undefined && core.down.has(forced)) throw core.client(forced).downError();
  const candidates = forced !== undefined ? [forced] : candidatesFrom(core, target);
  let primary: TierKind | undefined;
  const refusals: string[] = [];
  for (const kind of candidates) {
    const refused = await putWithRoom(core, kind, tierKey, blob);
    if (refused === undefined) {
      primary = kind;
      break;
    }
    refusals.push(`${kind}: ${refused}`);
  }
  if (primary === undefined && candidates.length === 0) throw core.client(target).downError();
  if (primary === undefined) throw new CapacityError(`no tier has room for a ${bytes}-byte chunk (${refusals.join('; ')})`);
  const epoch = core.gpuEpoch;
  core.ledger.place(primary, tierKey, bytes, logical);
  const copies: TierKind[] = [];
  try {
    for (const need of core.copyNeeds(primary)) {
      if (need.some((k) => copies.includes(k))) continue;
      const dests = need.filter((k) => k !== primary && !core.down.has(k));
      if (dests.length === 0) throw core.client(need[0]).downError();
      const why: string[] = [];
      let placed: TierKind | undefined;
      for (const k of dests) {
        await planIfOver(core, k, tierKey, bytes);
        const refused = await putWithRoom(core, k, tierKey, blob);
        if (refused === undefined) {
          placed = k;
          break;
        }
        why.push(`${k}: ${refused}`);
      }
      if (placed === undefined) throw new CapacityError(`no tier has room for the copy of a ${bytes}-byte chunk on ${primary} (${why.join('; ')})`);
      core.ledger.place(placed, tierKey, bytes, logical);
      copies.push(placed);
    }
  } catch (err) {
    await dropBlob(core, primary, tierKey, bytes, logical);
    for (const k of copies) await dropBlob(core, k, tierKey, bytes, logical);
    throw err;
  }
  for (const k of [primary, ...copies]) await settleMark(core, k);
  return { tier: primary, copies, epoch };
}

/** Delete a blob from a tier and the ledger; failures are noticed, not thrown (the blob is garbage either way). */
export async function dropBlob(core: HiveCore, kind: TierKind, tierKey: string, bytes: number, logical: number): Promise<void> {
  core.ledger.drop(kind, tierKey, bytes, logical);
  noteMarks(core);
  try {
    await core.client(kind).delete(tierKey);
  } catch (err) {
    core.events.emit({ type: 'notice', message: `could not delete ${tierKey} from ${kind}: ${(err as Error).message}` });
  }
}

/**
 * Run the policy's plan and execute its moves in order (the built-in
 * policies plan copy sheds too); then, for a policy that does not, shed
 * copies from tiers still over their mark.
 */
export async function rebalance(core: HiveCore): Promise<number> {
  const moves = core.options.policy.plan(core.view());
  let done = 0;
  for (const m of moves) if (await executeMove(core, m)) done++;
  done += await shedCopies(core);
  noteMarks(core);
  return done;
}

/**
 * One planned move. A demotion whose destination has no room (even after
 * making room there) goes on to the next slower live tier; a copy shed
 * writes a copy below only where the chunk still needs one (room.ts).
 */
export async function executeMove(core: HiveCore, m: Move): Promise<boolean> {
  if (m.copy === true) return shedCopyMove(core, m);
  const r = await moveChunk(core, m);
  if (r !== 'full' || m.kind !== 'demote') return r === 'moved';
  for (const to of core.slowerLive(m.to)) {
    const c = core.catalog.chunk(m.chunkId);
    if (!c) return false;
    const bytesInto = c.copies.includes(to) ? 0 : footprintOn(to, core.tierKeyOf(c), c.blobBytes);
    const again = await moveChunk(core, { ...m, to, bytesInto, reason: `${m.reason}; ${m.to} had no room` });
    if (again !== 'full') return again === 'moved';
  }
  return false;
}

/**
 * MOVE → copy bytes (unless `to` holds a copy; a demotion makes room there)
 * → write the copies the new primary needs (the old bytes serve as one when
 * they can) → MOVED → keep or drop the old bytes. 'full': `to` had no room,
 * nothing changed; 'skipped': not movable now, or failed (noticed).
 */
export async function moveChunk(core: HiveCore, m: Move): Promise<'moved' | 'full' | 'skipped'> {
  const { catalog } = core;
  const c = catalog.chunk(m.chunkId);
  if (!c || c.tier !== m.from || !catalog.can(c.id, { type: 'MOVE', to: m.to })) return 'skipped';
  const tierKey = core.tierKeyOf(c);
  const logical = core.logicalOf(c);
  catalog.apply(c.id, { type: 'MOVE', to: m.to });
  const added: TierKind[] = [];
  let keepFrom = false;
  let blob: Uint8Array | undefined;
  const load = async (): Promise<Uint8Array> => {
    blob ??= await core.client(m.from).get(tierKey);
    if (!blob || blobChecksum(blob) !== c.checksum || blob.byteLength !== c.blobBytes) throw new TensorhiveError('ERR_INTEGRITY', `chunk ${c.id} on ${m.from} is missing or damaged`);
    return blob;
  };
  try {
    if (!c.copies.includes(m.to)) {
      const b = await load();
      // Promotions take free room only: making room for one would demote others (ping-pong).
      const refused = await putWithRoom(core, m.to, tierKey, b, { keep: c.id, makeRoom: m.kind === 'demote' });
      if (refused !== undefined) {
        catalog.tryApply(c.id, { type: 'MOVE_FAILED' });
        return 'full';
      }
      core.ledger.place(m.to, tierKey, c.blobBytes, logical);
      added.push(m.to);
    }
    const have = c.copies.filter((k) => k !== m.to);
    for (const need of core.copyNeeds(m.to)) {
      if (need.some((k) => have.includes(k))) continue;
      if (need.includes(m.from)) {
        keepFrom = true;
        have.push(m.from);
        continue;
      }
      const b = await load();
      let placed: TierKind | undefined;
      for (const k of need.filter((t) => t !== m.to && !core.down.has(t))) {
        if ((await putWithRoom(core, k, tierKey, b, { keep: c.id })) === undefined) {
          placed = k;
          break;
        }
      }
      if (placed === undefined) throw new CapacityError(`no tier has room for a copy of ${c.id} on ${need.join(' or ')}`);
      core.ledger.place(placed, tierKey, c.blobBytes, logical);
      added.push(placed);
      have.push(placed);
    }
  } catch (err) {
    for (const k of added) await dropBlob(core, k, tierKey, c.blobBytes, logical);
    catalog.tryApply(c.id, { type: 'MOVE_FAILED' });
    if (m.from === 'gpu') relocateChunks(core, 'gpu', 'gpu actor restarted: its bytes are gone, the copy is the primary now');
    core.events.emit({ type: 'notice', message: `move of ${c.id} from ${m.from} to ${m.to} failed: ${(err as Error).message}` });
    return 'skipped';
  }
  catalog.apply(c.id, { type: 'MOVED' });
  for (const k of added) if (k !== m.to) catalog.addCopy(c.id, k);
  if (keepFrom) catalog.addCopy(c.id, m.from);
  else await dropBlob(core, m.from, tierKey, c.blobBytes, logical);
  core.moves++;
  core.events.emit({ type: 'move', chunkId: c.id, from: m.from, to: m.to, reason: m.reason });
  return 'moved';
}

/**
 * Make `to` (a tier holding a copy) the chunk's primary in the catalog
 * without moving bytes. Pins and leases are lifted for the step and put
 * back: the bytes did not move, the record only tells the truth again.
 */
function rehome(core: HiveCore, c: ChunkRecord, to: TierKind): void {
  const { catalog } = core;
  const pinned = c.pinned;
  const leases = c.leases;
  if (pinned) catalog.apply(c.id, { type: 'UNPIN' });
  for (let i = 0; i < leases; i++) catalog.apply(c.id, { type: 'RELEASE' });
  catalog.apply(c.id, { type: 'MOVE', to });
  catalog.apply(c.id, { type: 'MOVED' });
  for (let i = 0; i < leases; i++) catalog.apply(c.id, { type: 'LEASE' });
  if (pinned) catalog.apply(c.id, { type: 'PIN' });
}

/**
 * Tier `kind` lost its bytes (the GPU actor died) or went down: every
 * resident primary there that has a copy on a live tier is re-homed to the
 * fastest such copy. Chunks with no other copy stay listed where they are
 * (the catalog tells the truth; reads of them reject naming the tier).
 */
export function relocateChunks(core: HiveCore, kind: TierKind, reason: string): number {
  let n = 0;
  for (const c of [...core.catalog.chunksOn(kind)]) {
    if (c.state !== 'resident') continue;
    const to = core.bySpeed(c.copies).find((k) => k !== kind && !core.down.has(k));
    if (to === undefined) continue;
    rehome(core, c, to);
    core.events.emit({ type: 'move', chunkId: c.id, from: kind, to, reason });
    n++;
  }
  return n;
}

/** The GPU actor died: every resident GPU primary now lives on its copy. */
export function relocateLostGpuChunks(core: HiveCore): number {
  return relocateChunks(core, 'gpu', 'gpu actor restarted: its bytes are gone, the copy is the primary now');
}
