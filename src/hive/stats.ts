/** HiveStats: per-tier physical and logical bytes (from the hive's ledger) beside what each tier actor reports. */
import type { BufferPool } from '../scheduler/index.js';
import type { TierStats } from '../tiers/driver.js';
import type { HiveCore } from './core.js';
import type { HiveStats, TierReport } from './types.js';

export async function buildStats(core: HiveCore, pool: BufferPool): Promise<HiveStats> {
  const tiers: TierReport[] = [];
  for (const t of core.options.tiers) {
    let live: TierStats | undefined;
    if (!core.down.has(t.kind)) {
      try {
        live = await core.client(t.kind).stats();
      } catch {
        live = undefined;
      }
    }
    const row = core.ledger.row(t.kind);
    tiers.push({
      name: t.kind,
      kind: t.kind,
      capacityBytes: t.capacityBytes,
      usedBytes: row.bytes,
      footprintBytes: row.footprint,
      logicalBytes: row.logical,
      chunks: row.chunks,
      ...(live?.readMBps !== undefined ? { readMBps: live.readMBps } : {}),
      ...(live?.writeMBps !== undefined ? { writeMBps: live.writeMBps } : {}),
      restarts: core.restarts.get(t.kind) ?? 0,
      up: live !== undefined,
    });
  }
  const p = core.prefetcher.stats();
  let chunks = 0;
  for (const key of core.catalog.keys()) chunks += core.catalog.tensor(key)!.chunks.length;
  return {
    tensors: core.catalog.keys().length,
    chunks,
    tiers,
    moves: core.moves,
    hits: p.hits,
    misses: p.misses,
    stallMs: p.stallMs,
    prefetched: p.hits + p.wasted + p.outstanding,
    restarts: [...core.restarts.values()].reduce((a, b) => a + b, 0),
    integrityFailures: core.integrityFailures,
    codecFallbacks: core.codecFallbacks,
    expandedBytes: pool.stats().inUseBytes,
    codecs: core.codecStats.rows(),
  };
}
