/** A tensor's manifest as the hive writes it: built from the catalog and the tensor's metadata, stored on the disk tier. */
import type { ChunkSpec } from '../scheduler/index.js';
import type { HiveCore } from './core.js';
import { encodeManifest, manifestKey, type Manifest } from './manifest.js';

export function manifestOf(core: HiveCore, key: string): Manifest {
  const rec = core.catalog.tensor(key)!;
  const meta = core.meta.get(key)!;
  const chunks: ChunkSpec[] = rec.chunks.map((c) => ({ index: c.index, elementOffset: c.elementOffset, elements: c.elements, blobBytes: c.blobBytes, checksum: c.checksum }));
  const pinned = rec.chunks.length > 0 && rec.chunks.every((c) => c.pinned);
  return {
    v: 1, key, gen: meta.gen, shape: [...rec.shape], dtype: rec.dtype, codec: rec.codec, logicalBytes: rec.logicalBytes, chunks,
    requested: meta.requested, ...(meta.params ? { params: meta.params } : {}), ...(pinned ? { pinned } : {}),
  };
}

/** Store `m` (or the manifest of `key` as the catalog has it) on the disk tier; the caller syncs. */
export async function writeManifest(core: HiveCore, key: string, m: Manifest = manifestOf(core, key)): Promise<void> {
  await core.putTo('disk', manifestKey(key), encodeManifest(m));
}
