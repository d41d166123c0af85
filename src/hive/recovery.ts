/**
 * Rebuilding the catalog from the disk tier when a hive starts on a
 * directory that already holds tensors: every manifest whose chunks are all
 * on disk comes back (resident on disk); chunks no manifest names (an
 * unfinished put, a replaced generation) and manifests missing a chunk are
 * deleted. The blobs themselves are verified when read, as always.
 */
import { TensorhiveError } from '../errors/index.js';
import { dtypeInfo } from '../tensor/dtype.js';
import type { HiveCore } from './core.js';
import { CHUNK_PREFIX, MANIFEST_PREFIX, chunkTierKey, genOfChunkKey, parseManifest } from './manifest.js';

export interface Recovered {
  tensors: number;
  orphans: number;
  dropped: number;
}

export async function recoverFromDisk(core: HiveCore): Promise<Recovered> {
  const disk = core.client('disk');
  const keys = await disk.keys();
  const chunkKeys = new Set(keys.filter((k) => k.startsWith(CHUNK_PREFIX)));
  const live = new Set<string>();
  const out: Recovered = { tensors: 0, orphans: 0, dropped: 0 };
  for (const mk of keys) {
    if (!mk.startsWith(MANIFEST_PREFIX)) continue;
    try {
      const bytes = await disk.get(mk);
      if (!bytes) continue;
      const m = parseManifest(bytes, mk);
      const tks = m.chunks.map((c) => chunkTierKey(m.gen, m.key, c.index));
      if (!tks.every((k) => chunkKeys.has(k))) throw new TensorhiveError('ERR_INTEGRITY', `a chunk of ${JSON.stringify(m.key)} is missing on disk`);
      core.catalog.addTensor(m.key, m);
      core.meta.set(m.key, { gen: m.gen, requested: m.requested, params: m.params, dtype: m.dtype });
      const eb = dtypeInfo(m.dtype).bytes;
      for (const c of core.catalog.tensor(m.key)!.chunks) {
        core.catalog.apply(c.id, { type: 'LOAD', tier: 'disk' });
        core.catalog.apply(c.id, { type: 'LOADED' });
        if (m.pinned === true) core.catalog.apply(c.id, { type: 'PIN' });
        core.ledger.add('disk', c.blobBytes, c.elements * eb);
      }
      core.ledger.add('disk', bytes.byteLength, 0, 0);
      for (const k of tks) live.add(k);
      core.gen = Math.max(core.gen, m.gen);
      out.tensors++;
    } catch (err) {
      if (!(err instanceof TensorhiveError)) throw err;
      out.dropped++;
      core.events.emit({ type: 'notice', message: `dropped ${mk} on recovery: ${err.message}` });
      await disk.delete(mk);
    }
  }
  for (const k of chunkKeys) {
    const g = genOfChunkKey(k);
    if (g !== undefined) core.gen = Math.max(core.gen, g);
    if (live.has(k)) continue;
    await disk.delete(k);
    out.orphans++;
  }
  return out;
}
