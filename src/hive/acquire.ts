/**
 * acquire(): expand a tensor into a pooled buffer (under options.expandedCap)
 * and hand it out as a lease. Its chunks are leased in the catalog meanwhile,
 * so no move or eviction touches them; release discards the buffer, or
 * re-encodes it with the tensor's codec when the lease was writable.
 */
import { ArgumentError } from '../errors/index.js';
import type { BufferPool } from '../scheduler/index.js';
import { Tensor } from '../tensor/tensor.js';
import type { HiveCore } from './core.js';
import { HiveLease } from './lease.js';
import type { Lease } from './types.js';
import type { checkAcquire } from './validate.js';

export interface AcquireDeps {
  readonly core: HiveCore;
  readonly pool: BufferPool;
  readonly get: (key: string) => Promise<Tensor | undefined>;
  readonly put: (key: string, t: Tensor, opts: { codec?: string; params?: Record<string, unknown> }) => Promise<void>;
}

export async function acquireLease(d: AcquireDeps, key: string, o: ReturnType<typeof checkAcquire>): Promise<Lease> {
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
    return new HiveLease(key, tensor, o.write, 'cpu', async (lease) => {
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
