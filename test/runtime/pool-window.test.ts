import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../src/clock/index.js';
import { ArgumentError } from '../../src/errors/index.js';
import { RestartWindow } from '../../src/runtime/restart-window.js';
import { WorkerPool } from '../../src/runtime/pool/pool.js';

describe('RestartWindow (OTP intensity/period)', () => {
  it('allows `intensity` restarts within the period and refuses the next', () => {
    const clock = new SimulatedClock();
    const w = new RestartWindow(2, 1000, clock);
    expect(w.record()).toBe(true);
    clock.advance(400);
    expect(w.record()).toBe(true);
    clock.advance(400);
    expect(w.record()).toBe(false);
  });

  it('forgets restarts older than the period', () => {
    const clock = new SimulatedClock();
    const w = new RestartWindow(1, 1000, clock);
    expect(w.record()).toBe(true);
    clock.advance(1000);
    expect(w.count).toBe(1); // exactly `period` old is still inside, as in supervisor.erl
    clock.advance(1);
    expect(w.count).toBe(0);
    expect(w.record()).toBe(true);
  });

  it('intensity 0 refuses the first restart', () => {
    const w = new RestartWindow(0, 5000, new SimulatedClock());
    expect(w.record()).toBe(false);
  });

  it('rejects bad options by name', () => {
    expect(() => new RestartWindow(-1, 10, new SimulatedClock())).toThrow(/intensity must be a non-negative integer, got -1/);
    expect(() => new RestartWindow(1, 0, new SimulatedClock())).toThrow(ArgumentError);
  });
});

describe('WorkerPool definition', () => {
  it('spawns nothing until start() and refuses jobs before it', async () => {
    const pool = new WorkerPool({ threads: 1 });
    expect(pool.state).toBe('defined');
    await expect(pool.run({ module: '/x.js' })).rejects.toThrow(/pool is defined/);
    expect(pool.stats).toEqual({ completed: 0, failed: 0, retried: 0, crashes: 0, pending: 0 });
  });

  it('validates options', () => {
    expect(() => new WorkerPool({ threads: 0 })).toThrow(/options.threads must be an integer in 1..1024, got 0/);
    expect(() => new WorkerPool({ retries: 1.5 })).toThrow(/options.retries/);
  });
});
