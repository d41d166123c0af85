/**
 * Making room. A tier may refuse a blob although the ledger says it has
 * room: the RAM tier's power-of-two blocks fragment (free bytes exist, no
 * block fits), a device allocation fails. Such a refusal never fails a put
 * or a demotion while a slower tier has room: the tier sheds its coldest
 * movable chunks one tier down (copies first — reads do not use them while
 * the primary is up — then primaries, least recently read first; pinned,
 * leased and in-flight chunks never) and the put is retried; when that does
 * not help, the caller passes the blob to the next slower tier.
 *
 * Also here: shedding copies — the moves with `copy: true` that the
 * policy's plan makes (a GPU chunk's write-through copy on RAM goes to disk
 * when RAM is over its high-water mark), and, for a policy that plans no
 * copies, the same after its plan. Room is counted in footprints
 * (footprint.ts): the RAM tier's whole blocks.
 */
import { CapacityError, TensorhiveError } from '../errors/index.js';
import { DEFAULT_HIGH, DEFAULT_LOW, type ChunkRecord, type Move } from '../scheduler/index.js';
import type { TierKind } from '../tiers/driver.js';
import type { HiveCore } from './core.js';
import { blobChecksum } from './encode.js';
import { footprintOn } from './footprint.js';
import { dropBlob, moveChunk } from './placement.js';

export interface RoomOptions {
  /** The chunk being placed or moved: never shed to make room for itself. */
  readonly keep?: string;
  /** Shed chunks when the tier refuses (default true; false for promotions, which take free room only). */
  readonly makeRoom?: boolean;
}

/**
 * Store `blob` on `kind`; when the tier refuses it for room, shed chunks
 * from it and retry. Resolves undefined once stored, or with the tier's last
 * refusal when it still has no room. Errors other than CapacityError propagate.
 */
export async function putWithRoom(core: HiveCore, kind: TierKind, tierKey: string, blob: Uint8Array, opts: RoomOptions = {}): Promise<string | undefined> {
  let refusal = await tryPut(core, kind, tierKey, blob);
  if (refusal === undefined || opts.makeRoom === false || core.slowerLive(kind).length === 0) return refusal;
  const keep = opts.keep;
  const need = footprintOn(kind, tierKey, blob.byteLength);
  // Shed at most what a plan would (down to the low-water mark, less the blob), and at least the blob's footprint.
  const floor = DEFAULT_LOW * core.ledger.capacity(kind) - need;
  let freed = 0;
  for (const v of victimsOn(core, kind, keep)) {
    if (freed >= need && core.ledger.row(kind).footprint <= floor) break;
    const got = await shed(core, v, kind, `make room on ${kind} for ${tierKey}`);
    if (got === 0) continue;
    freed += got;
    if (core.ledger.row(kind).footprint + need > core.ledger.capacity(kind)) continue;
    refusal = await tryPut(core, kind, tierKey, blob);
    if (refusal === undefined) return undefined;
  }
  return refusal;
}

async function tryPut(core: HiveCore, kind: TierKind, tierKey: string, blob: Uint8Array): Promise<string | undefined> {
  try {
    await core.putTo(kind, tierKey, blob);
    return undefined;
  } catch (err) {
    if (err instanceof CapacityError) return err.message;
    throw err;
  }
}

/** Chunks with bytes on `kind` that may leave it: copies first, then primaries; never read before recently read; ties by id. */
function victimsOn(core: HiveCore, kind: TierKind, keep: string | undefined): ChunkRecord[] {
  const rows: { c: ChunkRecord; copy: boolean; last: number }[] = [];
  for (const c of core.catalog.chunks()) {
    if (c.id === keep || c.state !== 'resident' || c.pinned || c.leases > 0) continue;
    const copy = c.tier !== kind;
    if (copy && !c.copies.includes(kind)) continue;
    rows.push({ c, copy, last: core.catalog.history.lastAccess(c.id) ?? -Infinity });
  }
  rows.sort((a, b) => (a.copy !== b.copy ? (a.copy ? -1 : 1) : a.last !== b.last ? (a.last < b.last ? -1 : 1) : a.c.id < b.c.id ? -1 : a.c.id > b.c.id ? 1 : 0));
  return rows.map((r) => r.c);
}

