/**
 * Runtime speed, every figure against a baseline measured in the same run on
 * real worker threads (bare worker_threads postMessage with the same
 * transfers, bench/runtime-bare.ts), bare and actor rounds alternating, the
 * first pair of each figure discarded (bench/runtime-measure.ts `paired`;
 * docs/runtime.md says what is measured and how):
 *  - blob throughput (stream): bursts of one-way sends to a worker actor, each
 *    moving a blob, closed by one call whose reply moves them all back; 1, 4,
 *    16, 64 MiB (runtime.blobThroughputRatio: the median over sizes);
 *  - blob round trip (latency): one call moving a blob there and back, awaited;
 *  - small messages: one-way sends/s in bursts, and round trips/s;
 *  - restart latency: a worker actor's thread dies → its replacement answers.
 * The job pool's round trips and restart latency are reported beside them.
 * Prints nothing; bench/runtime-cli.ts and bench/main.ts print.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ActorRef } from '../src/runtime/index.js';
import type { WorkerPool } from '../src/runtime/pool/index.js';
import { BareEcho } from './runtime-bare.js';
import { blobRoundTripRate, burstOf, dropBlobs, median, paired, roundTripRate, smallStreamRate, streamRate, type Side } from './runtime-measure.js';

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
  /** Blobs in flight per burst in the stream figure. */
  readonly burst: number;
  /** Stream: MB/s (10^6 bytes) moved one way by one-way sends; null when the actor path could not run. */
  readonly actorMBps: number | null;
  readonly bareMBps: number;
  /** Median over alternating rounds of actor/bare (stream). */
  readonly ratio: number | null;
  /** Round trip (latency): µs per blob moved there and back, awaited each time. */
  readonly actorRoundTripUs: number | null;
  readonly bareRoundTripUs: number;
  /** Median over rounds of actor/bare round-trip rate (= bare µs / actor µs). */
  readonly roundTripRatio: number | null;
  /** The job pool, round trip: MB/s over both moves, and its ratio to bare. */
  readonly poolMBps: number;
  readonly poolRatio: number;
}

export interface RuntimeBench {
  readonly blobThroughput: BlobRow[];
  /** Median over sizes of the per-size stream ratios. */
  readonly blobThroughputRatio: number | null;
  /** Median over sizes of the per-size blob round-trip (latency) ratios. */
  readonly blobRoundTripRatio: number | null;
  /** Small one-way sends per second in bursts (throughput). */
  readonly sendsPerSec: number | null;
  readonly bareSendsPerSec: number;
  readonly sendRatio: number | null;
  /** Small-message round trips per second (latency). */
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

    const bareSide: Side = { roundTrip: (msg, transfer) => bare.roundTrip(msg, transfer), send: (msg, transfer) => bare.send(msg, transfer) };
    const actorSide: Side | undefined = actor
      ? {
          roundTrip: (msg, transfer) => actor.call(msg, { transfer, timeoutMs: 60_000 }) as Promise<typeof msg>,
          send: (msg, transfer) => actor.send(msg, transfer),
        }
      : undefined;
    const jobs = sibling('runtime-jobs');
    const poolSide: Side = {
      roundTrip: async (msg, transfer) => {
        const blob = (msg as { blob?: ArrayBuffer }).blob;
        if (blob) return { blob: await pool.run<ArrayBuffer>({ module: jobs, export: 'bounce', args: [blob], transfer }) } as typeof msg;
        return pool.run({ module: jobs, export: 'echo', args: [msg] });
      },
      send: () => {
        throw new Error('the pool runs jobs; it has no one-way sends');
      },
    };

    const rounds = quick ? 3 : 11;
    const roundMs = Math.max(20, minMs / rounds);
    // Stream rounds are longer: a short round is dominated by how each side's heap settles after the
    // other side's round (measured at 1 MiB: 0.19-0.24 of bare with 36 ms rounds, 0.33-0.46 with 300 ms).
    const streamMs = quick ? 40 : 120;
    // Without an actor, the "other" side re-runs bare so the shapes stay the same; its figures are reported as null.
    const other = actorSide ?? bareSide;
    // Steady state first: both sides' code paths optimized by the JIT before any round is timed.
    for (const side of actorSide ? [bareSide, actorSide] : [bareSide]) await warmUp(side, quick);
    const blobThroughput: BlobRow[] = [];
    for (const bytes of SIZES) {
      const stream = await paired(rounds, () => streamRate(bareSide, bytes, streamMs), () => streamRate(other, bytes, streamMs));
      const trip = await paired(rounds, () => blobRoundTripRate(bareSide, bytes, roundMs), () => blobRoundTripRate(other, bytes, roundMs));
      const poolMBps = await blobRoundTripRate(poolSide, bytes, minMs);
      const us = (mbps: number): number => (2 * bytes) / mbps;
      blobThroughput.push({
        bytes,
        burst: burstOf(bytes),
        actorMBps: actorSide ? stream.other : null,
        bareMBps: stream.bare,
        ratio: actorSide ? stream.ratio : null,
        actorRoundTripUs: actorSide ? us(trip.other) : null,
        bareRoundTripUs: us(trip.bare),
        roundTripRatio: actorSide ? trip.ratio : null,
        poolMBps,
        poolRatio: poolMBps / trip.bare,
      });
      dropBlobs();
    }
    const ratios = blobThroughput.flatMap((r) => (r.ratio === null ? [] : [r.ratio]));
    const tripRatios = blobThroughput.flatMap((r) => (r.roundTripRatio === null ? [] : [r.roundTripRatio]));

    const sends = await paired(rounds, () => smallStreamRate(bareSide, roundMs), () => smallStreamRate(other, roundMs));
    const trips = await paired(rounds, () => roundTripRate(bareSide, roundMs), () => roundTripRate(other, roundMs));
    const poolRoundTrips = await roundTripRate(poolSide, minMs);

    const crashes = quick ? 3 : 7;
    const coldRestartLatencyMs = actor ? await actorRestartLatency(actor, crashes) : null;
    const restartLatencyMs = spared ? await actorRestartLatency(spared, crashes) : null;
    const poolRestart = await poolRestartLatency(pool, jobs, crashes);

    return {
      blobThroughput,
      blobThroughputRatio: ratios.length > 0 ? median(ratios) : null,
      blobRoundTripRatio: tripRatios.length > 0 ? median(tripRatios) : null,
      sendsPerSec: actorSide ? sends.other : null,
      bareSendsPerSec: sends.bare,
      sendRatio: actorSide ? sends.ratio : null,
      roundTripsPerSec: actorSide ? trips.other : null,
      bareRoundTripsPerSec: trips.bare,
      roundTripRatio: actorSide ? trips.ratio : null,
      restartLatencyMs,
      coldRestartLatencyMs,
      pool: { roundTripsPerSec: poolRoundTrips, roundTripRatio: poolRoundTrips / trips.bare, restartLatencyMs: poolRestart },
      notes,
    };
  } finally {
    dropBlobs();
    await system?.stop().catch(() => undefined);
    await pool.stop();
    await bare.close();
  }
}

async function warmUp(side: Side, quick: boolean): Promise<void> {
  const ms = quick ? 50 : 200;
  await roundTripRate(side, ms);
  await smallStreamRate(side, ms);
  await blobRoundTripRate(side, 4096, ms);
  await streamRate(side, 4096, ms);
  dropBlobs();
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

/** A plain-JS module next to this file (loaded by worker threads without tsx). */
function sibling(name: string): URL {
  return new URL(`./${name}.mjs`, import.meta.url);
}
