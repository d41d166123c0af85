/**
 * The state the hive's parts share: options, the catalog, the tier clients,
 * the ledger, per-tensor metadata and counters. Plain data, owned by Hive.
 */
import type { CodecPool } from './codec-pool.js';
import { CodecStats } from '../codecs/select/codec-stats.js';
import { Catalog, Prefetcher, type ChunkRecord, type PolicyView } from '../scheduler/index.js';
import { dtypeInfo, type DType } from '../tensor/dtype.js';
import type { TierKind } from '../tiers/driver.js';
import { Emitter } from './emitter.js';
import { policyView } from './footprint.js';
import { containerCrc } from './encode.js';
import { Ledger } from './ledger.js';
import { Mutex } from './mutex.js';
import { chunkTierKey } from './manifest.js';
import type { ResolvedOptions } from './options.js';
import type { TierClient } from './tier-client.js';

export interface TensorMeta {
  readonly gen: number;
  /** Codec asked for at put ('auto' included) and its params: what a written lease re-encodes with. */
  readonly requested: string;
  readonly params: Record<string, unknown> | undefined;
  readonly dtype: DType;
}

export class HiveCore {
  readonly catalog: Catalog;
  readonly ledger: Ledger;
  readonly events = new Emitter();
  readonly codecStats = new CodecStats();
  readonly prefetcher: Prefetcher;
  readonly meta = new Map<string, TensorMeta>();
  /** Keys whose codec failed: stored raw from then on. */
  readonly rawKeys = new Set<string>();
  /** Tiers fastest first. */
  readonly kinds: TierKind[];
  /** Bumped when the GPU actor dies: its bytes are gone. */
  gpuEpoch = 0;
  gen = 0;
  moves = 0;
  integrityFailures = 0;
  codecFallbacks = 0;
  readonly restarts = new Map<TierKind, number>();
  readonly down = new Set<TierKind>();
  /** Tiers that crossed their high-water mark since they were last under it (planned once per crossing). */
  readonly overMark = new Set<TierKind>();
  /** Writers (put, delete, lease write-back, moves, manifest rewrites) run one at a time. */
  readonly writes = new Mutex();

  constructor(
    readonly options: ResolvedOptions,
    readonly clients: Map<TierKind, TierClient>,
    /** The codec pool (absent: everything is coded inline). */
    readonly codecs: CodecPool | undefined = undefined,
  ) {
    this.catalog = new Catalog({ clock: options.clock });
    this.ledger = new Ledger(options.tiers);
    this.kinds = options.tiers.map((t) => t.kind);
    this.prefetcher = new Prefetcher(this.catalog.history.order, { depth: options.prefetch });
    for (const k of this.kinds) this.restarts.set(k, 0);
  }

  client(kind: TierKind): TierClient {
    return this.clients.get(kind)!;
  }

  /** What policies see: the catalog, the ledger, and footprints that count RAM chunks at their block size (`placing`: footprint.ts). */
  view(placing?: string): PolicyView {
    return policyView(this, placing);
  }

  tierKeyOf(c: Pick<ChunkRecord, 'key' | 'index'>): string {
    return chunkTierKey(this.meta.get(c.key)!.gen, c.key, c.index);
  }

  logicalOf(c: Pick<ChunkRecord, 'key' | 'elements'>): number {
    return c.elements * dtypeInfo(this.meta.get(c.key)!.dtype).bytes;
  }

  /**
   * The copies a primary on `primary` needs, each as the tiers that may hold
   * it (fastest first): with durability 'disk' one on disk; on the GPU (a
   * cache whose restarted actor starts empty) one on any tier below it — the
   * next tier down while it has room, else a slower one.
   */
  copyNeeds(primary: TierKind): TierKind[][] {
    const needs: TierKind[][] = [];
    if (this.options.durability === 'disk' && primary !== 'disk') needs.push(['disk']);
    if (primary === 'gpu') {
      const below = this.kinds.filter((k) => k !== 'gpu');
      const live = below.filter((k) => !this.down.has(k));
      needs.push(live.length > 0 ? live : below);
    }
    return needs;
  }

  /** Tiers slower than `kind` that are up, fastest first. */
  slowerLive(kind: TierKind): TierKind[] {
    return this.kinds.slice(this.kinds.indexOf(kind) + 1).filter((k) => !this.down.has(k));
  }

  /** `tiers` ordered fastest first. */
  bySpeed(tiers: Iterable<TierKind>): TierKind[] {
    const set = new Set(tiers);
    return this.kinds.filter((k) => set.has(k));
  }

  /** Store a copy of `blob` on `kind` (moved to the actor; the caller keeps `blob`). */
  async putTo(kind: TierKind, tierKey: string, blob: Uint8Array): Promise<void> {
    const copy = blob.slice();
    const crc = containerCrc(blob);
    await this.client(kind).put(tierKey, copy, { move: true, remake: async () => blob.slice(), ...(crc === undefined ? {} : { crc32: crc }) });
  }
}
