import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../src/clock/index.js';
import { ActorDeadError, ArgumentError, RemoteError } from '../../src/errors/index.js';
import { JobCrashedError, WorkerPool, type CrashInfo } from '../../src/runtime/pool/index.js';

const jobs = new URL('./fixtures/pool-jobs.ts', import.meta.url);
const counter = (): Int32Array => new Int32Array(new SharedArrayBuffer(4));

describe('WorkerPool on real worker threads', () => {
  // One pool for the ordinary cases; a clock that never moves keeps every crash in the window.
  const pool = new WorkerPool({ name: 'jobs', threads: 2, retries: 2, intensity: 100, clock: new SimulatedClock() });
  const crashes: CrashInfo[] = [];
  pool.on('crash', (c) => crashes.push(c));
  beforeAll(() => pool.start());
  afterAll(() => pool.stop());

  it('runs jobs named by module and export', async () => {
    const sums = await Promise.all([1, 2, 3, 4].map((i) => pool.run<number>({ module: jobs, export: 'add', args: [i, 10] })));
    expect(sums).toEqual([11, 12, 13, 14]);
  });

  it('moves transferred input (caller copy detached) and moves the result back', async () => {
    const input = new Float32Array([1, 2, 3, 4]).buffer;
    const out = await pool.run<{ inputBytes: number; out: Float32Array }>({
      module: jobs, export: 'double', args: [input], transfer: [input],
    });
    expect(input.byteLength).toBe(0); // detached: moved, not cloned
    expect(out.inputBytes).toBe(16);
    expect(Array.from(out.out)).toEqual([2, 4, 6, 8]);
  });

  it('does not retry a handler exception; rejects with RemoteError naming it', async () => {
    const before = pool.stats;
    const err = await pool.run({ module: jobs, export: 'throwing', args: [7] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as RemoteError).remoteName).toBe('TypeError');
    expect((err as RemoteError).message).toContain('bad input 7');
    expect(pool.stats.retried).toBe(before.retried);
    expect(pool.stats.crashes).toBe(before.crashes);
  });

  it('reports a missing export as a job error', async () => {
    await expect(pool.run({ module: jobs, export: 'nope' })).rejects.toThrow(/job.export nope .* is not a function/);
    await expect(pool.run({ module: 'relative/path.js' })).rejects.toBeInstanceOf(ArgumentError);
  });

  it('re-runs a job whose worker crashed, on a fresh worker', async () => {
    const before = pool.stats;
    const c = counter();
    const attempt = await pool.run<number>({ module: jobs, export: 'crashUntil', args: [c, 1] });
    expect(attempt).toBe(1); // the first run died (process.exit), the retry answered
    expect(pool.stats.crashes - before.crashes).toBe(1);
    expect(pool.stats.retried - before.retried).toBe(1);
    expect(crashes.at(-1)?.job).toBe('pool-jobs.ts#crashUntil');
    // The pool is whole again: both threads take jobs.
    expect(await pool.run({ module: jobs, export: 'add', args: [1, 1] })).toBe(2);
  });

  it('counts an uncaught exception that kills the thread as a crash', async () => {
    const before = pool.stats;
    const err = await pool.run({ module: jobs, export: 'throwUncaught' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobCrashedError);
    expect(pool.stats.crashes - before.crashes).toBe(3);
  });

  it('rejects with JobCrashedError once retries are spent', async () => {
    const c = counter();
    const err = await pool.run({ module: jobs, export: 'crashUntil', args: [c, 99] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobCrashedError);
    expect((err as JobCrashedError).attempts).toBe(3);
    expect(Atomics.load(c, 0)).toBe(3);
    expect((err as JobCrashedError).message).toMatch(/pool jobs: job pool-jobs.ts#crashUntil crashed its worker on 3 attempts/);
  });
});

describe('WorkerPool failure and stop', () => {
  it('fails when crashes exceed its intensity, rejecting every pending job', async () => {
    const pool = new WorkerPool({ name: 'fragile', threads: 2, retries: 5, intensity: 1, period: 5000, clock: new SimulatedClock() });
    const failed: unknown[] = [];
    pool.on('failed', (r) => failed.push(r));
    await pool.start();
    const waiting = pool.run({ module: jobs, export: 'wait', args: [30_000] }).catch((e: unknown) => e);
    const crashing = pool.run({ module: jobs, export: 'crashUntil', args: [counter(), 99] }).catch((e: unknown) => e);
    const [w, c] = await Promise.all([waiting, crashing]);
    expect(w).toBeInstanceOf(ActorDeadError);
    expect(c).toBeInstanceOf(ActorDeadError);
    expect((c as Error).message).toMatch(/fragile .*restart intensity exceeded/);
    expect(pool.state).toBe('failed');
    expect(pool.stats.crashes).toBe(2);
    expect(failed).toHaveLength(1);
    await expect(pool.run({ module: jobs, export: 'add', args: [1, 2] })).rejects.toBeInstanceOf(ActorDeadError);
    // A failed pool can be started again (what a supervisor does).
    await pool.start();
    expect(await pool.run({ module: jobs, export: 'add', args: [1, 2] })).toBe(3);
    await pool.stop();
  });

  it('stop() rejects pending jobs at once; stop({ drain }) lets them finish', async () => {
    const pool = new WorkerPool({ threads: 1 });
    await pool.start();
    const slow = pool.run({ module: jobs, export: 'wait', args: [30_000] }).catch((e: unknown) => e);
    const queued = pool.run({ module: jobs, export: 'add', args: [1, 2] }).catch((e: unknown) => e);
    await pool.stop();
    expect(await slow).toBeInstanceOf(ActorDeadError);
    expect(await queued).toBeInstanceOf(ActorDeadError);
    expect(pool.state).toBe('stopped');

    await pool.start();
    const drained = pool.run({ module: jobs, export: 'wait', args: [20] });
    const stopping = pool.stop({ drain: true });
    await expect(pool.run({ module: jobs, export: 'add', args: [1, 2] })).rejects.toThrow(/pool is draining/);
    expect(await drained).toBe('waited');
    await stopping;
    expect(pool.state).toBe('stopped');
  });
});
