/**
 * Reading one chunk: from the fastest live tier holding a copy (RAM chunks
 * lock-free from the slabs on this thread when they can, else through the
 * tier's actor, which skips its own checksum of the value), its length
 * and recorded checksum (the blob's CRC trailer) compared with the catalog,
 * the blob's CRC verified once (by decodeBlob, inline or in the codec pool),
 * decoded to the tensor's source dtype. A copy that fails is reported
 * ('integrity' event); when another copy is good the bad one is rewritten
 * from it, otherwise the read rejects with an IntegrityError naming the key
 * and the tiers — never wrong numbers. readChunkBlob does the same without
 * the decode (GPU leases expand the payload on the device).
 */
import { ActorDeadError, FormatError, IntegrityError, RemoteError, TensorhiveError } from '../errors/index.js';
import { JobCrashedError } from '../runtime/index.js';
import { decodeBlob, type BlobHeader } from '../format/blob.js';
import { decompressBlobAs } from '../format/compress.js';
import type { ChunkRecord } from '../scheduler/index.js';
import { Tensor } from '../tensor/tensor.js';
import type { TierKind } from '../tiers/driver.js';
import type { HiveCore } from './core.js';
import { blobChecksum } from './encode.js';
import { relocateLostGpuChunks } from './placement.js';

/** The tensor was replaced or deleted while it was being read: read it again. */
export class StaleRead extends Error {}

/** One tier's answer: a good copy (`value`, and its `blob` when kept to repair others from), a bad one, or none. */
type Attempt<T> = { value: T; blob?: Uint8Array } | { bad: string } | undefined;

/**
 * Reads and checks chunk `c`'s copy on `kind` under `tierKey`. `keepBlob`: a
 * bad copy was met, so a good one must come back with its blob; `round`: the
 * catalog pass (readChunkWith looks again when every tier said "absent").
 */
type TryTier<T> = (kind: TierKind, tierKey: string, c: ChunkRecord, keepBlob: boolean, round: number) => Promise<Attempt<T>>;

/** A chunk's blob, verified (catalog length and checksum, the blob's CRC) and split, not decoded. */
export interface VerifiedBlob {
  readonly blob: Uint8Array;
  readonly header: BlobHeader;
  readonly payload: Uint8Array;
}

/** Prefetches of big chunks decode in the codec pool, beside the caller's work. */
function offloaded(core: HiveCore, logical: number, ahead: boolean): boolean {
  const pool = core.codecs;
  return pool !== undefined && ahead && logical >= pool.offloadBytes;
}

/** The actor's copy of `tierKey` on `kind` (unverified: the caller checks the blob's CRC), a bad copy it reported, or none. */
async function fromActor(core: HiveCore, kind: TierKind, tierKey: string): Promise<Uint8Array | { bad: string } | undefined> {
  try {
    // The blob's own CRC is checked by the caller (decodeBlob): the tier need not check its copy too.
    return await core.client(kind).get(tierKey, { verify: false });
  } catch (err) {
    return badOf(err);
  }
}

/** `skipLocal`: the lock-free read was just tried (readRamChunkNow) and did not settle it: go to the actor. */
async function tryDecoded(core: HiveCore, kind: TierKind, tierKey: string, c: ChunkRecord, ahead: boolean, keepBlob: boolean, skipLocal: boolean): Promise<Attempt<Tensor>> {
  // Decoded inline and not kept, a RAM chunk is copied into a reused buffer: checked and decoded before this thread yields.
  const scratch = !keepBlob && !offloaded(core, core.logicalOf(c), ahead);
  const local = skipLocal ? undefined : core.client(kind).readLocal(tierKey, scratch);
  if (local) {
    const got = scratch ? checkNow(local, c) : await check(core, local, c, ahead);
    if (!('bad' in got)) return got;
    // A lock-free copy that fails is no proof of damage (a put raced the copy): the actor's copy decides.
  }
  const blob = await fromActor(core, kind, tierKey);
  return blob instanceof Uint8Array ? check(core, blob, c, ahead) : blob;
}

