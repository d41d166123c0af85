import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../src/clock/index.js';
import { ArgumentError, CapacityError, TimeoutError } from '../../src/errors/index.js';
import { BufferPool, type PooledBuffer } from '../../src/scheduler/index.js';

const KiB = 1024;
const flush = () => new Promise<void>((r) => setImmediate(r));

describe('BufferPool', () => {
  it('hands out power-of-two classes and reuses released buffers', async () => {
    const pool = new BufferPool({ capBytes: 64 * KiB, clock: new SimulatedClock(), minClassBytes: 1024 });
    const a = await pool.acquire(3000);
    expect(a.bytes.length).toBe(3000);
    expect(a.classBytes).toBe(4096);
    a.bytes[0] = 7;
    a.release();
    const b = await pool.acquire(2500); // same class: the same memory comes back
    expect(b.bytes.buffer).toBe(a.bytes.buffer);
    expect(b.bytes.length).toBe(2500);
    const c = await pool.acquire(100);
    expect(c.classBytes).toBe(1024);
    expect(pool.stats()).toMatchObject({ acquires: 3, reuses: 1, allocations: 2, allocatedBytes: 5120, inUseBytes: 5120, idleBytes: 0 });
    b.release();
    expect(() => b.release()).toThrow(/already released/);
    expect(pool.stats()).toMatchObject({ inUseBytes: 1024, idleBytes: 4096 });
  });

  it('rejects at once what can never fit, and bad arguments, with typed errors', async () => {
    const pool = new BufferPool({ capBytes: 10 * KiB, clock: new SimulatedClock() });
    await expect(pool.acquire(10 * KiB + 1)).rejects.toBeInstanceOf(CapacityError);
    await expect(pool.acquire(10 * KiB + 1)).rejects.toThrow(/exceeds the pool cap of 10240 bytes/);
    await expect(pool.acquire(-1)).rejects.toBeInstanceOf(ArgumentError);
    await expect(pool.acquire(1.5)).rejects.toThrow(/bytes must be a non-negative integer/);
    await expect(pool.acquire(10, { timeoutMs: -1 })).rejects.toThrow(/options.timeoutMs/);
    expect(() => new BufferPool({ capBytes: 0, clock: new SimulatedClock() })).toThrow(/options.capBytes/);
    expect(() => new BufferPool({ capBytes: 10, clock: new SimulatedClock(), minClassBytes: 3 })).toThrow(/options.minClassBytes/);
    // A request under the cap whose power-of-two class would pass it gets a tighter class.
    const big = await pool.acquire(9 * KiB);
    expect(big.classBytes).toBeLessThanOrEqual(10 * KiB);
    expect(big.classBytes).toBeGreaterThanOrEqual(9 * KiB);
    expect(pool.stats().allocatedBytes).toBeLessThanOrEqual(10 * KiB);
  });

  it('waits when the cap is reached and serves waiters in FIFO order as buffers are released', async () => {
    const pool = new BufferPool({ capBytes: 16 * KiB, clock: new SimulatedClock(), minClassBytes: 4 * KiB });
    const held = await Promise.all([pool.acquire(4 * KiB), pool.acquire(4 * KiB), pool.acquire(8 * KiB)]);
    const served: string[] = [];
    const w1 = pool.acquire(8 * KiB).then((b) => (served.push('w1'), b));
    const w2 = pool.acquire(4 * KiB).then((b) => (served.push('w2'), b));
    await flush();
    expect(served).toEqual([]);
    expect(pool.stats().waiters).toBe(2);
    // 4 KiB freed: w2 would fit, but w1 is first in line and needs 8 KiB.
    held[0].release();
    await flush();
    expect(served).toEqual([]);
    held[1].release(); // now 8 KiB free: idle 4 KiB buffers are dropped to make an 8 KiB one
    await flush();
    expect(served).toEqual(['w1']);
    held[2].release();
    await flush();
    expect(served).toEqual(['w1', 'w2']);
    const [b1, b2] = await Promise.all([w1, w2]);
    expect(b1.bytes.length).toBe(8 * KiB);
    expect(b2.bytes.length).toBe(4 * KiB);
    const s = pool.stats();
    expect(s.allocatedBytes).toBeLessThanOrEqual(16 * KiB);
    expect(s).toMatchObject({ waiters: 0, waited: 2, peakInUseBytes: 16 * KiB });
  });

  it('times out a waiter on the injected clock, and the next in line gets its turn', async () => {
    const clock = new SimulatedClock();
    const pool = new BufferPool({ capBytes: 8 * KiB, clock, minClassBytes: 4 * KiB });
    const a = await pool.acquire(4 * KiB);
    const b = await pool.acquire(4 * KiB);
    const big = pool.acquire(8 * KiB, { timeoutMs: 50 });
    const small = pool.acquire(4 * KiB);
    let smallGot: PooledBuffer | undefined;
    void small.then((x) => (smallGot = x));
    a.release(); // 4 KiB free: `big` (first) does not fit, so `small` waits behind it
    await flush();
    expect(smallGot).toBeUndefined();
    clock.advance(49);
    await flush();
    expect(pool.stats().waiters).toBe(2);
    clock.advance(1);
    await expect(big).rejects.toBeInstanceOf(TimeoutError);
    await flush();
    expect(smallGot).toBeDefined();
    expect(pool.stats()).toMatchObject({ timeouts: 1, waiters: 0 });
    b.release();
    smallGot!.release();
    // timeoutMs 0: fail at once rather than wait.
    const c = await pool.acquire(8 * KiB);
    await expect(pool.acquire(4 * KiB, { timeoutMs: 0 })).rejects.toThrow(/timeoutMs is 0/);
    c.release();
    expect(clock.pending).toBe(0);
  });

  it('trim drops idle buffers', async () => {
    const pool = new BufferPool({ capBytes: 64 * KiB, clock: new SimulatedClock() });
    const bufs = await Promise.all([pool.acquire(4096), pool.acquire(8192)]);
    for (const b of bufs) b.release();
    expect(pool.trim()).toBe(4096 + 8192);
    expect(pool.stats()).toMatchObject({ allocatedBytes: 0, idleBytes: 0, dropped: 2 });
  });
});
