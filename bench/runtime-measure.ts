/**
 * The measurements behind bench/runtime.ts, each run the same way against any
 * "side" (bare postMessage, an actor, the job pool) that speaks the shapes of
 * bench/runtime-actors.mjs: `{ blob }` echoed, `{ keep }` held, `{ n }` counted, `'flush'`
 * answering `{ blobs }` with the held blobs moved back.
 *  - stream: a burst of one-way sends, each moving a blob, then one flush
 *    call whose reply moves them all back (many in flight: throughput);
 *  - round trip: one request, await its reply, repeat (latency).
 */

export interface Side {
  /** One request, its reply; `transfer` moved there (a `blob` comes back moved). */
  roundTrip<T>(msg: T, transfer: readonly ArrayBuffer[]): Promise<T>;
  /** One-way. */
  send(msg: unknown, transfer: readonly ArrayBuffer[]): void;
}

export interface Paired {
  readonly bare: number;
  readonly other: number;
  /** Median over rounds of other/bare, each pair measured back to back. */
  readonly ratio: number;
}

/**
 * Bare and other runs alternate in short rounds and each figure is a median
 * over rounds, so a noisy neighbour slows both sides of a ratio alike. The
 * side that goes first alternates too (the first of a pair finds the heap the
 * previous pair left). The first `discard` pairs are run and thrown away (JIT,
 * first touch of the blobs, heap growth). No GC is forced between rounds: a
 * forced full GC made the actor side pay to regrow its heap and re-warm in
 * every round (measured: small round trips 0.25-0.36 of bare with it,
 * 0.62-1.06 without), which is not the steady state this reports.
 */
/** RUNTIME_BENCH_TRACE=1: every round's figures go to stderr, stamped (to line them up with --trace-gc). */
const TRACE = process.env.RUNTIME_BENCH_TRACE === '1';

export async function paired(rounds: number, bare: () => Promise<number>, other: () => Promise<number>, discard = 1): Promise<Paired> {
  const b: number[] = [];
  const o: number[] = [];
  const r: number[] = [];
  for (let i = 0; i < rounds + discard; i++) {
    let x: number;
    let y: number;
    if (i % 2 === 0) {
      x = await bare();
      y = await other();
    } else {
      y = await other();
      x = await bare();
    }
    if (TRACE) console.error(`${performance.now().toFixed(0)} ms round ${i}: bare ${x.toFixed(0)} other ${y.toFixed(0)} (${(y / x).toFixed(2)})`);
    if (i < discard) continue;
    b.push(x);
    o.push(y);
    r.push(y / x);
  }
  return { bare: median(b), other: median(o), ratio: median(r) };
}

const MiB = 1 << 20;
/** Blobs in flight per stream burst: up to 256 MiB, at least 4, at most 64. */
export function burstOf(bytes: number): number {
  return Math.max(4, Math.min(64, Math.floor((256 * MiB) / bytes)));
}

/**
 * Blobs per size, shared by every round of every side: fresh 64 MiB buffers
 * per round leave dead external memory that makes V8 collect on whichever
 * side allocates next, which is noise, not the runtime.
 */
const blobSets = new Map<number, ArrayBuffer[]>();

function blobsOf(bytes: number, count: number): ArrayBuffer[] {
  let set = blobSets.get(bytes);
  if (!set) {
    set = [];
    blobSets.set(bytes, set);
  }
  while (set.length < count) {
    const b = new ArrayBuffer(bytes);
    new Uint8Array(b).fill(1); // touch the pages so the first move does not pay for them
    set.push(b);
  }
  return set;
}

export function dropBlobs(): void {
  blobSets.clear();
}

/** Stream: MB/s (10^6 bytes) of blobs moved one way by one-way sends (the flush that returns them is counted in the time). */
export async function streamRate(side: Side, bytes: number, minMs: number): Promise<number> {
  const count = burstOf(bytes);
  let set = blobsOf(bytes, count);
  const burst = async (): Promise<void> => {
    for (let i = 0; i < count; i++) side.send({ keep: set[i] }, [set[i]]);
    const back = await side.roundTrip<unknown>('flush', []);
    const blobs = (back as { blobs: ArrayBuffer[] }).blobs;
    if (blobs.length !== count) throw new Error(`flush returned ${blobs.length} blobs, sent ${count}`);
    set = blobs;
    blobSets.set(bytes, blobs);
  };
  const { iters, ms } = await timed(burst, minMs, 3, 5);
  return (bytes * count * iters) / (ms * 1000);
}

/** Stream of small messages: one-way sends per second (a flush call closes each burst of 256). */
export async function smallStreamRate(side: Side, minMs: number): Promise<number> {
  const count = 256;
  const burst = async (): Promise<void> => {
    for (let i = 0; i < count; i++) side.send({ n: i }, []);
    await side.roundTrip<unknown>('flush', []);
  };
  const { iters, ms } = await timed(burst, minMs, 3, 5);
  return (count * iters * 1000) / ms;
}

/** Round trips: one blob moved there and back per trip; MB/s over both moves. */
export async function blobRoundTripRate(side: Side, bytes: number, minMs: number): Promise<number> {
  const set = blobsOf(bytes, 1);
  let blob = set[0];
  const once = async (): Promise<void> => {
    const back = await side.roundTrip({ blob }, [blob]);
    blob = back.blob;
    set[0] = blob;
  };
  const { iters, ms } = await timed(once, minMs, 3, 20);
  return (2 * bytes * iters) / (ms * 1000);
}

/** Small-message round trips per second. */
export async function roundTripRate(side: Side, minMs: number): Promise<number> {
  let i = 0;
  const { iters, ms } = await timed(async () => void (await side.roundTrip({ i: i++ }, [])), minMs, 50, 20);
  return (iters * 1000) / ms;
}

async function timed(once: () => Promise<void>, minMs: number, minIters: number, warmup: number): Promise<{ iters: number; ms: number }> {
  for (let w = 0; w < warmup; w++) await once(); // both sides alike: JIT, first touch
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

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}
