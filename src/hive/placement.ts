/**
 * Where chunks go and how they move: the policy decides (place/plan), this
 * file acts — stores a new chunk on the chosen tier (falling to slower tiers
 * when one is full) plus the copies the hive's invariants need, executes
 * planned moves through the catalog's residency events, and re-homes chunks
 * whose GPU bytes died with the GPU actor.
 *
 * Invariants: a chunk whose primary is on the GPU has a copy on the next
 * tier down (the GPU is a cache; a restarted GPU actor starts empty); with
 * durability 'disk' every chunk has its primary or a copy on disk.
 */
import { CapacityError, TensorhiveError } from '../errors/index.js';
import { DEFAULT_HIGH, type ChunkRecord, type Move } from '../scheduler/index.js';
import type { TierKind } from '../tiers/driver.js';
import type { HiveCore } from './core.js';
import { blobChecksum } from './encode.js';

export interface Placed {
  readonly tier: TierKind;
  readonly copies: TierKind[];
  /** The GPU epoch when stored (a GPU primary from an older epoch is gone). */
  readonly epoch: number;
}

function overHigh(core: HiveCore, kind: TierKind, extra: number): boolean {
  return core.ledger.row(kind).bytes + extra > DEFAULT_HIGH * core.ledger.capacity(kind);
}

/** Store a new chunk's blob: primary by policy (or `forced`), then its required copies. */
export async function placeChunk(core: HiveCore, tierKey: string, blob: Uint8Array, logical: number, forced: TierKind | undefined): Promise<Placed> {
  const bytes = blob.byteLength;
  let target = forced ?? core.options.policy.place({ blobBytes: bytes }, core.view());
  if (forced === undefined && overHigh(core, target, bytes)) {
    await rebalance(core);
    target = core.options.policy.place({ blobBytes: bytes }, core.view());
  }
  const candidates = forced !== undefined ? [forced] : core.kinds.slice(Math.max(0, core.kinds.indexOf(target)));
  let primary: TierKind | undefined;
  const refusals: string[] = [];
  for (const kind of candidates) {
    try {
      await core.putTo(kind, tierKey, blob);
      primary = kind;
      break;
    } catch (err) {
      if (!(err instanceof CapacityError)) throw err;
      refusals.push(`${kind}: ${err.message}`);
    }
  }
  if (primary === undefined) throw new CapacityError(`no tier has room for a ${bytes}-byte chunk (${refusals.join('; ')})`);
  const epoch = core.gpuEpoch;
  core.ledger.add(primary, bytes, logical);
  const copies: TierKind[] = [];
  try {
    for (const kind of core.requiredCopies(primary)) {
      await core.putTo(kind, tierKey, blob);
      core.ledger.add(kind, bytes, logical);
      copies.push(kind);
    }
  } catch (err) {
    await dropBlob(core, primary, tierKey, bytes, logical);
    for (const k of copies) await dropBlob(core, k, tierKey, bytes, logical);
    throw err;
  }
  return { tier: primary, copies, epoch };
}

/** Delete a blob from a tier and the ledger; failures are noticed, not thrown (the blob is garbage either way). */
export async function dropBlob(core: HiveCore, kind: TierKind, tierKey: string, bytes: number, logical: number): Promise<void> {
  core.ledger.remove(kind, bytes, logical);
  try {
    await core.client(kind).delete(tierKey);
  } catch (err) {
    core.events.emit({ type: 'notice', message: `could not delete ${tierKey} from ${kind}: ${(err as Error).message}` });
  }
}

/** Run the policy's plan and execute its moves in order. */
export async function rebalance(core: HiveCore): Promise<number> {
  const moves = core.options.policy.plan(core.view());
  let done = 0;
  for (const m of moves) if (await executeMove(core, m)) done++;
  return done;
}

/** One planned move: MOVE → copy bytes (unless `to` holds a copy) → MOVED → drop or keep the old bytes. */
export async function executeMove(core: HiveCore, m: Move): Promise<boolean> {
  const { catalog } = core;
  const c = catalog.chunk(m.chunkId);
  if (!c || c.tier !== m.from || !catalog.can(c.id, { type: 'MOVE', to: m.to })) return false;
  const tierKey = core.tierKeyOf(c);
  const logical = core.logicalOf(c);
  const required = core.requiredCopies(m.to);
  catalog.apply(c.id, { type: 'MOVE', to: m.to });
  const added: TierKind[] = [];
  try {
    const need = [m.to, ...required.filter((k) => k !== m.from && k !== m.to)].filter((k) => !c.copies.includes(k));
    if (need.length > 0) {
      const blob = await core.client(m.from).get(tierKey);
      if (!blob || blobChecksum(blob) !== c.checksum || blob.byteLength !== c.blobBytes) throw new TensorhiveError('ERR_INTEGRITY', `chunk ${c.id} on ${m.from} is missing or damaged`);
      for (const k of need) {
        await core.putTo(k, tierKey, blob);
        core.ledger.add(k, c.blobBytes, logical);
        added.push(k);
      }
    }
  } catch (err) {
    for (const k of added) await dropBlob(core, k, tierKey, c.blobBytes, logical);
    catalog.tryApply(c.id, { type: 'MOVE_FAILED' });
    if (m.from === 'gpu') relocateLostGpuChunks(core);
    core.events.emit({ type: 'notice', message: `move of ${c.id} from ${m.from} to ${m.to} failed: ${(err as Error).message}` });
    return false;
  }
  catalog.apply(c.id, { type: 'MOVED' });
  for (const k of added) if (k !== m.to) catalog.addCopy(c.id, k);
  if (required.includes(m.from)) catalog.addCopy(c.id, m.from);
  else await dropBlob(core, m.from, tierKey, c.blobBytes, logical);
  core.moves++;
  core.events.emit({ type: 'move', chunkId: c.id, from: m.from, to: m.to, reason: m.reason });
  return true;
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

/** The GPU actor died: every resident GPU primary now lives on its copy. */
export function relocateLostGpuChunks(core: HiveCore): number {
  let n = 0;
  for (const c of [...core.catalog.chunksOn('gpu')]) {
    if (c.state !== 'resident') continue;
    const to = core.bySpeed(c.copies)[0];
    if (to === undefined) continue; // cannot happen: GPU primaries always have a copy
    rehome(core, c, to);
    core.events.emit({ type: 'move', chunkId: c.id, from: 'gpu', to, reason: 'gpu actor restarted: its bytes are gone, the copy is the primary now' });
    n++;
  }
  return n;
}
