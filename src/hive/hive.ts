/**
 * The hive: the public facade over the tiers (supervised actors), the
 * scheduler (catalog, policies, prefetch, buffer pool) and the codecs.
 *
 *   const hive = await Hive.start({ dir, tiers: { ram: '256MiB', disk: '4GiB' }, codec: 'q8_0' });
 *   await hive.put('layer.0.weight', tensor);
 *   const back = await hive.get('layer.0.weight');
 *   await hive.stop();
 *
 * Writers (put, delete, lease write-back, moves) run one at a time; reads run
 * beside them and re-read the catalog when a move or a replace passes them.
 */
import { ActorDeadError, ArgumentError, TensorhiveError } from '../errors/index.js';
import { BufferPool } from '../scheduler/index.js';
import { dtypeInfo } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import type { TierKind } from '../tiers/driver.js';
import { openGpuDevice } from '../tiers/gpu/index.js';
import { assemble } from './chunker.js';
import { HiveCore } from './core.js';
import type { HiveEventType, HiveListener } from './emitter.js';
import { HiveLease } from './lease.js';
import { chunkTierKey, manifestKey } from './manifest.js';
import { rebalance, relocateLostGpuChunks } from './placement.js';
import { deleteBlobs, storeTensor } from './put.js';
import { StaleRead, readChunk } from './read.js';
import { recoverFromDisk } from './recovery.js';
import { Mutex } from './mutex.js';
import { resolveOptions, type ResolvedOptions } from './options.js';
import { buildStats } from './stats.js';
import { TIERS_PATH, buildTree, type Tree } from './tree.js';
import type { AcquireOptions, HiveOptions, HiveStats, Lease, PutOptions } from './types.js';
import { checkAcquire, checkKey, checkPut } from './validate.js';

/** Test and chaos hooks: not part of the stable API. */
export interface HiveDebug {
  /** End the tier actor's worker thread at once (inline hosts: crash it by message). */
  killTier(kind: TierKind): void;
  /** Resolves at the next restart of that tier's actor. */
  restarted(kind: TierKind): Promise<void>;
  /** The tier key chunk `index` of `key` is stored under. */
  tierKeyOf(key: string, index: number): string;
  /** Raw access to a tier actor (corrupt a blob, inspect keys). */
  tierPut(kind: TierKind, tierKey: string, blob: Uint8Array): Promise<void>;
  tierKeys(kind: TierKind): Promise<string[]>;
  readonly core: HiveCore;
}

const PREFETCH_CACHE = 64;

export class Hive {
  /** Messages from start (e.g. "no GPU adapter: starting without a GPU tier"). */
  readonly notices: string[];
  readonly debug: HiveDebug;
  private readonly core: HiveCore;
  private readonly writes = new Mutex();
  private readonly pool: BufferPool;
  private readonly prefetched = new Map<string, Promise<Tensor | undefined>>();
  private readonly lastExit = new Map<TierKind, string>();
  private stopping: Promise<void> | undefined;

  /** Validate, build the supervision tree, start it, and rebuild the catalog from disk. */
  static async start(options?: HiveOptions): Promise<Hive> {
    let o = resolveOptions(options);
    const notices: string[] = [];
    let budgetOnly = o.gpu === 'budget-only';
    if (o.tiers.some((t) => t.kind === 'gpu') && !budgetOnly) {
      const probe = await openGpuDevice();
      if (probe.ok) probe.gpu.close();
      else if (o.gpu === 'device') throw new TensorhiveError('ERR_GPU_UNAVAILABLE', `options.gpu is 'device' but no GPU device opened: ${probe.reason}`);
      else {
        notices.push(`no GPU device (${probe.reason}): the hive runs without a GPU tier`);
        o = { ...o, tiers: o.tiers.filter((t) => t.kind !== 'gpu') };
        budgetOnly = true;
      }
    }
    const tree = buildTree(o, budgetOnly);
    await tree.system.start();
    const hive = new Hive(o, tree, notices);
    try {
      if (o.tiers.some((t) => t.kind === 'disk')) {
        const r = await recoverFromDisk(hive.core);
        if (r.tensors + r.orphans + r.dropped > 0) notices.push(`recovered ${r.tensors} tensor(s) from disk; removed ${r.orphans} orphan chunk(s), dropped ${r.dropped} manifest(s)`);
      }
    } catch (err) {
      await hive.stop();
      throw err;
    }
    return hive;
  }