/** tryDecoded() without the decode: the blob verified and split. */
async function tryBlob(core: HiveCore, kind: TierKind, tierKey: string, c: ChunkRecord): Promise<Attempt<VerifiedBlob>> {
  const local = core.client(kind).readLocal(tierKey);
  if (local) {
    const got = verifyBlob(local, c);
    // A lock-free copy that fails proves nothing (a put may have raced it): the actor's copy decides.
    if (!('bad' in got)) return got;
  }
  const blob = await fromActor(core, kind, tierKey);
  return blob instanceof Uint8Array ? verifyBlob(blob, c) : blob;
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

/** Compare a blob with the catalog, then `open` it (verify its CRC; decode it or not); `bad` says why not. */
function checked<T>(blob: Uint8Array, c: ChunkRecord, open: (blob: Uint8Array) => T): { value: T; blob: Uint8Array } | { bad: string } {
  const wrong = mismatch(blob, c);
  if (wrong) return wrong;
  try {
    return { value: open(blob), blob };
  } catch (err) {
    return badOf(err);
  }
}

/** checked() with the decode in the codec pool when it is a big prefetch (decode()). */
async function check(core: HiveCore, blob: Uint8Array, c: ChunkRecord, ahead: boolean): Promise<Exclude<Attempt<Tensor>, undefined>> {
  return mismatch(blob, c) ?? decode(core, blob, core.logicalOf(c), ahead).then((value) => ({ value, blob }), badOf);
}

/**
 * check() for a blob in a reused buffer, synchronously (inline decode); the
 * tensor never shares its memory (a codec such as raw may return a view of
 * the payload: then it is copied out), and the buffer is not handed on.
 */
function checkNow(blob: Uint8Array, c: ChunkRecord): Exclude<Attempt<Tensor>, undefined> {
  const got = checked(blob, c, (b) => {
    const t = decompressBlobAs(b, 'source');
    return t.bytes.buffer === b.buffer ? new Tensor(t.dtype, t.shape, t.bytes.slice()) : t;
  });
  return 'bad' in got ? got : { value: got.value };
}

/** Compare a blob with the catalog and verify its CRC (decodeBlob), without decoding its payload. */
function verifyBlob(blob: Uint8Array, c: ChunkRecord): Exclude<Attempt<VerifiedBlob>, undefined> {
  return checked(blob, c, (b) => ({ blob: b, ...decodeBlob(b) }));
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
  const got = checkNow(local, c);
  return 'bad' in got ? 'failed' : got.value;
}

/**
 * Read, verify and decode chunk `id` of `key` at generation `gen`; `ahead`: a
 * prefetch nobody waits for yet; `localTried`: readRamChunkNow just failed on
 * it (the first RAM attempt skips the lock-free read it already made).
 */
export function readChunk(core: HiveCore, key: string, gen: number, id: string, ahead = false, localTried = false): Promise<Tensor> {
  return readChunkWith(core, key, gen, id, (kind, tierKey, c, keepBlob, round) =>
    tryDecoded(core, kind, tierKey, c, ahead, keepBlob, localTried && round === 0 && kind === 'ram'),
  );
}

/**
 * Read and verify chunk `id` of `key` at generation `gen` exactly as
 * readChunk does, without decoding it (a GPU lease uploads the payload and
 * expands it on the device). Rejects with StaleRead when the tensor was
 * replaced or deleted meanwhile.
 */
export function readChunkBlob(core: HiveCore, key: string, gen: number, id: string): Promise<VerifiedBlob> {
  return readChunkWith(core, key, gen, id, (kind, tierKey, c) => tryBlob(core, kind, tierKey, c));
}

/**
 * The fastest live tier holding a good copy of chunk `id` first: a bad copy
 * is skipped, and rewritten from the good one once found; a GPU primary that
 * was absent (its restarted actor starts empty) relocates the GPU's lost
 * chunks. No good copy is an IntegrityError naming the key and the tiers;
 * copies only on tiers that are down an ActorDeadError naming them.
 */
async function readChunkWith<T>(core: HiveCore, key: string, gen: number, id: string, tryTier: TryTier<T>): Promise<T> {
  for (let round = 0; round < 3; round++) {
    const c = core.catalog.chunk(id);
    if (!c || core.meta.get(key)?.gen !== gen) throw new StaleRead(key);
    const tierKey = core.tierKeyOf(c);
    const listed = [...(c.tier ? [c.tier] : []), ...core.bySpeed(c.copies)];
    const sources = listed.filter((k) => !core.down.has(k));
    const bad: Array<{ kind: TierKind; why: string }> = [];
    let missing = false;
    for (const kind of sources) {
      const got = await tryTier(kind, tierKey, c, bad.length > 0, round);
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
      return got.value;
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
