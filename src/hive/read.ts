/**
 * Reading one chunk: from the fastest live tier holding a copy, its length
 * and recorded checksum (the blob's CRC trailer) compared with the catalog,
 * the blob's CRC verified once (by decodeBlob, inline or in the codec pool),
 * decoded to the tensor's source dtype. A copy that fails is reported
 * ('integrity' event); when another copy is good the bad one is rewritten
 * from it, otherwise the read rejects with an IntegrityError naming the key
 * and the tiers — never wrong numbers.
 */
import { ActorDeadError, FormatError, IntegrityError, RemoteError, TensorhiveError } from '../errors/index.js';
import { JobCrashedError } from '../runtime/index.js';
import { decompressBlobAs } from '../format/compress.js';
import type { ChunkRecord } from '../scheduler/index.js';
import type { Tensor } from '../tensor/tensor.js';
import type { TierKind } from '../tiers/driver.js';
import type { HiveCore } from './core.js';
import { blobChecksum } from './encode.js';
import { relocateLostGpuChunks } from './placement.js';

/** The tensor was replaced or deleted while it was being read: read it again. */
export class StaleRead extends Error {}

type Attempt = { tensor: Tensor; blob: Uint8Array } | { bad: string } | undefined;

async function tryTier(core: HiveCore, kind: TierKind, tierKey: string, c: ChunkRecord, ahead: boolean): Promise<Attempt> {
  let blob: Uint8Array | undefined;
  try {
    blob = await core.client(kind).get(tierKey);
  } catch (err) {
    if (err instanceof IntegrityError) return { bad: err.message };
    throw err;
  }
  if (!blob) return undefined;
  if (blob.byteLength !== c.blobBytes || blob.byteLength < 4 || blobChecksum(blob) !== c.checksum) {
    return { bad: `blob does not match the catalog (${blob.byteLength} bytes, checksum differs or length ${c.blobBytes} expected)` };
  }
  try {
    return { tensor: await decode(core, blob, core.logicalOf(c), ahead), blob };
  } catch (err) {
    if (err instanceof IntegrityError || err instanceof FormatError) return { bad: err.message };
    if (err instanceof RemoteError && (err.remoteName === 'IntegrityError' || err.remoteName === 'FormatError')) return { bad: err.message };
    throw err;
  }
}

/**
 * Verify (the blob's CRC) and decode. Reads ahead (prefetch) of big chunks
 * decode in the codec pool, beside the caller's work; a read the caller waits
 * for decodes inline: the pool's round trip would only add to its latency.
 * A pool that is down or a crashed job falls back to inline.
 */
async function decode(core: HiveCore, blob: Uint8Array, logical: number, ahead: boolean): Promise<Tensor> {
  const pool = core.codecs;
  if (pool && ahead && logical >= pool.offloadBytes) {
    try {
      return await pool.decode(blob);
    } catch (err) {
      if (!(err instanceof ActorDeadError || err instanceof JobCrashedError)) throw err;
    }
  }
  return decompressBlobAs(blob, 'source');
}

/** Read, verify and decode chunk `id` of `key` at generation `gen`; `ahead`: a prefetch nobody waits for yet. */
export async function readChunk(core: HiveCore, key: string, gen: number, id: string, ahead = false): Promise<Tensor> {
  for (let round = 0; round < 3; round++) {
    const c = core.catalog.chunk(id);
    if (!c || core.meta.get(key)?.gen !== gen) throw new StaleRead(key);
    const tierKey = core.tierKeyOf(c);
    const listed = [...(c.tier ? [c.tier] : []), ...core.bySpeed(c.copies)];
    const sources = listed.filter((k) => !core.down.has(k));
    const bad: Array<{ kind: TierKind; why: string }> = [];
    let missing = false;
    for (const kind of sources) {
      const got = await tryTier(core, kind, tierKey, c, ahead);
      if (got === undefined) {
        missing = true;
        continue;
      }
      if ('bad' in got) {
        bad.push({ kind, why: got.bad });
        continue;
      }
      if (bad.length > 0) await repair(core, key, tierKey, got.blob, bad);
      if (missing && c.tier === 'gpu') relocateLostGpuChunks(core);
      return got.tensor;
    }
    const down = listed.filter((k) => core.down.has(k));
    if (bad.length === 0 && down.length > 0) {
      throw new ActorDeadError(`tier ${down.join(', ')}`, `tensor ${JSON.stringify(key)} chunk ${c.index} is held only by the ${down.join(', ')} tier, which is down`);
    }
    if (bad.length > 0) {
      core.integrityFailures++;
      for (const b of bad) core.events.emit({ type: 'integrity', key, tier: b.kind, recovered: false });
      const where = bad.map((b) => b.kind).join(', ');
      throw new IntegrityError(`tensor ${JSON.stringify(key)} chunk ${c.index} on tier ${where}`, `no good copy left: ${bad.map((b) => `${b.kind}: ${b.why}`).join('; ')}`);
    }
    // Every source said "absent": a move or a replace ran meanwhile; look again.
    if (core.meta.get(key)?.gen !== gen) throw new StaleRead(key);
  }
  throw new IntegrityError(`tensor ${JSON.stringify(key)} chunk ${id}`, 'no tier holds the chunk the catalog lists');
}

async function repair(core: HiveCore, key: string, tierKey: string, good: Uint8Array, bad: Array<{ kind: TierKind; why: string }>): Promise<void> {
  for (const b of bad) {
    core.integrityFailures++;
    try {
      await core.putTo(b.kind, tierKey, good);
      core.events.emit({ type: 'integrity', key, tier: b.kind, recovered: true });
    } catch (err) {
      if (!(err instanceof TensorhiveError)) throw err;
      core.events.emit({ type: 'integrity', key, tier: b.kind, recovered: false });
      core.events.emit({ type: 'notice', message: `could not repair ${tierKey} on ${b.kind}: ${err.message}` });
    }
  }
}
