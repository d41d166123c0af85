/**
 * The catalog: every tensor key → its chunks → {tier, copies, bytes,
 * checksum, residency}, plus access history. Residency moves go through the
 * chunk machine (residency.ts), so an illegal move is refused with a
 * ResidencyError and the record is left as it was. Accepted moves are
 * reported to listeners. Plain data and bookkeeping only: the hive acts.
 */
import type { Clock } from '../clock/index.js';
import { ArgumentError } from '../errors/index.js';
import type { TierKind } from '../tiers/driver.js';
import { AccessHistory, type AccessHistoryOptions } from './access-history.js';
import { ResidencyError } from './errors.js';
import {
  chunkId,
  type ChunkRecord,
  type ResidencyChange,
  type TensorRecord,
  type TensorSpec,
} from './records.js';
import { initialResidency, nextResidency, refusalReason, type ResidencyEvent, type ResidencySnapshot, type ResidencyState } from './residency.js';
import { validateTensorSpec } from './validate-spec.js';

type MutableChunk = { -readonly [K in keyof ChunkRecord]: ChunkRecord[K] } & { copies: TierKind[] };

export interface CatalogOptions {
  readonly clock: Clock;
  readonly history?: AccessHistoryOptions;
}

/** What policies may read. */
export interface CatalogView {
  tensor(key: string): TensorRecord | undefined;
  chunk(id: string): ChunkRecord | undefined;
  chunks(): Iterable<ChunkRecord>;
  /** Chunks whose primary bytes are on `tier` (resident, moving or evicting). */
  chunksOn(tier: TierKind): Iterable<ChunkRecord>;
}

export class Catalog implements CatalogView {
  readonly history: AccessHistory;
  private readonly clock: Clock;
  private readonly tensors = new Map<string, TensorRecord>();
  private readonly byId = new Map<string, MutableChunk>();
  private readonly snaps = new Map<string, ResidencySnapshot>();
  private readonly onTier = new Map<TierKind, Set<string>>();
  private readonly listeners = new Set<(change: ResidencyChange) => void>();

  constructor(options: CatalogOptions) {
    if (!options || typeof options.clock?.now !== 'function') throw new ArgumentError('options.clock must be a Clock');
    this.clock = options.clock;
    this.history = new AccessHistory(options.history);
  }

  /** Register a tensor and its chunks (all absent). Throws ArgumentError on a bad spec or a known key. */
  addTensor(key: string, spec: TensorSpec): TensorRecord {
    if (typeof key !== 'string' || key.length === 0) throw new ArgumentError(`key must be a non-empty string, got ${JSON.stringify(key)}`);
    if (this.tensors.has(key)) throw new ArgumentError(`tensor ${JSON.stringify(key)} is already in the catalog`);
    validateTensorSpec(key, spec);
    const snap = initialResidency();
    const chunks = spec.chunks.map((c): MutableChunk => {
      const id = chunkId(key, c.index);
      this.snaps.set(id, snap);
      const rec: MutableChunk = {
        id, key, index: c.index, elementOffset: c.elementOffset, elements: c.elements,
        blobBytes: c.blobBytes, checksum: c.checksum >>> 0,
        tier: undefined, target: undefined, copies: [], pinned: false, leases: 0, state: 'absent',
      };
      this.byId.set(id, rec);
      return rec;
    });
    const rec: TensorRecord = {
      key, shape: [...spec.shape], dtype: spec.dtype, codec: spec.codec, logicalBytes: spec.logicalBytes, chunks,
    };
    this.tensors.set(key, rec);
    return rec;
  }

  /**
   * Forget a tensor. Refused (ResidencyError) while any chunk is leased or
   * has bytes in flight; the hive deletes the blobs first.
   */
  removeTensor(key: string): boolean {
    const t = this.tensors.get(key);
    if (!t) return false;
    for (const c of t.chunks) {
      if (c.leases > 0 || c.state === 'loading' || c.state === 'moving' || c.state === 'evicting') {
        throw new ResidencyError(c.id, c.state, 'REMOVE', c.leases > 0 ? `the chunk has ${c.leases} lease(s)` : 'bytes are in flight');
      }
    }
    for (const c of t.chunks) {
      this.detach(c.id);
      this.byId.delete(c.id);
      this.snaps.delete(c.id);
      this.history.forget(c.id);
    }
    this.tensors.delete(key);
    return true;
  }

  has(key: string): boolean {
    return this.tensors.has(key);
  }

  keys(): string[] {
    return [...this.tensors.keys()];
  }