/** Move chunk `c`'s bytes on `from` (primary or copy) one tier down, or further when that one is full. Returns the footprint freed on `from`. */
async function shed(core: HiveCore, c: ChunkRecord, from: TierKind, reason: string): Promise<number> {
  if (c.copies.includes(from)) return shedCopy(core, c, from, reason);
  if (c.tier !== from) return 0;
  const tierKey = core.tierKeyOf(c);
  const bytes = footprintOn(from, tierKey, c.blobBytes);
  for (const to of core.slowerLive(from)) {
    const bytesInto = c.copies.includes(to) ? 0 : footprintOn(to, tierKey, c.blobBytes);
    const r = await moveChunk(core, { chunkId: c.id, from, to, kind: 'demote', bytes, bytesInto, reason });
    if (r === 'moved') return bytes;
    if (r === 'skipped') return 0;
  }
  return 0;
}

/**
 * Execute a planned copy shed (a Move with `copy: true`). false when it no
 * longer applies (the copy is gone, the chunk is in flight, pinned or leased)
 * or nothing below had room; failures are noticed, not thrown.
 */
export async function shedCopyMove(core: HiveCore, m: Move): Promise<boolean> {
  const c = core.catalog.chunk(m.chunkId);
  if (!c || !c.copies.includes(m.from) || c.state !== 'resident' || c.pinned || c.leases > 0) return false;
  try {
    return (await shedCopy(core, c, m.from, m.reason, m.to)) > 0;
  } catch (err) {
    if (!(err instanceof TensorhiveError)) throw err;
    core.events.emit({ type: 'notice', message: `could not shed the copy of ${c.id} on ${m.from}: ${err.message}` });
    return false;
  }
}

/**
 * Drop chunk `c`'s copy on `from`. When the chunk still needs a copy that
 * no other tier gives (a GPU chunk's write-through copy), one is written
 * first: on `prefer` (the plan's destination) when it qualifies, else on the
 * fastest slower tier with room. Returns the footprint freed on `from` (0:
 * the copy stays, nothing below had room).
 */
export async function shedCopy(core: HiveCore, c: ChunkRecord, from: TierKind, reason: string, prefer?: TierKind): Promise<number> {
  const tierKey = core.tierKeyOf(c);
  const logical = core.logicalOf(c);
  const others = [c.tier!, ...c.copies].filter((k) => k !== from);
  const unmet = core.copyNeeds(c.tier!).find((n) => !n.some((k) => others.includes(k)));
  let to: TierKind | undefined;
  if (unmet !== undefined) {
    const blob = await core.client(from).get(tierKey);
    if (!blob || blob.byteLength !== c.blobBytes || blobChecksum(blob) !== c.checksum) {
      core.events.emit({ type: 'notice', message: `copy of ${c.id} on ${from} is missing or damaged: not moved` });
      return 0;
    }
    const dests = core.slowerLive(from).filter((k) => unmet.includes(k) && !others.includes(k));
    if (prefer !== undefined && dests.includes(prefer)) dests.unshift(...dests.splice(dests.indexOf(prefer), 1));
    for (const k of dests) {
      if ((await putWithRoom(core, k, tierKey, blob, { keep: c.id })) !== undefined) continue;
      core.ledger.place(k, tierKey, c.blobBytes, logical);
      core.catalog.addCopy(c.id, k);
      to = k;
      break;
    }
    if (to === undefined) return 0;
  }
  core.catalog.dropCopy(c.id, from);
  await dropBlob(core, from, tierKey, c.blobBytes, logical);
  core.moves++;
  core.events.emit({ type: 'move', chunkId: c.id, from, to, reason: `copy: ${reason}` });
  return footprintOn(from, tierKey, c.blobBytes);
}

/**
 * After a plan: every tier but the slowest that is still over its high-water
 * mark sheds copies (least recently read first) until it is at its low-water
 * mark. Returns the copies moved or dropped.
 */
export async function shedCopies(core: HiveCore): Promise<number> {
  let n = 0;
  for (const kind of core.kinds.slice(0, -1)) {
    if (core.down.has(kind)) continue;
    const cap = core.ledger.capacity(kind);
    if (core.ledger.row(kind).footprint <= DEFAULT_HIGH * cap) continue;
    const why = `${kind} over its high-water mark after the plan`;
    for (const c of victimsOn(core, kind, undefined)) {
      if (core.ledger.row(kind).footprint <= DEFAULT_LOW * cap) break;
      if (!c.copies.includes(kind)) break; // copies come first: the rest are primaries, the plan's business
      try {
        if ((await shedCopy(core, c, kind, why)) > 0) n++;
      } catch (err) {
        if (!(err instanceof TensorhiveError)) throw err;
        core.events.emit({ type: 'notice', message: `could not shed the copy of ${c.id} on ${kind}: ${err.message}` });
      }
    }
  }
  return n;
}
