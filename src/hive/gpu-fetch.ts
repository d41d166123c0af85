/**
 * One chunk's blob for a GPU lease, verified but NOT decoded: the lease
 * uploads the compressed payload and expands it on the device. The same
 * checks as get() (read.ts): from the fastest live tier holding a copy (RAM
 * lock-free from the slabs when it can), length and recorded checksum
 * compared with the catalog, the blob's CRC verified (decodeBlob). A copy
 * that fails is reported ('integrity' event); when another copy is good the
 * bad one is rewritten from it, otherwise this rejects with an IntegrityError
 * naming the key and the tiers — never wrong numbers.
 *
 * (read.ts keeps decode and verification together for get(); a
 * `readChunkBlob` exported from there would replace most of this file.)
 */
import { ActorDeadError, FormatError, IntegrityError, RemoteError, TensorhiveError } from '../errors/index.js';
import { decodeBlob, type BlobHeader } from '../format/blob.js';
import type { ChunkRecord } from '../scheduler/index.js';
import type { TierKind } from '../tiers/driver.js';
import type { HiveCore } from './core.js';
import { blobChecksum } from './encode.js';

export interface VerifiedBlob {
  readonly blob: Uint8Array;
  readonly header: BlobHeader;
  readonly payload: Uint8Array;
}

type Attempt = VerifiedBlob | { bad: string } | undefined;

function verify(blob: Uint8Array, c: ChunkRecord): Exclude<Attempt, undefined> {
  if (blob.byteLength !== c.blobBytes || blob.byteLength < 4 || blobChecksum(blob) !== c.checksum) {
    return { bad: `blob does not match the catalog (${blob.byteLength} bytes, checksum differs or length ${c.blobBytes} expected)` };
  }
  try {
    return { blob, ...decodeBlob(blob) };
  } catch (err) {
    if (err instanceof IntegrityError || err instanceof FormatError) return { bad: err.message };
    throw err;
  }
}

async function tryTier(core: HiveCore, kind: TierKind, tierKey: string, c: ChunkRecord): Promise<Attempt> {
  const client = core.client(kind);
  const local = client.readLocal(tierKey);
  if (local) {
    const got = verify(local, c);
    // A lock-free copy that fails proves nothing (a put may have raced it): the actor's copy decides.
    if (!('bad' in got)) return got;
  }
  let blob: Uint8Array | undefined;
  try {
    blob = await client.get(tierKey, { verify: false });
  } catch (err) {
    if (err instanceof IntegrityError) return { bad: err.message };
    if (err instanceof RemoteError && (err.remoteName === 'IntegrityError' || err.remoteName === 'FormatError')) return { bad: err.message };
    throw err;
  }
  return blob ? verify(blob, c) : undefined;
}

/** The verified blob of leased chunk `c` of `key`. */
export async function fetchLeasedBlob(core: HiveCore, key: string, c: ChunkRecord): Promise<VerifiedBlob> {
  core.catalog.recordAccess(c.id);
  const tierKey = core.tierKeyOf(c);
  const listed = [...(c.tier ? [c.tier] : []), ...core.bySpeed(c.copies)];
  const bad: Array<{ kind: TierKind; why: string }> = [];
  for (const kind of listed.filter((k) => !core.down.has(k))) {
    const got = await tryTier(core, kind, tierKey, c);
    if (got === undefined) continue;
    if ('bad' in got) {
      bad.push({ kind, why: got.bad });
      continue;
    }
    for (const b of bad) {
      core.integrityFailures++;
      try {
        await core.putTo(b.kind, tierKey, got.blob);
        core.events.emit({ type: 'integrity', key, tier: b.kind, recovered: true });
      } catch (err) {
        if (!(err instanceof TensorhiveError)) throw err;
        core.events.emit({ type: 'integrity', key, tier: b.kind, recovered: false });
      }
    }
    return got;
  }
  if (bad.length > 0) {
    core.integrityFailures++;
    for (const b of bad) core.events.emit({ type: 'integrity', key, tier: b.kind, recovered: false });
    throw new IntegrityError(`tensor ${JSON.stringify(key)} chunk ${c.index} on tier ${bad.map((b) => b.kind).join(', ')}`, `no good copy left: ${bad.map((b) => `${b.kind}: ${b.why}`).join('; ')}`);
  }
  const down = listed.filter((k) => core.down.has(k));
  if (down.length > 0) throw new ActorDeadError(`tier ${down.join(', ')}`, `tensor ${JSON.stringify(key)} chunk ${c.index} is held only by the ${down.join(', ')} tier, which is down`);
  throw new IntegrityError(`tensor ${JSON.stringify(key)} chunk ${c.index}`, 'no tier holds the chunk the catalog lists');
}
