/**
 * Reading one chunk: from the fastest live tier holding a copy (RAM chunks
 * lock-free from the slabs on this thread when they can, else through the
 * tier's actor, which skips its own checksum of the value), its length
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
import { Tensor } from '../tensor/tensor.js';
import type { TierKind } from '../tiers/driver.js';
import type { HiveCore } from './core.js';
import { blobChecksum } from './encode.js';
import { relocateLostGpuChunks } from './placement.js';

/** The tensor was replaced or deleted while it was being read: read it again. */
export class StaleRead extends Error {}

/** `blob`: the bytes decoded, kept when asked for (to repair other copies from them). */
type Attempt = { tensor: Tensor; blob?: Uint8Array } | { bad: string } | undefined;

/** Prefetches of big chunks decode in the codec pool, beside the caller's work. */
function offloaded(core: HiveCore, logical: number, ahead: boolean): boolean {
  const pool = core.codecs;
  return pool !== undefined && ahead && logical >= pool.offloadBytes;
}

/** `skipLocal`: the lock-free read was just tried (readRamChunkNow) and did not settle it: go to the actor. */
async function tryTier(core: HiveCore, kind: TierKind, tierKey: string, c: ChunkRecord, ahead: boolean, keepBlob: boolean, skipLocal = false): Promise<Attempt> {
  const client = core.client(kind);
  // Decoded inline and not kept, a RAM chunk is copied into a reused buffer: checked and decoded before this thread yields.
  const scratch = !keepBlob && !offloaded(core, core.logicalOf(c), ahead);
  const local = skipLocal ? undefined : client.readLocal(tierKey, scratch);
  if (local) {
    const got = scratch ? checkNow(core, local, c) : await check(core, local, c, ahead);
    if (!('bad' in got)) return got;
    // A lock-free copy that fails is no proof of damage (a put raced the copy): the actor's copy decides.
  }
  let blob: Uint8Array | undefined;
  try {
    // The blob's own CRC is checked below (decodeBlob): the tier need not check its copy too.
    blob = await client.get(tierKey, { verify: false });
  } catch (err) {
    if (err instanceof IntegrityError) return { bad: err.message };
    throw err;
  }
  if (!blob) return undefined;
  return check(core, blob, c, ahead);
}

function mismatch(blob: Uint8Array, c: ChunkRecord): { bad: string } | undefined {
  if (blob.byteLength !== c.blobBytes || blob.byteLength < 4 || blobChecksum(blob) !== c.checksum) {
    return { bad: `blob does not match the catalog (${blob.byteLength} bytes, checksum differs or length ${c.blobBytes} expected)` };
  }
  return undefined;
}

/** What a failed check says, or the error rethrown when it is not about the bytes. */
function badOf(err: unknown): { bad: string } {
  if (err instanceof IntegrityError || err instanceof FormatError) return { bad: err.message };
  if (err instanceof RemoteError && (err.remoteName === 'IntegrityError' || err.remoteName === 'FormatError')) return { bad: err.message };
  throw err;
}

/** Compare a blob with the catalog, verify its CRC and decode it; `bad` says why not. */
async function check(core: HiveCore, blob: Uint8Array, c: ChunkRecord, ahead: boolean): Promise<Exclude<Attempt, undefined>> {
  const wrong = mismatch(blob, c);
  if (wrong) return wrong;
  try {
    return { tensor: await decode(core, blob, core.logicalOf(c), ahead), blob };
  } catch (err) {
    return badOf(err);
  }
}

/**
 * check() for a blob in a reused buffer, synchronously (inline decode); the
 * tensor never shares its memory (a codec such as raw may return a view of
 * the payload: then it is copied out).
 */
function checkNow(core: HiveCore, blob: Uint8Array, c: ChunkRecord): Exclude<Attempt, undefined> {
  const wrong = mismatch(blob, c);
  if (wrong) return wrong;
  try {
    const t = decompressBlobAs(blob, 'source');
    return { tensor: t.bytes.buffer === blob.buffer ? new Tensor(t.dtype, t.shape, t.bytes.slice()) : t };
  } catch (err) {
    return badOf(err);
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
  if (pool && offloaded(core, logical, ahead)) {
    try {
      return await pool.decode(blob);
    } catch (err) {
      if (!(err instanceof ActorDeadError || err instanceof JobCrashedError)) throw err;
    }
  }
  return decompressBlobAs(blob, 'source');
}

/**
 * readChunk's first step done synchronously, for a chunk whose main copy is
 * in RAM: read lock-free from the slabs, verify, decode inline — no await, so
 * a RAM hit costs no trip through the microtask queue. undefined when that
 * does not settle it — 'untried' (not RAM-resident, RAM down, replaced) or
 * 'failed' (the lock-free read was stale, torn or bad): readChunk then
 * decides, as if this had not been tried except that it does not repeat a
 * failed lock-free read (such a copy proves nothing about the tier's own).
 */
export function readRamChunkNow(core: HiveCore, key: string, gen: number, id: string): Tensor | 'untried' | 'failed' {
  const c = core.catalog.chunk(id);
  if (!c || c.tier !== 'ram' || core.down.has('ram') || core.meta.get(key)?.gen !== gen) return 'untried';
  const local = core.client('ram').readLocal(core.tierKeyOf(c), true);
  if (!local) return 'failed';
  const got = checkNow(core, local, c);
  return 'bad' in got ? 'failed' : got.tensor;
}

/**
 * Read, verify and decode chunk `id` of `key` at generation `gen`; `ahead`: a
 * prefetch nobody waits for yet; `localTried`: readRamChunkNow just failed on
 * it (the first RAM attempt skips the lock-free read it already made).
 */
export async function readChunk(core: HiveCore, key: string, gen: number, id: string, ahead = false, localTried = false): Promise<Tensor> {
  for (let round = 0; round < 3; round++) {
    const c = core.catalog.chunk(id);
    if (!c || core.meta.get(key)?.gen !== gen) throw new StaleRead(key);
    const tierKey = core.tierKeyOf(c);
    const listed = [...(c.tier ? [c.tier] : []), ...core.bySpeed(c.copies)];
    const sources = listed.filter((k) => !core.down.has(k));
    const bad: Array<{ kind: TierKind; why: string }> = [];
    let missing = false;
    for (const kind of sources) {
      const got = await tryTier(core, kind, tierKey, c, ahead, bad.length > 0, localTried && round === 0 && kind === 'ram');
      if (got === undefined) {
        missing = true;
        continue;
      }
      if ('bad' in got) {
        bad.push({ kind, why: got.bad });
        continue;
      }
      if (bad.length > 0) await repair(core, key, tierKey, got.blob!, bad); // kept: tryTier was told
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
