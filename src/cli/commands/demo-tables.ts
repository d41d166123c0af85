/** The hive demo's tables: placement per part, verification per codec, capacity per tier. */
import type { HiveStats } from '../../hive/types.js';
import type { TierKind } from '../../tiers/driver.js';
import { formatBytes, table } from '../table.js';
import type { TensorCheck } from './demo-model.js';

export interface PartPlacement {
  readonly part: string;
  readonly tensors: number;
  readonly chunks: number;
  /** Chunks per tier kind (their primary copy). */
  readonly byTier: Readonly<Record<string, number>>;
  readonly physicalBytes: number;
  readonly logicalBytes: number;
}

export function placementTable(rows: readonly PartPlacement[], tiers: readonly TierKind[]): string {
  return table(
    ['part', 'tensors', 'chunks', ...tiers.map((t) => `on ${t}`), 'stored', 'weights'],
    rows.map((r) => [r.part, r.tensors, r.chunks, ...tiers.map((t) => r.byTier[t] ?? 0), formatBytes(r.physicalBytes), formatBytes(r.logicalBytes)]),
  );
}

export function verifyTable(checks: readonly TensorCheck[]): string {
  const byCodec = new Map<string, TensorCheck[]>();
  for (const c of checks) byCodec.set(c.codec, [...(byCodec.get(c.codec) ?? []), c]);
  return table(
    ['codec', 'tensors', 'exact', 'SQNR min dB', 'SQNR mean dB'],
    [...byCodec].map(([codec, cs]) => {
      const finite = cs.map((c) => c.sqnrDb).filter(Number.isFinite);
      return [
        codec,
        cs.length,
        cs.filter((c) => c.exact).length,
        finite.length ? Math.min(...finite) : cs.every((c) => c.sqnrDb === Infinity) ? 'lossless' : '-',
        finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : cs.every((c) => c.sqnrDb === Infinity) ? 'lossless' : '-',
      ];
    }),
  );
}

export function capacityTable(stats: HiveStats): string {
  const rows = stats.tiers.map((t) => [
    t.kind,
    formatBytes(t.capacityBytes),
    // Taken: what the budget is checked against (the RAM tier's whole blocks); physical: the blobs' own bytes.
    formatBytes(t.footprintBytes),
    formatBytes(t.usedBytes),
    formatBytes(t.logicalBytes),
    t.usedBytes === 0 ? '-' : `${(t.logicalBytes / t.usedBytes).toFixed(2)}×`,
    // Effective capacity: the budget at the ratio of weights to bytes taken reached so far.
    t.footprintBytes === 0 ? '-' : formatBytes(Math.round((t.capacityBytes * t.logicalBytes) / t.footprintBytes)),
    t.chunks,
    t.restarts,
    t.up ? 'up' : 'DOWN',
  ]);
  const taken = stats.tiers.reduce((a, t) => a + t.footprintBytes, 0);
  const used = stats.tiers.reduce((a, t) => a + t.usedBytes, 0);
  const logical = stats.tiers.reduce((a, t) => a + t.logicalBytes, 0);
  rows.push(['all', '', formatBytes(taken), formatBytes(used), formatBytes(logical), used === 0 ? '-' : `${(logical / used).toFixed(2)}×`, '', stats.chunks, stats.restarts, '']);
  return table(['tier', 'budget', 'taken', 'physical', 'logical', 'ratio', 'effective budget', 'chunks', 'restarts', 'state'], rows);
}
