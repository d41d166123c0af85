/**
 * The hive: the public facade over the tiers (supervised actors), the
 * scheduler (catalog, policies, prefetch, buffer pool) and the codecs.
 *
 *   const hive = await Hive.start({ dir, tiers: { ram: '256MiB', disk: '4GiB' }, codec: 'q8_0' });
 *   await hive.put('layer.0.weight', tensor);
 *   const back = await hive.get('layer.0.weight');
 *   await hive.stop();
 *
 * Writers (put, delete, lease write-back, moves) run one at a time
 * (core.writes); reads run beside them and re-read the catalog when a move or
 * a replace passes them. The parts live in their own files: reader.ts (get),
 * acquire.ts (leases), pins.ts, watch.ts (supervision events), debug.ts.
 */
import { ActorDeadError, TensorhiveError } from '../errors/index.js';
import { BufferPool } from '../scheduler/index.js';
import { dtypeInfo } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { openGpuDevice, type GpuDevice } from '../tiers/gpu/index.js';
import { acquireLease, checkFallback } from './acquire.js';
import { CodecPool } from './codec-pool.js';
import { HiveCore } from './core.js';
import { makeDebug, type HiveDebug } from './debug.js';
import { GpuByteBudget } from './gpu-budget.js';
import { HiveGpu } from './gpu-compute.js';
import type { HiveEventType, HiveListener } from './emitter.js';
import { chunkTierKey, manifestKey } from './manifest.js';
import { resolveOptions, type ResolvedOptions } from './options.js';
import { setPin } from './pins.js';
import { rebalance } from './placement.js';
import { deleteBlobs, storeTensor } from './put.js';
import { Reader } from './reader.js';
import { recoverFromDisk } from './recovery.js';
import { buildStats } from './stats.js';
import { buildTree, type Tree } from './tree.js';
import type { AcquireOptions, GpuLease, HiveOptions, HiveStats, Lease, PutOptions } from './types.js';
import { checkAcquire, checkKey, checkPut } from './validate.js';
import { watchTree } from './watch.js';

export type { HiveDebug } from './debug.js';

export class Hive {
  /** Messages from start (e.g. "no GPU adapter: starting without a GPU tier"). */
  readonly notices: string[];
  readonly debug: HiveDebug;
  private readonly core: HiveCore;
  private readonly pool: BufferPool;
  private readonly reader: Reader;
  /** The compute device of GPU leases (this thread's), opened on first use. */
  private readonly gpu: HiveGpu;
  private readonly gpuBudget: GpuByteBudget;
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
    const codecs = CodecPool.create(o);
    const tree = buildTree(o, budgetOnly, codecs?.childSpec());
    await tree.system.start();
    const hive = new Hive(o, tree, notices, codecs);
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
    codecs: CodecPool | undefined,
  ) {
    this.notices = notices;
    this.core = new HiveCore(o, tree.clients, codecs);
    this.pool = new BufferPool({ capBytes: o.expandedCap, clock: o.clock });
    this.reader = new Reader(this.core);
    this.gpu = new HiveGpu(o.gpu, o.clock);
    this.gpuBudget = new GpuByteBudget(o.gpuExpandedCap, o.clock);
    tree.system.subscribe(watchTree(this.core, () => this.stopping !== undefined));
    this.debug = makeDebug(this.core, tree);
  }

  /** Store `tensor` under `key` (replacing any tensor there). Resolves once stored (and fsynced with durability 'disk'). */
  async put(key: string, tensor: Tensor, opts?: PutOptions): Promise<void> {
    checkKey(key);
    const put = checkPut(tensor, opts, this.core.options.codec, this.core.kinds);
    this.checkRunning();
    await this.core.writes.run(() => storeTensor(this.core, key, tensor, put));
  }

  /** The tensor under `key` in its source dtype (lossy codecs: decoded values), or undefined. */
  async get(key: string): Promise<Tensor | undefined> {
    checkKey(key);
    this.checkRunning();
    return this.reader.get(key);
  }

  /**
   * Expand `key` and hold it until release(); its chunks are never moved meanwhile. On 'cpu' (default)
   * into a pooled buffer; on 'gpu' into a GPUBuffer of `gpuDevice()`, decoded there (a GpuLease).
   */
  async acquire(key: string, opts: AcquireOptions & { on: 'gpu'; fallback?: undefined }): Promise<GpuLease>;
  async acquire(key: string, opts?: AcquireOptions & { on?: 'cpu' }): Promise<Lease>;
  async acquire(key: string, opts?: AcquireOptions): Promise<Lease | GpuLease>;
  async acquire(key: string, opts?: AcquireOptions): Promise<Lease | GpuLease> {
    checkKey(key);
    const o = checkAcquire(opts);
    const fallback = checkFallback(opts);
    this.checkRunning();
    const deps = { core: this.core, pool: this.pool, gpu: this.gpu, gpuBudget: this.gpuBudget, get: (k: string) => this.get(k), put: (k: string, t: Tensor, p: PutOptions) => this.put(k, t, p) };
    return acquireLease(deps, key, o, fallback);
  }

  /**
   * The compute device GPU leases live on (this thread's), opened on first use with the GPU tier's backend
   * order; run your own kernels on lease buffers with it. Rejects with GpuUnavailableError naming why when
   * none opens (or options.gpu is 'budget-only'). Owned by the hive: destroying it counts as a device loss.
   */
  async gpuDevice(): Promise<GpuDevice> {
    this.checkRunning();
    return (await this.gpu.open()).gpu;
  }

  /** Remove `key`; false when there was none. Refused while leased. */
  async delete(key: string): Promise<boolean> {
    checkKey(key);
    this.checkRunning();
    return this.core.writes.run(async () => {
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

  /** Keep `key` where it is: never moved or evicted until unpinned (persisted with durability 'disk'). False when there is no such tensor. */
  pin(key: string): boolean {
    checkKey(key);
    return setPin(this.core, key, true);
  }

  unpin(key: string): boolean {
    checkKey(key);
    return setPin(this.core, key, false);
  }

  /** Run the policy's plan now (puts run it when a tier crosses its high mark). Returns the moves made. */
  rebalance(): Promise<number> {
    this.checkRunning();
    return this.core.writes.run(() => rebalance(this.core));
  }

  on<T extends HiveEventType>(type: T, fn: HiveListener<T>): () => void {
    return this.core.events.on(type, fn);
  }

  async stats(): Promise<HiveStats> {
    const s = await buildStats(this.core, this.pool);
    return { ...s, gpuLeases: { ...this.gpu.counters, leases: this.gpu.leases, expandedBytes: this.gpuBudget.inUseBytes, peakExpandedBytes: this.gpuBudget.peakBytes } };
  }

  /** Stop the tree (tiers in reverse order). Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.core.writes.run(async () => {});
      await this.reader.settle();
      await this.tree.system.stop();
      this.gpu.close();
    })();
    return this.stopping;
  }

  private checkRunning(): void {
    if (this.stopping) throw new ActorDeadError('hive', 'stopped');
  }
}