  private constructor(
    o: ResolvedOptions,
    private readonly tree: Tree,
    notices: string[],
  ) {
    this.notices = notices;
    this.core = new HiveCore(o, tree.clients);
    this.pool = new BufferPool({ capBytes: o.expandedCap, clock: o.clock });
    tree.system.subscribe((e) => {
      if (this.stopping) return;
      if (e.type === 'exit' && e.actor.startsWith(`${TIERS_PATH}/`)) {
        const kind = e.actor.slice(TIERS_PATH.length + 1) as TierKind;
        this.lastExit.set(kind, e.reason);
        if (kind === 'gpu') {
          // The GPU's bytes died with its actor: the copies below are the primaries now.
          this.core.gpuEpoch++;
          this.core.ledger.clear('gpu');
          relocateLostGpuChunks(this.core);
        }
      } else if (e.type === 'restart' && e.supervisor === TIERS_PATH) {
        const kind = e.child as TierKind;
        this.core.restarts.set(kind, (this.core.restarts.get(kind) ?? 0) + 1);
        this.core.events.emit({ type: 'restart', tier: kind, reason: this.lastExit.get(kind) ?? 'unknown' });
      } else if (e.type === 'lifecycle' && e.to === 'failed' && e.actor.startsWith(`${TIERS_PATH}/`)) {
        const kind = e.actor.slice(TIERS_PATH.length + 1) as TierKind;
        this.core.down.add(kind);
        this.core.events.emit({ type: 'tier-down', tier: kind, reason: this.lastExit.get(kind) ?? 'restart intensity exceeded' });
      }
    });
    this.debug = this.makeDebug();
  }

  /** Store `tensor` under `key` (replacing any tensor there). Resolves once stored (and fsynced with durability 'disk'). */
  async put(key: string, tensor: Tensor, opts?: PutOptions): Promise<void> {
    checkKey(key);
    const put = checkPut(tensor, opts, this.core.options.codec, this.core.kinds);
    this.checkRunning();
    await this.writes.run(() => storeTensor(this.core, key, tensor, put));
  }

  /** The tensor under `key` in its source dtype (lossy codecs: decoded values), or undefined. */
  async get(key: string): Promise<Tensor | undefined> {
    checkKey(key);
    this.checkRunning();
    for (let attempt = 0; attempt < 4; attempt++) {
      const rec = this.core.catalog.tensor(key);
      const meta = this.core.meta.get(key);
      if (!rec || !meta) return undefined;
      try {
        const parts: Array<{ elementOffset: number; tensor: Tensor }> = [];
        for (const c of rec.chunks) parts.push({ elementOffset: c.elementOffset, tensor: await this.readAccess(key, meta.gen, c.id) });
        return assemble(rec.shape, rec.dtype, parts);
      } catch (err) {
        if (!(err instanceof StaleRead)) throw err;
      }
    }
    throw new TensorhiveError('ERR_CONFLICT', `tensor ${JSON.stringify(key)} kept changing while it was read`);
  }

  /** One chunk read on behalf of a caller: recorded, prefetch-aware, stall time counted. */
  private async readAccess(key: string, gen: number, id: string): Promise<Tensor> {
    const { catalog, prefetcher, options } = this.core;
    if (!catalog.chunk(id)) throw new StaleRead(key);
    catalog.recordAccess(id);
    const ahead = prefetcher.onAccess(id);
    const ck = `${gen}:${id}`;
    const pending = this.prefetched.get(ck);
    this.prefetched.delete(ck);
    for (const next of ahead) this.prefetch(next);
    const t0 = options.clock.now();
    const t = (pending ? await pending : undefined) ?? (await readChunk(this.core, key, gen, id));
    const waited = options.clock.now() - t0;
    if (waited > 0) prefetcher.recordStall(waited);
    return t;
  }

  private prefetch(id: string): void {
    const c = this.core.catalog.chunk(id);
    const meta = c && this.core.meta.get(c.key);
    if (!c || !meta) return;
    const ck = `${meta.gen}:${id}`;
    if (this.prefetched.has(ck)) return;
    this.prefetched.set(ck, readChunk(this.core, c.key, meta.gen, id).catch(() => undefined));
    if (this.prefetched.size > PREFETCH_CACHE) this.prefetched.delete(this.prefetched.keys().next().value!);
  }

