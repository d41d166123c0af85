import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../src/clock/index.js';
import { ActorSystem, type RuntimeEvent } from '../../src/runtime/index.js';
import { WorkerPool } from '../../src/runtime/pool/index.js';

const jobs = new URL('./fixtures/pool-jobs.ts', import.meta.url);
const counter = (): Int32Array => new Int32Array(new SharedArrayBuffer(4));

describe('a WorkerPool as a supervisor child (real worker threads)', () => {
  it('counts pool crashes against the supervisor; exceeding its intensity escalates and stops the pool', async () => {
    // The pool's own window would allow 100 crashes; the supervisor allows 1 in its (frozen) period.
    const pool = new WorkerPool({ name: 'codecs', threads: 1, retries: 3, intensity: 100 });
    const system = new ActorSystem({ name: 'app', clock: new SimulatedClock(), root: { intensity: 1, period: 5000, children: [pool.childSpec('codecs')] } });
    const events: RuntimeEvent[] = [];
    system.subscribe((e) => events.push(e));
    await system.start();
    expect(pool.state).toBe('running');
    expect(system.supervisor().whichChildren()).toEqual([{ id: 'codecs', type: 'service', state: 'running' }]);

    // First crash: within intensity, the job is retried and answers.
    const c = counter();
    expect(await pool.run<number>({ module: jobs, export: 'crashUntil', args: [c, 1] })).toBe(1);
    expect(events.filter((e) => e.type === 'restart')).toHaveLength(1);

    // Second crash inside the period: the supervisor gives up.
    const err = await pool.run({ module: jobs, export: 'crashUntil', args: [counter(), 1] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    await system.supervisor().idle();
    expect(events.some((e) => e.type === 'escalate' && e.supervisor === 'app')).toBe(true);
    expect(system.stateOf('app')).toBe('failed');
    expect(['failed', 'stopped']).toContain(pool.state);
    await system.stop();
    await pool.stop();
  });

  it('a crash within the supervisor budget is charged to it; the pool keeps running; stop is in order', async () => {
    const pool = new WorkerPool({ name: 'jobs', threads: 1, retries: 0 });
    const system = new ActorSystem({ name: 'svc', root: { intensity: 3, period: 60_000, children: [pool.childSpec('jobs', { shutdown: 2000 })] } });
    const restarts: RuntimeEvent[] = [];
    system.subscribe((e) => e.type === 'restart' && restarts.push(e));
    await system.start();
    expect(await pool.run<number>({ module: jobs, export: 'add', args: [1, 2] })).toBe(3);
    await pool.run({ module: jobs, export: 'crashUntil', args: [counter(), 1] }).catch(() => undefined);
    expect(restarts).toHaveLength(1);
    expect(pool.state).toBe('running');
    expect(await pool.run<number>({ module: jobs, export: 'add', args: [2, 2] })).toBe(4);
    await system.stop();
    expect(pool.state).toBe('stopped');
    expect(system.supervisor('svc').whichChildren()[0].state).toBe('stopped');
  });
});

describe('service children (generic start/stop)', () => {
  it('a service that exits is restarted from its factory (permanent), removed when temporary', async () => {
    const started: string[] = [];
    const exits: Array<(r: Error) => void> = [];
    const svc = (name: string) => (ctx: { exit(r: Error): void }) => ({
      start: async () => {
        started.push(name);
        exits.push((r) => ctx.exit(r));
      },
      stop: async () => undefined,
    });
    const system = new ActorSystem({
      name: 's',
      clock: new SimulatedClock(),
      root: {
        intensity: 5,
        children: [
          { id: 'a', type: 'service', start: svc('a') },
          { id: 't', type: 'service', restart: 'temporary', start: svc('t') },
        ],
      },
    });
    await system.start();
    expect(started).toEqual(['a', 't']);
    exits[0](new Error('a died'));
    await system.supervisor().idle();
    expect(started).toEqual(['a', 't', 'a']);
    exits[1](new Error('t died'));
    await system.supervisor().idle();
    expect(system.supervisor().whichChildren().map((c) => c.id)).toEqual(['a']);
    exits[0](new Error('stale incarnation')); // an old incarnation's exit is ignored
    await system.supervisor().idle();
    expect(started).toEqual(['a', 't', 'a']);
    await system.stop();
  });

  it('rejects a service child without a start function', async () => {
    await expect(() => new ActorSystem({ root: { children: [{ id: 'x', type: 'service', start: 3 as never }] } }).start()).rejects.toThrow(/children\[0\]\.start must be a function/);
  });
});
