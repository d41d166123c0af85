/**
 * The hive's `codecs` child: a WorkerPool (piscina) for encode/decode jobs,
 * supervised as a `type: 'service'` child of the hive's root, so every codec
 * worker crash counts against the hive's intensity. Jobs are stateless and
 * their inputs cloned (not moved), so the pool re-runs a job whose worker
 * died; results come back moved (zero copy).
 *
 * Only chunks of at least `offloadBytes` (logical) go to the pool: a job
 * costs a round trip (a post each way, a wake-up, the input cloned), which
 * small chunks do not repay. Below it, and for 'auto' (its selection keeps
 * stats on the main thread), codecs run inline. Decodes go to the pool only
 * for reads ahead (prefetch); a get() the caller waits for decodes inline
 * (measured: through the pool a 2 MiB Q4_0 get took ~3-4× decode alone).
 */
import { availableParallelism } from 'node:os';
import { WorkerPool, type ChildSpec } from '../runtime/index.js';
import { Tensor } from '../tensor/tensor.js';
import type { Decoded, EncodeInput } from './codec-jobs.js';
import type { ResolvedOptions } from './options.js';
import { CODECS_ID } from './tree.js';

function jobsModule(): URL {
  // Sources run as .ts (tsx, vitest); the build as .js.
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./codec-jobs${ext}`, import.meta.url);
}

/** Threads when options.codecThreads is not given: the cores the main thread leaves, at most 4. */
export function defaultCodecThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

/**
 * The bytes to clone into a job: a view covering its whole buffer as it is
 * (a clone of a sub-view would take the whole buffer along), else a slice.
 * Not shared memory: a GGML kernel over a SharedArrayBuffer crashed the
 * worker thread (SIGSEGV on Node 20), and a clone is the same one copy.
 */
function whole(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && !(bytes.buffer instanceof SharedArrayBuffer) ? bytes : bytes.slice();
}

export class CodecPool {
  private readonly pool: WorkerPool;
  private readonly module = jobsModule();
  private crash: Int32Array | undefined;

  static create(o: ResolvedOptions): CodecPool | undefined {
    return o.workers && o.codecThreads > 0 ? new CodecPool(o) : undefined;
  }

  private constructor(o: ResolvedOptions) {
    this.offloadBytes = o.codecOffloadBytes;
    this.pool = new WorkerPool({ name: 'hive/codecs', threads: o.codecThreads, retries: 2 });
  }

  /** Chunks of at least this many logical bytes are coded in the pool. */
  readonly offloadBytes: number;

  childSpec(): ChildSpec {
    return this.pool.childSpec(CODECS_ID);
  }

  get stats(): WorkerPool['stats'] {
    return this.pool.stats;
  }

  /** Chaos hook: the worker that runs the next job dies abruptly mid-job (once); the pool re-runs the job. */
  crashNextJob(): void {
    this.crash = new Int32Array(new SharedArrayBuffer(4));
  }

  private takeCrash(): Int32Array | undefined {
    const c = this.crash;
    this.crash = undefined;
    return c;
  }

  /** Encode `t` with the named codec into a blob (the input is cloned, so a crashed job re-runs). */
  encode(t: Tensor, codec: string, params: Record<string, unknown> | undefined): Promise<Uint8Array> {
    const input: EncodeInput = { bytes: whole(t.bytes), dtype: t.dtype, shape: [...t.shape], codec, params };
    return this.pool.run<Uint8Array>({ module: this.module, export: 'encodeJob', args: [input, this.takeCrash()] });
  }

  /** Decode a blob (CRC verified in the worker) to its source dtype. */
  async decode(blob: Uint8Array): Promise<Tensor> {
    const d = await this.pool.run<Decoded>({ module: this.module, export: 'decodeJob', args: [whole(blob), this.takeCrash()] });
    return new Tensor(d.dtype, d.shape, d.bytes);
  }
}
