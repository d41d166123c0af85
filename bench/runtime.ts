/**
 * Runtime speed, every figure against a baseline measured in the same run on
 * real worker threads:
 *  - blob throughput: an actor call that moves a blob to a worker actor and
 *    gets it moved back, vs a bare worker_threads postMessage doing the same
 *    two transfers; 1, 4, 16, 64 MiB;
 *  - small-message round trips per second, same comparison;
 *  - restart latency: a worker actor's thread dies → its replacement answers.
 * The same figures for the piscina job pool are reported beside them. Prints
 * nothing; bench/runtime-cli.ts and bench/main.ts print.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ActorRef } from '../src/runtime/index.js';
import type { WorkerPool } from '../src/runtime/pool/index.js';
import { BareEcho } from './runtime-bare.js';

/** The runtime as built by `npm run build` (types from the source it is built from). */
type Runtime = typeof import('../src/runtime/index.js') & typeof import('../src/runtime/pool/index.js');

/**
 * Load the BUILT runtime (dist/): workers then start compiled code, as users
 * run it. Measuring from source would time tsx compiling every new worker.
 */
async function loadBuilt(): Promise<Runtime> {
  const core = new URL('../dist/src/runtime/index.js', import.meta.url);
  const pool = new URL('../dist/src/runtime/pool/index.js', import.meta.url);
  if (!existsSync(fileURLToPath(core)) || !existsSync(fileURLToPath(pool))) {
    throw new Error('bench/runtime measures the built runtime: run `npm run build` first (dist/src/runtime is missing)');
  }
  return { ...((await import(core.href)) as object), ...((await import(pool.href)) as object) } as Runtime;
}

export interface BlobRow {
  readonly bytes: number;
  /** MB/s (10^6 bytes) counting both moves of each round trip; null when the actor path could not run. */
  readonly actorMBps: number | null;
  readonly bareMBps: number;
  readonly ratio: number | null;
  readonly poolMBps: number;
  readonly poolRatio: number;
}

export interface RuntimeBench {
  readonly blobThroughput: BlobRow[];
  /** Median of the per-size actor/bare ratios (each the median over alternating rounds). */
  readonly blobThroughputRatio: number | null;
  readonly roundTripsPerSec: number | null;
  readonly bareRoundTripsPerSec: number;
  readonly roundTripRatio: number | null;
  /**
   * Median ms from a worker actor's crash to its replacement answering a call,
   * for an actor started with `warmSpare: true` (the replacement thread was
   * started ahead; the restart runs init in it). Costs one idle thread.
   */
  readonly restartLatencyMs: number | null;
  /** The same without a spare: a new worker thread is started on the crash. */
  readonly coldRestartLatencyMs: number | null;
  readonly pool: {
    readonly roundTripsPerSec: number;
    readonly roundTripRatio: number;
    /** Median ms from a pool worker's crash to the next job answered. */
    readonly restartLatencyMs: number;
  };
  /** Why a figure is null, if one is. */
  readonly notes: string[];
}

type Echo = <T extends object>(msg: T, transfer: readonly ArrayBuffer[]) => Promise<T>;

const MiB = 1 << 20;
const SIZES = [1 * MiB, 4 * MiB, 16 * MiB, 64 * MiB];

export async function runtimeBench(opts: { quick?: boolean } = {}): Promise<RuntimeBench> {
  const quick = opts.quick === true;
  const minMs = quick ? 60 : 400;
  const notes: string[] = [];
  const { ActorSystem, WorkerPool, worker } = await loadBuilt();
  const bare = new BareEcho();
  const pool = new WorkerPool({ name: 'bench', threads: 1, retries: 0, intensity: 1000 });
  let system: InstanceType<Runtime['ActorSystem']> | undefined;
  try {
    await pool.start();
    let actor: ActorRef | undefined;
    let spared: ActorRef | undefined;
    try {
      system = new ActorSystem({
        name: 'bench',
        root: {
          intensity: 1000,
          period: 60_000,
          children: [
            { id: 'echo', start: worker(sibling('runtime-actors'), 'echo', undefined, { health: false }) },
            { id: 'spare', start: worker(sibling('runtime-actors'), 'echo', undefined, { health: false, warmSpare: true }) },
          ],
        },
      });
      await system.start();
      actor = system.ref('bench/echo');
      spared = system.ref('bench/spare');
    } catch (err) {
      notes.push(`actor figures missing: the actor system could not start a worker actor (${(err as Error).message.split('\n')[0]})`);
      await system?.stop().catch(() => undefined);
      system = undefined;
    }

    const bareEcho: Echo = (msg, transfer) => bare.roundTrip(msg, transfer);
    const actorEcho: Echo | undefined = actor
      ? (msg, transfer) => actor.call(msg, { transfer, timeoutMs: 60_000 }) as Promise<typeof msg>
      : undefined;
    const jobs = sibling('runtime-jobs');
    const poolEcho: Echo = async (msg, transfer) => {
      const blob = (msg as { blob?: ArrayBuffer }).blob;
      if (blob) return { blob: await pool.run<ArrayBuffer>({ module: jobs, export: 'bounce', args: [blob], transfer }) } as typeof msg;
      return pool.run({ module: jobs, export: 'echo', args: [msg] });
    };

    // Bare and actor runs alternate in short rounds and each figure is a median
    // over rounds, so a noisy neighbour slows both sides of a ratio alike.
    const rounds = quick ? 3 : 7;
    const roundMs = Math.max(20, minMs / rounds);
    const blobThroughput: BlobRow[] = [];
    for (const bytes of SIZES) {
      const bareRuns: number[] = [];
      const actorRuns: number[] = [];
      const ratioRuns: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const b = await blobRate(bareEcho, bytes, roundMs);
        bareRuns.push(b);
        if (actorEcho) {
          const a = await blobRate(actorEcho, bytes, roundMs);
          actorRuns.push(a);
          ratioRuns.push(a / b);
        }
      }
      const bareMBps = median(bareRuns);
      const poolMBps = await blobRate(poolEcho, bytes, minMs);
      blobThroughput.push({
        bytes,
        actorMBps: actorEcho ? median(actorRuns) : null,
        bareMBps,
        ratio: actorEcho ? median(ratioRuns) : null,
        poolMBps,
        poolRatio: poolMBps / bareMBps,
      });
    }
    blobs.clear();
    const ratios = blobThroughput.flatMap((r) => (r.ratio === null ? [] : [r.ratio]));

    const bareTrips: number[] = [];
    const actorTrips: number[] = [];
    const tripRatios: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const b = await roundTripRate(bareEcho, roundMs);
      bareTrips.push(b);
      if (actorEcho) {
        const a = await roundTripRate(actorEcho, roundMs);
        actorTrips.push(a);
        tripRatios.push(a / b);
      }
    }
    const bareRoundTripsPerSec = median(bareTrips);
    const roundTripsPerSec = actorEcho ? median(actorTrips) : null;
    const poolRoundTrips = await roundTripRate(poolEcho, minMs);

    const crashes = quick ? 3 : 7;
    const coldRestartLatencyMs = actor ? await actorRestartLatency(actor, crashes) : null;
    const restartLatencyMs = spared ? await actorRestartLatency(spared, crashes) : null;
    const poolRestart = await poolRestartLatency(pool, jobs, crashes);

    return {
      blobThroughput,
      blobThroughputRatio: ratios.length > 0 ? median(ratios) : null,
      roundTripsPerSec,
      bareRoundTripsPerSec,
      roundTripRatio: actorEcho ? median(tripRatios) : null,
      restartLatencyMs,
      coldRestartLatencyMs,
      pool: { roundTripsPerSec: poolRoundTrips, roundTripRatio: poolRoundTrips / bareRoundTripsPerSec, restartLatencyMs: poolRestart },
      notes,
    };
  } finally {
    await system?.stop().catch(() => undefined);
    await pool.stop();
    await bare.close();
  }
}

