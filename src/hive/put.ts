/**
 * put: encode chunk by chunk, place each (policy, fallbacks, required
 * copies), write the manifest (durability 'disk': then fsync), and only then
 * swap the catalog entry and delete the old generation's blobs — so a
 * replace is atomic from the caller's view and across a crash. On any
 * failure the new blobs are deleted and the old tensor stands.
 */
import { codecByName } from '../codecs/registry.js';
import { ArgumentError, TensorhiveError } from '../errors/index.js';
import type { ChunkSpec } from '../scheduler/index.js';
import { dtypeInfo } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import type { TierKind } from '../tiers/driver.js';
import { layoutChunks, sliceChunk } from './chunker.js';
import type { HiveCore } from './core.js';
import { encodeChunkVia, type EncodedChunk } from './encode.js';
import { chunkTierKey, encodeManifest, manifestKey, type Manifest } from './manifest.js';
import { dropBlob, placeChunk, type Placed } from './placement.js';
import type { CheckedPut } from './validate.js';

interface StoredChunk extends ChunkSpec, Placed {
  readonly tierKey: string;
  readonly logical: number;
}

/** Blobs of one chunk on every tier that holds them, for deletion. */
export interface ChunkBlobs {
  readonly tierKey: string;
  readonly tiers: TierKind[];
  readonly bytes: number;
  readonly logical: number;
}

export async function deleteBlobs(core: HiveCore, blobs: readonly ChunkBlobs[]): Promise<void> {
  for (const b of blobs) for (const t of b.tiers) await dropBlob(core, t, b.tierKey, b.bytes, b.logical);
}

export async function storeTensor(core: HiveCore, key: string, tensor: Tensor, put: CheckedPut): Promise<void> {
  const old = core.catalog.tensor(key);
  const oldMeta = core.meta.get(key);
  if (old?.chunks.some((c) => c.leases > 0)) throw new ArgumentError(`tensor ${JSON.stringify(key)} is leased; release its leases before replacing it`);
  const gen = ++core.gen;
  let codec = core.rawKeys.has(key) ? 'raw' : put.codec;
  const blockSize = codec === 'auto' ? 1 : codecByName(codec).blockSize;
  const eb = dtypeInfo(tensor.dtype).bytes;
  let layout = layoutChunks(tensor.shape, tensor.dtype, core.options.chunkSize, blockSize);
  const stored: StoredChunk[] = [];
  const used = new Set<string>();
  try {
    for (let i = 0; i < layout.chunks.length; i++) {
      const c = layout.chunks[i];
      const part = sliceChunk(tensor, c, layout.shapeOf(c));
      let enc: EncodedChunk;
      try {
        enc = await encodeChunkVia(core.codecs, part, codec, codec === put.codec ? put.params : undefined, core.codecStats, core.options.clock);
      } catch (err) {
        if (!(err instanceof TensorhiveError) || codec === 'raw') throw err;
        // Seed 004's fallback: a codec that fails on this tensor is not tried again; it is stored raw.
        core.rawKeys.add(key);
        core.codecFallbacks++;
        core.events.emit({ type: 'codec-fallback', key, codec, reason: err.message });
        codec = 'raw';
        if (blockSize !== 1) {
          // Raw chunks need no block alignment: start over with the raw layout.
          await deleteBlobs(core, stored.map(blobsOf));
          stored.length = 0;
          used.clear();
          layout = layoutChunks(tensor.shape, tensor.dtype, core.options.chunkSize, 1);
          i = -1;
          continue;
        }
        enc = await encodeChunkVia(core.codecs, part, codec, undefined, core.codecStats, core.options.clock);
      }
      used.add(enc.codec);
      const tierKey = chunkTierKey(gen, key, c.index);
      const logical = c.elements * eb;
      const placed = await placeChunk(core, tierKey, enc.blob, logical, put.tier);
      stored.push({ index: c.index, elementOffset: c.elementOffset, elements: c.elements, blobBytes: enc.blob.byteLength, checksum: enc.checksum, tierKey, logical, ...placed });
    }
    const recorded = used.size === 1 ? [...used][0] : used.size === 0 ? codec : 'mixed';
    const chunks: ChunkSpec[] = stored.map((s) => ({ index: s.index, elementOffset: s.elementOffset, elements: s.elements, blobBytes: s.blobBytes, checksum: s.checksum }));
    if (core.options.durability === 'disk') {
      const m: Manifest = {
        v: 1, key, gen, shape: [...tensor.shape], dtype: tensor.dtype, codec: recorded, logicalBytes: tensor.byteLength, chunks,
        requested: put.codec, ...(put.params ? { params: put.params } : {}), ...(pinOf(core, key, put) ? { pinned: true } : {}),
      };
      await core.putTo('disk', manifestKey(key), encodeManifest(m));
      await core.client('disk').sync();
    }
    swapIn(core, key, tensor, gen, recorded, put, chunks, stored);
  } catch (err) {
    await deleteBlobs(core, stored.map(blobsOf));
    throw err;
  }
  // The new generation is live: the old one's blobs are garbage now.
  if (old) await deleteBlobs(core, old.chunks.map((c) => ({ tierKey: chunkTierKey(oldMeta!.gen, key, c.index), tiers: [c.tier!, ...c.copies].filter(Boolean), bytes: c.blobBytes, logical: c.elements * eb })));
  core.events.emit({ type: 'put', key, chunks: stored.length, bytes: stored.reduce((s, c) => s + c.blobBytes, 0), logicalBytes: tensor.byteLength });
}

function blobsOf(s: StoredChunk): ChunkBlobs {
  return { tierKey: s.tierKey, tiers: [s.tier, ...s.copies], bytes: s.blobBytes, logical: s.logical };
}

/** A put's pin: asked for, or kept from the tensor it replaces. */
function pinOf(core: HiveCore, key: string, put: CheckedPut): boolean {
  return put.pin ?? core.catalog.tensor(key)?.chunks.some((c) => c.pinned) ?? false;
}

function swapIn(core: HiveCore, key: string, tensor: Tensor, gen: number, codec: string, put: CheckedPut, chunks: ChunkSpec[], stored: StoredChunk[]): void {
  const { catalog } = core;
  const old = catalog.tensor(key);
  const pin = pinOf(core, key, put);
  if (old) catalog.removeTensor(key);
  catalog.addTensor(key, { shape: [...tensor.shape], dtype: tensor.dtype, codec, logicalBytes: tensor.byteLength, chunks });
  core.meta.set(key, { gen, requested: put.codec, params: put.params, dtype: tensor.dtype });
  for (const s of stored) {
    const id = `${key}#${s.index}`;
    let tier = s.tier;
    let copies = s.copies;
    if (tier === 'gpu' && s.epoch !== core.gpuEpoch) {
      // The GPU actor died after this chunk reached it: its copy is the primary.
      tier = copies[0];
      copies = copies.slice(1);
    }
    catalog.apply(id, { type: 'LOAD', tier });
    catalog.apply(id, { type: 'LOADED' });
    for (const k of copies) catalog.addCopy(id, k);
    if (pin) catalog.apply(id, { type: 'PIN' });
  }
}
