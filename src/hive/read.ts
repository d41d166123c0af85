/**
 * Reading one chunk: from the fastest tier holding a copy, verified twice
 * (the blob's own CRC by decodeBlob, and the checksum the catalog recorded),
 * decoded to the tensor's source dtype. A copy that fails is reported
 * ('integrity' event); when another copy is good the bad one is rewritten
 * from it, otherwise the read rejects with an IntegrityError naming the key
 * and the tiers — never wrong numbers.
 */
import { FormatError, IntegrityError, TensorhiveError } from '../errors/index.js';
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

async function tryTier(core: HiveCore, kind: TierKind, tierKey: string, c: ChunkRecord): Promise<Attempt> {
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
    return { tensor: decompressBlobAs(blob, 'source'), blob };
  } catch (err) {
    if (err instanceof IntegrityError || err instanceof FormatError) return { bad: err.message };
    throw err;
  }
}

/** Read, verify and decode chunk `id` of `key` at generation `gen`. */
export async function readChunk(core: HiveCore, key: string, gen: number, id: string): Promise<Tensor> {
  for (let round = 0; round < 3; round++) {
    const c = core.catalog.chunk(id);
    if (!c || core.meta.get(key)?.gen !== gen) throw new StaleRead(key);
    const tierKey = core.tierKeyOf(c);
    const sources = [...(c.tier ? [c.tier] : []), ...core.bySpeed(c.copies)];
    const bad: Array<{ kind: TierKind; why: string }> = [];
    let missing = false;
    for (const kind of sources) {
      const got = await tryTier(core, kind, tierKey, c);
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