/** Bounces one blob (moved both ways) until `minMs` passed; MB/s over both moves. */
const blobs = new Map<number, ArrayBuffer>();

async function blobRate(echo: Echo, bytes: number, minMs: number): Promise<number> {
  // One blob per size, shared by every round of every side: a fresh 64 MiB
  // buffer per round leaves dead external memory that makes V8 collect on
  // whichever side happens to allocate next, which is noise, not the runtime.
  let blob = blobs.get(bytes);
  blobs.delete(bytes);
  if (!blob) {
    blob = new ArrayBuffer(bytes);
    new Uint8Array(blob).fill(1); // touch the pages so the first trip does not pay for them
  }
  const once = async (): Promise<void> => {
    const back = await echo({ blob: blob! }, [blob!]);
    blob = back.blob;
  };
  try {
    const { iters, ms } = await timed(once, minMs, 3);
    return (2 * bytes * iters) / (ms * 1000);
  } finally {
    blobs.set(bytes, blob);
  }
  const { iters, ms } = await timed(once, minMs, 3);
  return (2 * bytes * iters) / (ms * 1000);
}

async function roundTripRate(echo: Echo, minMs: number): Promise<number> {
  let i = 0;
  const { iters, ms } = await timed(async () => void (await echo({ i: i++ }, [])), minMs, 50);
  return (iters * 1000) / ms;
}

async function timed(once: () => Promise<void>, minMs: number, minIters: number): Promise<{ iters: number; ms: number }> {
  for (let w = 0; w < 20; w++) await once(); // warm up (both sides alike): JIT, first-touch
  let iters = 0;
  const t0 = performance.now();
  let ms = 0;
  while (ms < minMs || iters < minIters) {
    await once();
    iters++;
    ms = performance.now() - t0;
  }
  return { iters, ms };
}

/**
 * Crash the actor's thread, then call until its replacement answers. Crashes
 * are spaced SPACING_MS apart: a warm spare is re-started in the background
 * after each restart, and a crash that comes before it has booted pays (part
 * of) a cold start — that case is what coldRestartLatencyMs shows.
 */
const SPACING_MS = 300;

async function actorRestartLatency(actor: ActorRef, crashes: number): Promise<number> {
  const samples: number[] = [];
  for (let k = 0; k < crashes; k++) {
    await new Promise((resolve) => setTimeout(resolve, SPACING_MS));
    await actor.call({ i: k }, { timeoutMs: 10_000 });
    const t0 = performance.now();
    actor.send('crash');
    await untilAnswered(() => actor.call('ping', { timeoutMs: 10_000 }));
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

async function poolRestartLatency(pool: WorkerPool, jobs: URL, crashes: number): Promise<number> {
  const samples: number[] = [];
  for (let k = 0; k < crashes; k++) {
    await pool.run({ module: jobs, export: 'echo', args: [k] });
    const t0 = performance.now();
    await pool.run({ module: jobs, export: 'crash' }).catch(() => undefined);
    await untilAnswered(() => pool.run({ module: jobs, export: 'echo', args: ['ping'] }));
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

async function untilAnswered(call: () => Promise<unknown>): Promise<void> {
  for (let tries = 0; ; tries++) {
    try {
      await call();
      return;
    } catch (err) {
      // A call that reached the dying incarnation rejects; the next goes to the replacement.
      if (tries >= 100) throw err;
    }
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** A plain-JS module next to this file (loaded by worker threads without tsx). */
function sibling(name: string): URL {
  return new URL(`./${name}.mjs`, import.meta.url);
}