  tensor(key: string): TensorRecord | undefined {
    return this.tensors.get(key);
  }

  chunk(id: string): ChunkRecord | undefined {
    return this.byId.get(id);
  }

  chunks(): Iterable<ChunkRecord> {
    return this.byId.values();
  }

  *chunksOn(tier: TierKind): Iterable<ChunkRecord> {
    const ids = this.onTier.get(tier);
    if (!ids) return;
    for (const id of ids) yield this.byId.get(id)!;
  }

  /** Blob bytes whose primary or copy lives on `tier`. */
  bytesOn(tier: TierKind): number {
    let sum = 0;
    for (const c of this.byId.values()) {
      if (c.tier === tier) sum += c.blobBytes;
      if (c.copies.includes(tier)) sum += c.blobBytes;
    }
    return sum;
  }

  /** Whether the machine accepts `event` for chunk `id` now. */
  can(id: string, event: ResidencyEvent): boolean {
    const snap = this.snaps.get(id);
    return snap !== undefined && snap.can(event);
  }

  /** Apply a residency event or throw ResidencyError (ArgumentError for an unknown chunk). */
  apply(id: string, event: ResidencyEvent): ChunkRecord {
    const snap = this.snapOf(id);
    const next = nextResidency(snap, event);
    if (!next) throw new ResidencyError(id, String(snap.value), event.type, refusalReason(snap, event));
    this.commit(id, snap, next, event);
    return this.byId.get(id)!;
  }

  /** Apply a residency event if legal; returns whether it was applied. */
  tryApply(id: string, event: ResidencyEvent): boolean {
    const snap = this.snaps.get(id);
    if (!snap) return false;
    const next = nextResidency(snap, event);
    if (!next) return false;
    this.commit(id, snap, next, event);
    return true;
  }

  /** Record that `tier` holds a verified copy besides the primary. */
  addCopy(id: string, tier: TierKind): void {
    const c = this.chunkOf(id);
    if (c.tier === tier) throw new ArgumentError(`chunk ${id}: ${tier} already holds its primary bytes`);
    if (!c.copies.includes(tier)) c.copies.push(tier);
  }

  dropCopy(id: string, tier: TierKind): boolean {
    const c = this.chunkOf(id);
    const i = c.copies.indexOf(tier);
    if (i < 0) return false;
    c.copies.splice(i, 1);
    return true;
  }

  /** Record a read of chunk `id` (history and the global order). */
  recordAccess(id: string): void {
    this.chunkOf(id);
    this.history.recordAccess(id, this.clock.now());
  }

  /** Listen to accepted residency events; returns the unsubscribe function. */
  on(listener: (change: ResidencyChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private commit(id: string, prev: ResidencySnapshot, next: ResidencySnapshot, event: ResidencyEvent): void {
    this.snaps.set(id, next);
    const c = this.byId.get(id)!;
    const oldTier = c.tier;
    const ctx = next.context;
    c.state = next.value as ResidencyState;
    c.tier = ctx.tier;
    c.target = ctx.target;
    c.leases = ctx.leases;
    c.pinned = ctx.pinned;
    if (oldTier !== c.tier) {
      if (oldTier) this.onTier.get(oldTier)?.delete(id);
      if (c.tier) {
        let set = this.onTier.get(c.tier);
        if (!set) this.onTier.set(c.tier, (set = new Set()));
        set.add(id);
        // The new primary is no longer a copy of itself.
        const i = c.copies.indexOf(c.tier);
        if (i >= 0) c.copies.splice(i, 1);
      }
    }
    const at = this.clock.now();
    // Only tier-to-tier moves start a cooldown; a first load does not.
    if (event.type === 'MOVED') this.history.recordMove(id, at);
    if (this.listeners.size === 0) return;
    const change: ResidencyChange = {
      chunkId: id, key: c.key, event: event.type, from: prev.value as ResidencyState, to: c.state,
      tier: c.tier, target: c.target, leases: c.leases, pinned: c.pinned, at,
    };
    for (const l of this.listeners) l(change);
  }

  private detach(id: string): void {
    const c = this.byId.get(id);
    if (c?.tier) this.onTier.get(c.tier)?.delete(id);
  }

  private snapOf(id: string): ResidencySnapshot {
    const s = this.snaps.get(id);
    if (!s) throw new ArgumentError(`unknown chunk ${JSON.stringify(id)}`);
    return s;
  }

  private chunkOf(id: string): MutableChunk {
    const c = this.byId.get(id);
    if (!c) throw new ArgumentError(`unknown chunk ${JSON.stringify(id)}`);
    return c;
  }
}
