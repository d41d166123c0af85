/**
 * A small in-memory stand-in for the hive's side of the scheduler: it loads
 * chunks into tiers, executes planned moves through the catalog's residency
 * machine, and reports TierStats, so policy tests can run plan → act loops.
 */
import { SimulatedClock } from '../../src/clock/index.js';
import type { TierKind, TierStats } from '../../src/tiers/driver.js';
import { Catalog, type Move, type PolicyView } from '../../src/scheduler/index.js';

export interface TierSpec {
  kind: TierKind;
  capacityBytes: number;
}

export class World {
  readonly clock = new SimulatedClock(1000);
  readonly catalog = new Catalog({ clock: this.clock });
  readonly used = new Map<TierKind, number>();
  /** Executed moves, in order. */
  readonly log: Move[] = [];

  constructor(readonly tiers: TierSpec[]) {
    for (const t of tiers) this.used.set(t.kind, 0);
  }

  /** Add `count` single-chunk tensors of `bytes` each, named `${prefix}${i}`, loaded on `tier`. */
  addChunks(prefix: string, count: number, bytes: number, tier: TierKind): string[] {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const key = `${prefix}${i}`;
      this.catalog.addTensor(key, {
        shape: [bytes],
        dtype: 'U8',
        codec: 'raw',
        logicalBytes: bytes,
        chunks: [{ index: 0, elementOffset: 0, elements: bytes, blobBytes: bytes, checksum: 0 }],
      });
      const id = `${key}#0`;
      this.load(id, tier);
      ids.push(id);
    }
    return ids;
  }

  load(id: string, tier: TierKind): void {
    const c = this.catalog.chunk(id)!;
    this.catalog.apply(id, { type: 'LOAD', tier });
    this.used.set(tier, this.used.get(tier)! + c.blobBytes);
    this.catalog.apply(id, { type: 'LOADED' });
  }

  stats(): TierStats[] {
    return this.tiers.map((t) => ({
      name: t.kind,
      kind: t.kind,
      capacityBytes: t.capacityBytes,
      usedBytes: this.used.get(t.kind)!,
      footprintBytes: this.used.get(t.kind)!,
      entries: 0,
    }));
  }

  view(): PolicyView {
    return { catalog: this.catalog, tiers: this.stats(), clock: this.clock, history: this.catalog.history };
  }

  /** Execute moves in order, asserting every step stays within capacity. */
  execute(moves: readonly Move[]): void {
    for (const m of moves) {
      const c = this.catalog.chunk(m.chunkId)!;
      if (c.tier !== m.from) throw new Error(`move ${m.chunkId}: chunk is on ${c.tier}, move says ${m.from}`);
      this.catalog.apply(m.chunkId, { type: 'MOVE', to: m.to });
      const to = this.used.get(m.to)! + m.bytesInto;
      const cap = this.tiers.find((t) => t.kind === m.to)!.capacityBytes;
      if (to > cap) throw new Error(`move ${m.chunkId} → ${m.to} overfills it: ${to} > ${cap}`);
      this.used.set(m.to, to);
      this.used.set(m.from, this.used.get(m.from)! - m.bytes);
      this.catalog.apply(m.chunkId, { type: 'MOVED' });
      this.log.push(m);
    }
  }

  /** Delete a tensor: its bytes leave their tier. */
  remove(key: string): void {
    for (const c of this.catalog.tensor(key)!.chunks) {
      if (c.tier) this.used.set(c.tier, this.used.get(c.tier)! - c.blobBytes);
    }
    this.catalog.removeTensor(key);
  }

  access(id: string): void {
    this.catalog.recordAccess(id);
  }

  tierOf(id: string): TierKind | undefined {
    return this.catalog.chunk(id)!.tier;
  }
}
