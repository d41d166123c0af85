import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../src/clock/index.js';
import { TimeoutError } from '../../src/errors/index.js';
import { CallTable } from '../../src/runtime/calls.js';

/** Settle state of a promise after the microtasks already queued have run. */
async function stateOf(p: Promise<unknown>): Promise<'pending' | 'resolved' | 'rejected'> {
  let s: 'pending' | 'resolved' | 'rejected' = 'pending';
  p.then(() => (s = 'resolved'), () => (s = 'rejected'));
  await Promise.resolve();
  await Promise.resolve();
  return s;
}

describe('CallTable deadlines (one clock timer for all calls)', () => {
  it('times out each call exactly at its own deadline, shorter timeouts first, and names the target', async () => {
    const clock = new SimulatedClock();
    const t = new CallTable(clock);
    const slow = t.open('a/slow', 100);
    clock.advance(10);
    const fast = t.open('a/fast', 50); // deadline 60, earlier than the armed 100
    slow.promise.catch(() => undefined);
    fast.promise.catch(() => undefined);
    clock.advance(49); // t = 59
    expect(await stateOf(fast.promise)).toBe('pending');
    clock.advance(1); // t = 60
    await expect(fast.promise).rejects.toThrow(TimeoutError);
    await expect(fast.promise).rejects.toThrow('call to a/fast got no reply within 50 ms');
    expect(await stateOf(slow.promise)).toBe('pending');
    expect(t.size).toBe(1);
    clock.advance(39); // t = 99
    expect(await stateOf(slow.promise)).toBe('pending');
    clock.advance(1); // t = 100
    await expect(slow.promise).rejects.toThrow('call to a/slow got no reply within 100 ms');
    expect(t.size).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('a call that ends before its deadline never times out; the shared timer then fires once and is gone', async () => {
    const clock = new SimulatedClock();
    const t = new CallTable(clock);
    const a = t.open<number>('x', 100);
    const b = t.open<number>('x', 100);
    t.resolve(a.cid, 1);
    expect(await a.promise).toBe(1);
    t.reject(b.cid, new Error('gone'));
    await expect(b.promise).rejects.toThrow('gone');
    // Ending calls never cancels or adds timers: one timer, armed by the first call.
    expect(clock.pending).toBe(1);
    const c = t.open<number>('x', 100);
    expect(clock.pending).toBe(1);
    t.resolve(c.cid, 3);
    clock.advance(1000); // the stale timer fires, finds nothing due, does not re-arm
    expect(clock.pending).toBe(0);
    expect(t.size).toBe(0);
    expect(await c.promise).toBe(3);
    // A late reply for an ended call is ignored.
    t.resolve(a.cid, 2);
    expect(t.has(a.cid)).toBe(false);
  });

  it('many calls share one timer; after the head calls end, the rest still time out on time', async () => {
    const clock = new SimulatedClock();
    const t = new CallTable(clock);
    const calls: { cid: number; promise: Promise<unknown> }[] = [];
    for (let i = 0; i < 1000; i++) {
      const c = t.open('x', 200);
      c.promise.catch(() => undefined);
      calls.push(c);
      clock.advance(0.1);
    }
    expect(clock.pending).toBe(1);
    // The first 999 answer; the last (opened at t = 99.9) must time out at 299.9.
    for (let i = 0; i < 999; i++) t.resolve(calls[i].cid, i);
    expect(t.size).toBe(1);
    clock.advance(299.8 - clock.now());
    expect(await stateOf(calls[999].promise)).toBe('pending');
    clock.advance(0.2);
    expect(await stateOf(calls[999].promise)).toBe('rejected');
    expect(clock.pending).toBe(0);
  });

  it('ends each call exactly once: a call opened by a timeout handler gets its own deadline', async () => {
    const clock = new SimulatedClock();
    const t = new CallTable(clock);
    let second: Promise<unknown> | undefined;
    const first = t.open('x', 10);
    first.promise.catch(() => {
      second = t.open('y', 10).promise;
      second.catch(() => undefined);
    });
    clock.advance(10);
    await stateOf(first.promise);
    expect(second).toBeDefined();
    clock.advance(9);
    expect(await stateOf(second!)).toBe('pending');
    clock.advance(1);
    await expect(second!).rejects.toThrow('call to y got no reply within 10 ms');
  });

  it('calls without a finite timeout never arm the timer', () => {
    const clock = new SimulatedClock();
    const t = new CallTable(clock);
    const c = t.open('x', Infinity);
    expect(clock.pending).toBe(0);
    t.resolve(c.cid, 1);
    expect(t.size).toBe(0);
  });
});
