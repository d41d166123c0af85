/**
 * acquire(): expand a tensor and hand it out as a lease. Its chunks are
 * leased in the catalog meanwhile, so no move or eviction touches them.
 *
 * - on 'cpu' (default): into a pooled buffer (under options.expandedCap);
 *   release discards it, or re-encodes it with the tensor's codec when the
 *   lease was writable.
 * - on 'gpu': on the hive's compute device, decoded there (gpu-lease.ts).
 *   When no device opens this rejects with GpuUnavailableError naming why —
 *   unless the caller passed `fallback: 'cpu'`, which gives a CPU lease
 *   (lease.on says which it got).
 */
import { ArgumentError } from '../errors/index.js';
import type { BufferPool } from '../scheduler/index.js';
import { Tensor } from '../tensor/tensor.js';
import { GpuUnavailableError } from '../tiers/gpu/errors.js';
import type { HiveCore } from './core.js';
import type { GpuByteBudget } from './gpu-budget.js';
import type { HiveGpu } from './gpu-compute.js';
import { acquireGpuLease } from './gpu-lease.js';
import { HiveLease } from './lease.js';
import type { GpuLease, Lease } from './types.js';
import type { checkAcquire } from './validate.js';

export interface AcquireDeps {
  readonly core: HiveCore;
  readonly pool: BufferPool;
  readonly gpu: HiveGpu;
  readonly gpuBudget: GpuByteBudget;
  readonly get: (key: string) => Promise<Tensor | undefined>;
  readonly put: (key: string, t: Tensor, opts: { codec?: string; params?: Record<string, unknown> }) => Promise<void>;
}

/** `opts.fallback`, checked (checkAcquire predates it). */
export function checkFallback(opts: unknown): 'cpu' | undefined {
  const f = opts !== null && typeof opts === 'object' ? (opts as { fallback?: unknown }).fallback : undefined;
  if (f !== undefined && f !== 'cpu') throw new ArgumentError(`opts.fallback must be 'cpu' or absent, got ${JSON.stringify(f)}`);
  return f;
}

export async function acquireLease(d: AcquireDeps, key: string, o: ReturnType<typeof checkAcquire>, fallback?: 'cpu'): Promise<Lease | GpuLease> {
  if (o.on !== 'gpu') return cpuLease(d, key, o);
  // A missing key is an ArgumentError whether or not a device would open.
  if (!d.core.catalog.tensor(key)) throw new ArgumentError(`no tensor under key ${JSON.stringify(key)}`);
  let opened;
  try {
    opened = await d.gpu.open();
  } catch (err) {
    if (err instanceof GpuUnavailableError && fallback === 'cpu') return cpuLease(d, key, o);
    throw err;
  }
  return acquireGpuLease({ core: d.core, gpu: d.gpu, budget: d.gpuBudget, put: d.put }, key, o, opened);
}

async function cpuLease(d: AcquireDeps, key: string, o: ReturnType<typeof checkAcquire>): Promise<Lease> {
  const { core } = d;
  const rec = await core.writes.run(async () => {
    const r = core.catalog.tensor(key);
    if (!r) throw new ArgumentError(`no tensor under key ${JSON.stringify(key)}`);
    for (const c of r.chunks) core.catalog.apply(c.id, { type: 'LEASE' });
    return r;
  });
  const unlease = (): void => {
    for (const c of rec.chunks) core.catalog.tryApply(c.id, { type: 'RELEASE' });
  };
  let buf;
  try {
    buf = await d.pool.acquire(rec.logicalBytes, o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs });
  } catch (err) {
    unlease();
    throw err;
  }
  try {
    const t = await d.get(key);
    if (!t) throw new ArgumentError(`no tensor under key ${JSON.stringify(key)}`);
    buf.bytes.set(t.bytes);
    const tensor = new Tensor(rec.dtype, rec.shape, buf.bytes);
    const pooled = buf;
    return new HiveLease(key, tensor, o.write, async (lease) => {
      try {
        unlease();
        if (lease.writable) {
          const meta = core.meta.get(key);
          await d.put(key, lease.tensor, { codec: meta?.requested, params: meta?.params });
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
