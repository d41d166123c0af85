/**
 * get(): a tensor read chunk by chunk on behalf of a caller — each access
 * recorded (policies, prefetch order), chunks the prefetcher predicts read
 * and decoded ahead, stall time counted — then assembled. A read that a
 * move or a replace passes re-reads the catalog (StaleRead) a few times.
 */
import { TensorhiveError } from '../errors/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { assemble } from './chunker.js';
import type { HiveCore } from './core.js';
import { StaleRead, readChunk, readRamChunkNow } from './read.js';

const PREFETCH_CACHE = 64;
const ATTEMPTS = 4;

export class Reader {
  private readonly prefetched = new Map<string, Promise<Tensor | undefined>>();

  constructor(private readonly core: HiveCore) {}

  /** The tensor under `key` in its source dtype, or undefined. */
  async get(key: string): Promise<Tensor | undefined> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const rec = this.core.catalog.tensor(key);
      const meta = this.core.meta.get(key);
      if (!rec || !meta) return undefined;
      try {
        const parts: Array<{ elementOffset: number; tensor: Tensor }> = [];
        for (const c of rec.chunks) {
          const got = this.readAccess(key, meta.gen, c.id);
          parts.push({ elementOffset: c.elementOffset, tensor: got instanceof Promise ? await got : got });
        }
        return assemble(rec.shape, rec.dtype, parts);
      } catch (err) {
        if (!(err instanceof StaleRead)) throw err;
      }
    }
    throw new TensorhiveError('ERR_CONFLICT', `tensor ${JSON.stringify(key)} kept changing while it was read`);
  }

  /** Reads started ahead and not yet taken, settled (for stop). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.prefetched.values()]);
  }

  /**
   * One chunk read on behalf of a caller: recorded, prefetch-aware, stall
   * time counted. A chunk not read ahead whose main copy is in RAM is read
   * synchronously (readRamChunkNow): the tensor itself comes back, no promise.
   */
  private readAccess(key: string, gen: number, id: string): Tensor | Promise<Tensor> {
    const { catalog, prefetcher, options } = this.core;
    if (!catalog.chunk(id)) throw new StaleRead(key);
    catalog.recordAccess(id);
    const ahead = prefetcher.onAccess(id);
    const ck = `${gen}:${id}`;
    const pending = this.prefetched.get(ck);
    this.prefetched.delete(ck);
    for (const next of ahead) this.prefetch(next);
    const t0 = options.clock.now();
    const now = pending ? 'untried' : readRamChunkNow(this.core, key, gen, id);
    if (typeof now !== 'string') {
      this.stalled(t0);
      return now;
    }
    return this.readSlow(key, gen, id, pending, now === 'failed', t0);
  }

  /** `pending`: the chunk's prefetch; `localTried`: readRamChunkNow's lock-free read failed. */
  private async readSlow(key: string, gen: number, id: string, pending: Promise<Tensor | undefined> | undefined, localTried: boolean, t0: number): Promise<Tensor> {
    const t = (pending ? await pending : undefined) ?? (await readChunk(this.core, key, gen, id, false, localTried));
    this.stalled(t0);
    return t;
  }

  /** The caller waited since `t0` for a chunk (its read, or the rest of a prefetch). */
  private stalled(t0: number): void {
    const waited = this.core.options.clock.now() - t0;
    if (waited > 0) this.core.prefetcher.recordStall(waited);
  }

  private prefetch(id: string): void {
    const c = this.core.catalog.chunk(id);
    const meta = c && this.core.meta.get(c.key);
    if (!c || !meta) return;
    const ck = `${meta.gen}:${id}`;
    if (this.prefetched.has(ck)) return;
    this.prefetched.set(ck, readChunk(this.core, c.key, meta.gen, id, true).catch(() => undefined));
    if (this.prefetched.size > PREFETCH_CACHE) this.prefetched.delete(this.prefetched.keys().next().value!);
  }
}
