/**
 * pin/unpin: a pinned tensor's chunks are never moved or evicted. The catalog
 * changes at once (the call is synchronous); with durability 'disk' the
 * tensor's manifest is rewritten with the pin as a writer, so the pin
 * survives a restart (a stop waits for it).
 */
import type { HiveCore } from './core.js';
import { writeManifest } from './manifest-io.js';

export function setPin(core: HiveCore, key: string, pinned: boolean): boolean {
  const rec = core.catalog.tensor(key);
  if (!rec) return false;
  const changed = rec.chunks.some((c) => c.pinned !== pinned);
  for (const c of rec.chunks) if (c.pinned !== pinned) core.catalog.apply(c.id, { type: pinned ? 'PIN' : 'UNPIN' });
  if (changed && core.options.durability === 'disk') {
    const gen = core.meta.get(key)?.gen;
    void core.writes
      .run(async () => {
        // A replace or delete meanwhile wrote (or removed) the manifest itself.
        if (core.meta.get(key)?.gen !== gen) return;
        await writeManifest(core, key);
        await core.client('disk').sync();
      })
      .catch((err: unknown) => core.events.emit({ type: 'notice', message: `could not persist the pin of ${JSON.stringify(key)}: ${(err as Error).message}` }));
  }
  return true;
}