  /** Expand `key` into a pooled buffer and hold it until release(); its chunks are never moved meanwhile. */
  async acquire(key: string, opts?: AcquireOptions): Promise<Lease> {
    checkKey(key);
    const o = checkAcquire(opts);
    this.checkRunning();
    const rec = await this.writes.run(async () => {
      const r = this.core.catalog.tensor(key);
      if (!r) throw new ArgumentError(`no tensor under key ${JSON.stringify(key)}`);
      for (const c of r.chunks) this.core.catalog.apply(c.id, { type: 'LEASE' });
      return r;
    });
    const unlease = (): void => {
      for (const c of rec.chunks) this.core.catalog.tryApply(c.id, { type: 'RELEASE' });
    };
    let buf;
    try {
      buf = await this.pool.acquire(rec.logicalBytes, o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs });
    } catch (err) {
      unlease();
      throw err;
    }
    try {
      const t = await this.get(key);
      if (!t) throw new ArgumentError(`no tensor under key ${JSON.stringify(key)}`);
      buf.bytes.set(t.bytes);
      const tensor = new Tensor(rec.dtype, rec.shape, buf.bytes);
      const pooled = buf;
      return new HiveLease(key, tensor, o.write, 'cpu', async (lease) => {
        try {
          unlease();
          if (lease.writable) {
            const meta = this.core.meta.get(key);
            await this.put(key, lease.tensor, { codec: meta?.requested, params: meta?.params });
          }
        } finally {
          pooled.release();
        }
      });
    } catch (err) {
      unlease();
      buf.release();
      throw err;
    }
  }

  /** Remove `key`; false when there was none. Refused while leased. */
  async delete(key: string): Promise<boolean> {
    checkKey(key);
    this.checkRunning();
    return this.writes.run(async () => {
      const { catalog } = this.core;
      const rec = catalog.tensor(key);
      const meta = this.core.meta.get(key);
      if (!rec || !meta) return false;
      catalog.removeTensor(key); // throws ResidencyError while leased, before anything changes
      this.core.meta.delete(key);
      if (this.core.options.durability === 'disk') {
        await this.core.client('disk').delete(manifestKey(key));
        await this.core.client('disk').sync();
      }
      await deleteBlobs(this.core, rec.chunks.map((c) => ({ tierKey: chunkTierKey(meta.gen, key, c.index), tiers: [c.tier!, ...c.copies].filter(Boolean), bytes: c.blobBytes, logical: c.elements * dtypeInfo(rec.dtype).bytes })));
      return true;
    });
  }

  has(key: string): boolean {
    checkKey(key);
    return this.core.catalog.has(key);
  }

  keys(): string[] {
    return this.core.catalog.keys();
  }

  /** Keep `key` where it is: never moved or evicted until unpinned. False when there is no such tensor. */
  pin(key: string): boolean {
    return this.setPin(key, true);
  }

  unpin(key: string): boolean {
    return this.setPin(key, false);
  }

  private setPin(key: string, pinned: boolean): boolean {
    checkKey(key);
    const rec = this.core.catalog.tensor(key);
    if (!rec) return false;
    for (const c of rec.chunks) this.core.catalog.apply(c.id, { type: pinned ? 'PIN' : 'UNPIN' });
    return true;
  }

  /** Run the policy's plan now (puts run it when a tier passes its high mark). Returns the moves made. */
  rebalance(): Promise<number> {
    this.checkRunning();
    return this.writes.run(() => rebalance(this.core));
  }

  on<T extends HiveEventType>(type: T, fn: HiveListener<T>): () => void {
    return this.core.events.on(type, fn);
  }

  async stats(): Promise<HiveStats> {
    return buildStats(this.core, this.pool);
  }

  /** Stop the tree (tiers in reverse order). Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.writes.run(async () => {});
      await Promise.allSettled([...this.prefetched.values()]);
      await this.tree.system.stop();
    })();
    return this.stopping;
  }

  private checkRunning(): void {
    if (this.stopping) throw new ActorDeadError('hive', 'stopped');
  }

  private makeDebug(): HiveDebug {
    const core = this.core;
    return {
      core,
      killTier: (kind) => {
        const word = this.tree.kills.get(kind);
        if (!word) throw new ArgumentError(`no tier ${kind}`);
        if (core.options.workers) {
          const w = new Int32Array(word);
          Atomics.add(w, 0, 1);
          Atomics.notify(w, 0);
        } else void core.client(kind).crash();
      },
      restarted: (kind) => new Promise<void>((resolve) => {
        const off = core.events.on('restart', (e) => {
          if (e.tier === kind) {
            off();
            resolve();
          }
        });
      }),
      tierKeyOf: (key, index) => core.tierKeyOf({ key, index }),
      tierPut: (kind, tierKey, blob) => core.client(kind).put(tierKey, blob),
      tierKeys: (kind) => core.client(kind).keys(),
    };
  }
}
