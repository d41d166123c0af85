/**
 * Bytes per tier as the hive placed them: physical (encoded blob) bytes,
 * footprint (what the blobs occupy there: the RAM tier's whole power-of-two
 * blocks, footprint.ts), logical (uncompressed) bytes and chunk count,
 * primaries and copies alike. Kept incrementally so a placement decision
 * never scans the catalog. Budgets and water marks are checked against the
 * footprint.
 */
import type { TierKind, TierStats } from '../tiers/driver.js';
import { footprintOn } from './footprint.js';

interface Row {
  bytes: number;
  footprint: number;
  logical: number;
  chunks: number;
}

const empty = (): Row => ({ bytes: 0, footprint: 0, logical: 0, chunks: 0 });

export class Ledger {
  private readonly rows = new Map<TierKind, Row>();

  constructor(readonly tiers: ReadonlyArray<{ readonly kind: TierKind; readonly capacityBytes: number }>) {
    for (const t of tiers) this.rows.set(t.kind, empty());
  }

  /** `footprint`: what the blob occupies on `kind` (default: its bytes). */
  add(kind: TierKind, bytes: number, logical: number, chunks = 1, footprint = bytes): void {
    const r = this.rows.get(kind);
    if (!r) return;
    r.bytes += bytes;
    r.footprint += footprint;
    r.logical += logical;
    r.chunks += chunks;
  }

  remove(kind: TierKind, bytes: number, logical: number, chunks = 1, footprint = bytes): void {
    const r = this.rows.get(kind);
    if (!r) return;
    r.bytes = Math.max(0, r.bytes - bytes);
    r.footprint = Math.max(0, r.footprint - footprint);
    r.logical = Math.max(0, r.logical - logical);
    r.chunks = Math.max(0, r.chunks - chunks);
  }

  /** add() of one blob stored under `tierKey`, at its footprint on `kind`. */
  place(kind: TierKind, tierKey: string, bytes: number, logical: number): void {
    this.add(kind, bytes, logical, 1, footprintOn(kind, tierKey, bytes));
  }

  /** remove() of one blob stored under `tierKey`. */
  drop(kind: TierKind, tierKey: string, bytes: number, logical: number): void {
    this.remove(kind, bytes, logical, 1, footprintOn(kind, tierKey, bytes));
  }

  /** A tier that lost its contents (a restarted GPU actor). */
  clear(kind: TierKind): void {
    const r = this.rows.get(kind);
    if (r) Object.assign(r, empty());
  }

  row(kind: TierKind): Readonly<Row> {
    return this.rows.get(kind) ?? empty();
  }

  capacity(kind: TierKind): number {
    return this.tiers.find((t) => t.kind === kind)?.capacityBytes ?? 0;
  }

  /** What policies see: the tiers that exist, fastest first. */
  stats(): TierStats[] {
    return this.tiers.map((t) => {
      const r = this.row(t.kind);
      return { name: t.kind, kind: t.kind, capacityBytes: t.capacityBytes, usedBytes: r.bytes, footprintBytes: r.footprint, entries: r.chunks };
    });
  }
}
