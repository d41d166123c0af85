/**
 * The GPU tier's budget: device bytes (sizes padded to 4) are what the budget
 * caps, in budget-only mode and on a device alike; options are checked at the
 * boundary; nothing runs before start().
 */
import { describe, expect, it } from 'vitest';
import { ArgumentError, CapacityError } from '../../src/errors/index.js';
import { GpuTier, GpuUnavailableError, TierNotRunningError, openGpuDevice } from '../../src/tiers/gpu/index.js';

const probe = await openGpuDevice();
if (probe.ok) probe.gpu.close();
const modes: Array<'budget-only' | 'device'> = probe.ok ? ['budget-only', 'device'] : ['budget-only'];

function tier(mode: 'budget-only' | 'device', capacityBytes: number): GpuTier {
  return new GpuTier({ name: `budget-${mode}`, capacityBytes, budgetOnly: mode === 'budget-only', probeBytes: 0 });
}

async function refused(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => 'stored',
    (e: unknown) => e,
  );
}

describe.each(modes)('budget (%s)', (mode) => {
  it('counts padded device bytes against the budget and true lengths as used', async () => {
    const t = tier(mode, 12);
    await t.start();
    await t.put('a', new Uint8Array([1, 2, 3, 4, 5])); // 8 on the device
    let st = await t.stats();
    expect([st.usedBytes, st.footprintBytes]).toEqual([5, 8]);
    expect(await refused(t.put('b', new Uint8Array(5)))).toBeInstanceOf(CapacityError); // 8 + 8 > 12
    expect(await t.has('b')).toBe(false);
    await t.put('b', new Uint8Array(3)); // 8 + 4 = 12: exactly full
    st = await t.stats();
    expect([st.usedBytes, st.footprintBytes, st.entries]).toEqual([8, 12, 2]);
    expect(await refused(t.put('c', new Uint8Array(1)))).toBeInstanceOf(CapacityError);
    // An overwrite is charged the difference: 'a' shrinks to 4 bytes, freeing 4.
    await t.put('a', new Uint8Array(4));
    await t.put('c', new Uint8Array(2));
    st = await t.stats();
    expect([st.usedBytes, st.footprintBytes, st.entries]).toEqual([9, 12, 3]);
    expect(await t.get('a')).toEqual(new Uint8Array(4));
    await t.stop();
  });

  it('names the figures in its refusal', async () => {
    const t = tier(mode, 100);
    await t.start();
    await t.put('a', new Uint8Array(60));
    const err = (await refused(t.put('b', new Uint8Array(41)))) as Error;
    expect(err).toBeInstanceOf(CapacityError);
    expect(err.message).toMatch(/"b".*104 of 100/);
    const whole = (await refused(t.put('c', new Uint8Array(101)))) as Error;
    expect(whole.message).toMatch(/101 bytes exceeds the whole budget of 100/);
    await t.stop();
  });

  it('never exceeds the budget under concurrent puts', async () => {
    const cap = 4096;
    const t = tier(mode, cap);
    await t.start();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => refused(t.put(`k${i}`, new Uint8Array(1024).fill(i)))));
    expect(results.filter((r) => r === 'stored').length).toBe(4);
    expect(results.filter((r) => r instanceof CapacityError).length).toBe(6);
    const st = await t.stats();
    expect(st.footprintBytes).toBe(cap);
    // The four that were acknowledged are the first four, in call order, intact.
    for (let i = 0; i < 4; i++) expect((await t.get(`k${i}`))![0]).toBe(i);
    await t.stop();
  });

  it('copies a Node Buffer on put (Buffer.slice would be a view)', async () => {
    const t = tier(mode, 1024);
    await t.start();
    const buf = Buffer.from([1, 2, 3, 4, 5]);
    await t.put('buf', buf);
    buf.fill(9);
    expect(await t.get('buf')).toEqual(new Uint8Array([1, 2, 3, 4, 5]));
    await t.stop();
  });

  it('says which mode runs', async () => {
    const t = tier(mode, 1024);
    expect(t.mode).toBe(mode);
    await t.start();
    expect((await t.stats()).extra?.budgetOnly).toBe(mode === 'budget-only' ? 1 : 0);
    await t.stop();
  });
});

describe('budget-only mode', () => {
  it('measures the bandwidth of the path it really uses (host copies)', async () => {
    const t = new GpuTier({ capacityBytes: 1 << 20, budgetOnly: true, probeBytes: 256 * 1024 });
    await t.start();
    const st = await t.stats();
    expect(st.readMBps).toBeGreaterThan(0);
    expect(st.writeMBps).toBeGreaterThan(0);
    expect(st.extra?.budgetOnly).toBe(1);
    await t.stop();
  });

  it('has no device to compute on', async () => {
    const t = new GpuTier({ capacityBytes: 1 << 20, budgetOnly: true, probeBytes: 0 });
    await t.start();
    await t.put('w', new Uint8Array(34));
    await expect(t.dequantizeQ8_0('w')).rejects.toBeInstanceOf(GpuUnavailableError);
    await t.stop();
  });
});

describe('define first, run later', () => {
  it('does nothing before start: calls reject typed, stats reads empty', async () => {
    const t = new GpuTier({ capacityBytes: 1 << 20, budgetOnly: true });
    await expect(t.get('a')).rejects.toBeInstanceOf(TierNotRunningError);
    await expect(t.put('a', new Uint8Array(1))).rejects.toThrow(/gpu tier gpu is idle: cannot put/);
    const st = await t.stats();
    expect([st.entries, st.usedBytes, st.capacityBytes]).toEqual([0, 0, 1 << 20]);
    await t.stop(); // stopping a tier that never started is a no-op
  });

  it('checks options at the boundary, naming the option', () => {
    for (const capacityBytes of [0, -1, 1.5, Number.NaN, '1GiB', undefined]) {
      expect(() => new GpuTier({ capacityBytes: capacityBytes as number })).toThrow(/options\.capacityBytes must be a positive safe integer/);
    }
    expect(() => new GpuTier({ capacityBytes: 1, probeBytes: -1 })).toThrow(ArgumentError);
    expect(() => new GpuTier({ capacityBytes: 1, probeBytes: 2 ** 40 })).toThrow(/options\.probeBytes/);
    expect(() => new GpuTier({ capacityBytes: 1, name: '' })).toThrow(/options\.name/);
    expect(() => new GpuTier({ capacityBytes: 1, budgetOnly: 'yes' as unknown as boolean })).toThrow(/options\.budgetOnly/);
    expect(() => new GpuTier(null as unknown as { capacityBytes: number })).toThrow(ArgumentError);
  });
});
