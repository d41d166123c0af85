/**
 * Bytes per tier as the hive placed them: physical (encoded blob) bytes,
 * logical (uncompressed) bytes and chunk count, primaries and copies alike.
 * Kept incrementally so a placement decision never scans the catalog.
 */
import type { TierKind, TierStats } from '../tiers/driver.js';

interface Row {
  bytes: number;
  logical: number;
  chunks: number;
}

export class Ledger {
  private readonly rows = new Map<TierKind, Row>();

  constructor(readonly tiers: ReadonlyArray<{ readonly kind: TierKind; readonly capacityBytes: number }>) {
    for (const t of tiers) this.rows.set(t.kind, { bytes: 0, logical: 0, chunks: 0 });
  }

  add(kind: TierKind, bytes: number, logical: number, chunks = 1): void {
    const r = this.rows.get(kind);
    if (!r) return;
    r.bytes += bytes;
    r.logical += logical;
    r.chunks += chunks;
  }

  remove(kind: TierKind, bytes: number, logical: number, chunks = 1): void {
    const r = this.rows.get(kind);
    if (!r) return;
    r.bytes = Math.max(0, r.bytes - bytes);
    r.logical = Math.max(0, r.logical - logical);
    r.chunks = Math.max(0, r.chunks - chunks);
  }

  /** A tier that lost its contents (a restarted GPU actor). */
  clear(kind: TierKind): void {
    const r = this.rows.get(kind);
    if (r) Object.assign(r, { bytes: 0, logical: 0, chunks: 0 });
  }

  row(kind: TierKind): Readonly<Row> {
    return this.rows.get(kind) ?? { bytes: 0, logical: 0, chunks: 0 };
  }

  capacity(kind: TierKind): number {
    return this.tiers.find((t) => t.kind === kind)?.capacityBytes ?? 0;
  }

  /** What policies see: the tiers that exist, fastest first. */
  stats(): TierStats[] {
    return this.tiers.map((t) => {
      const r = this.row(t.kind);
      return { name: t.kind, kind: t.kind, capacityBytes: t.capacityBytes, usedBytes: r.bytes, footprintBytes: r.bytes, entries: r.chunks };
    });
  }
}
