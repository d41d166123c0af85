/**
 * A small in-memory stand-in for the hive's side of the scheduler: it loads
 * chunks (and copies) into tiers, executes planned moves — of main copies and
 * of copies — through the catalog, and reports TierStats, so policy tests can
 * run plan → act loops. With a `footprint` it counts each chunk at what it
 * costs on a tier (as the hive does for the RAM tier's blocks).
 */
import { SimulatedClock } from '../../src/clock/index.js';
import type { TierKind, TierStats } from '../../src/tiers/driver.js';
import { Catalog, type ChunkRecord, type Footprint, type Move, type PolicyView } from '../../src/scheduler/index.js';

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

  constructor(
    readonly tiers: TierSpec[],
    readonly footprint?: Footprint,
  ) {
    for (const t of tiers) this.used.set(t.kind, 0);
  }

  private cost(kind: TierKind, c: ChunkRecord): number {
    return this.footprint ? this.footprint(kind, c) : c.blobBytes;
  }

  private capOf(kind: TierKind): number {
    return this.tiers.find((t) => t.kind === kind)!.capacityBytes;
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
    this.used.set(tier, this.used.get(tier)! + this.cost(tier, c));
    this.catalog.apply(id, { type: 'LOADED' });
  }

  /** Give chunk `id` a copy on `tier` besides its main copy. */
  addCopy(id: string, tier: TierKind): void {
    this.catalog.addCopy(id, tier);
    this.used.set(tier, this.used.get(tier)! + this.cost(tier, this.catalog.chunk(id)!));
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
    return { catalog: this.catalog, tiers: this.stats(), clock: this.clock, history: this.catalog.history, ...(this.footprint ? { footprint: this.footprint } : {}) };
  }

  /**
   * Execute moves in order, asserting every step stays within capacity and
   * that the bytes a move names are what the chunk costs on its tiers.
   */
  execute(moves: readonly Move[]): void {
    for (const m of moves) {
      const c = this.catalog.chunk(m.chunkId)!;
      const holdsTo = c.tier === m.to || c.copies.includes(m.to);
      if (m.bytes !== this.cost(m.from, c)) throw new Error(`move ${m.chunkId}: ${m.bytes} bytes leave ${m.from}, the chunk costs ${this.cost(m.from, c)} there`);
      if (m.bytesInto !== (holdsTo ? 0 : this.cost(m.to, c))) throw new Error(`move ${m.chunkId}: ${m.bytesInto} bytes land on ${m.to}, the chunk costs ${this.cost(m.to, c)} there`);
      const to = this.used.get(m.to)! + m.bytesInto;
      if (to > this.capOf(m.to)) throw new Error(`move ${m.chunkId} → ${m.to} overfills it: ${to} > ${this.capOf(m.to)}`);
      if (m.copy) {
        if (!c.copies.includes(m.from)) throw new Error(`copy move ${m.chunkId}: no copy on ${m.from}`);
        this.catalog.dropCopy(m.chunkId, m.from);
        if (!holdsTo) this.catalog.addCopy(m.chunkId, m.to);
      } else {
        if (c.tier !== m.from) throw new Error(`move ${m.chunkId}: chunk is on ${c.tier}, move says ${m.from}`);
        this.catalog.apply(m.chunkId, { type: 'MOVE', to: m.to });
        this.catalog.apply(m.chunkId, { type: 'MOVED' });
      }
      this.used.set(m.to, to);
      this.used.set(m.from, this.used.get(m.from)! - m.bytes);
      this.log.push(m);
    }
  }

  /** Delete a tensor: its bytes leave their tier. */
  remove(key: string): void {
    for (const c of this.catalog.tensor(key)!.chunks) {
      for (const k of [...(c.tier ? [c.tier] : []), ...c.copies]) this.used.set(k, this.used.get(k)! - this.cost(k, c));
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
