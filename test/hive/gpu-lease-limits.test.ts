/**
 * GPU leases at their edges: the expanded-bytes cap (CapacityError, wait,
 * TimeoutError), device loss (typed error, nothing left leased, the next
 * acquire reopens), a hive that opens no device (typed refusal, or a CPU
 * lease when asked for explicitly), a damaged blob (IntegrityError, never
 * wrong numbers), bad options.
 * Fails when no device opens, unless TENSORHIVE_ALLOW_NO_GPU=1.
 */
import { describe, expect, it } from 'vitest';
import { ArgumentError, CapacityError, IntegrityError } from '../../src/errors/index.js';
import { GpuUnavailableError } from '../../src/tiers/gpu/errors.js';
import { gaussian } from './fixtures.js';
import { firstWordDifference, probe, readLease, startHive } from './gpu-fixtures.js';

describe('GPU leases refused without a device', () => {
  it("options.gpu 'budget-only' opens no device: GpuUnavailableError, or a CPU lease with fallback 'cpu'", async () => {
    const hive = await startHive({ tiers: { ram: '1MiB' }, gpu: 'budget-only' });
    await hive.put('w', gaussian(1, [4, 32]));
    const err = await hive.acquire('w', { on: 'gpu' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GpuUnavailableError);
    expect((err as Error).message).toContain('budget-only');
    await expect(hive.gpuDevice()).rejects.toBeInstanceOf(GpuUnavailableError);
    expect(hive.debug.core.catalog.chunk('w#0')!.leases).toBe(0);
    const cpu = await hive.acquire('w', { on: 'gpu', fallback: 'cpu' });
    expect(cpu.on).toBe('cpu');
    await cpu.release();
    await expect(hive.acquire('w', { on: 'gpu', fallback: 'tpu' as 'cpu' })).rejects.toBeInstanceOf(ArgumentError);
    await expect(hive.acquire('missing', { on: 'gpu' })).rejects.toBeInstanceOf(ArgumentError);
  });

  it('options.gpuExpandedCap is checked', async () => {
    await expect(startHive({ gpuExpandedCap: 0 })).rejects.toThrow(/options\.gpuExpandedCap/);
    await expect(startHive({ gpuExpandedCap: 'lots' })).rejects.toBeInstanceOf(ArgumentError);
  });
});

if (probe.ok) {
  describe('GPU leases at their limits', () => {
    it('a lease beyond gpuExpandedCap fails with CapacityError; one that must wait waits, or times out', async () => {
      const hive = await startHive({ tiers: { ram: '1MiB' }, gpuExpandedCap: '16KiB' });
      await hive.put('big', gaussian(2, [64, 128])); // 32 KiB of f32
      await expect(hive.acquire('big', { on: 'gpu' })).rejects.toBeInstanceOf(CapacityError);
      await hive.put('a', gaussian(3, [48, 64]), { codec: 'q8_0' }); // 12 KiB expanded
      const first = await hive.acquire('a', { on: 'gpu' });
      await expect(hive.acquire('a', { on: 'gpu', timeoutMs: 0 })).rejects.toMatchObject({ code: 'ERR_TIMEOUT' });
      let second: Awaited<ReturnType<typeof hive.acquire>> | undefined;
      const waiting = hive.acquire('a', { on: 'gpu' }).then((l) => (second = l));
      await new Promise((r) => setImmediate(r));
      expect(second).toBeUndefined();
      await first.release();
      await waiting;
      expect(second!.on).toBe('gpu');
      expect((await hive.stats()).gpuLeases).toMatchObject({ leases: 1, expandedBytes: 48 * 64 * 4, peakExpandedBytes: 48 * 64 * 4 });
      await second!.release();
      expect(hive.debug.core.catalog.chunk('a#0')!.leases).toBe(0);
    });

    it('device loss: the held lease’s write-back rejects typed, nothing stays leased, the next acquire reopens', async () => {
      const hive = await startHive({ tiers: { ram: '1MiB' } });
      const t = gaussian(4, [16, 32]);
      await hive.put('w', t, { codec: 'q4_0' });
      const lease = await hive.acquire('w', { on: 'gpu', write: true });
      const gpu = await hive.gpuDevice();
      gpu.device.destroy(); // what a driver reset looks like from here
      await gpu.lost;
      const err = await lease.release().catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'ERR_GPU_DEVICE_LOST', reason: 'destroyed' });
      expect(hive.debug.core.catalog.chunk('w#0')!.leases).toBe(0);
      expect((await hive.stats()).gpuLeases).toMatchObject({ leases: 0, expandedBytes: 0, losses: 1, writeBacks: 0 });
      const again = await hive.acquire('w', { on: 'gpu' });
      expect(again.device).not.toBe(gpu.device);
      const want = (await hive.get('w'))!.toF32();
      expect(firstWordDifference(await readLease(again), new Uint8Array(want.buffer))).toBe(-1);
      await again.release();
      expect((await hive.stats()).gpuLeases).toMatchObject({ opens: 2, losses: 1 });
    });

    it('device loss during an acquire rejects it typed, with nothing left leased or reserved', async () => {
      const hive = await startHive({ tiers: { ram: '1MiB' }, chunkSize: '4KiB' });
      await hive.put('w', gaussian(8, [48, 64]), { codec: 'q8_0' });
      const gpu = await hive.gpuDevice();
      const pending = hive.acquire('w', { on: 'gpu' });
      gpu.device.destroy();
      await expect(pending).rejects.toMatchObject({ code: 'ERR_GPU_DEVICE_LOST' });
      expect(hive.debug.core.catalog.chunk('w#0')!.leases).toBe(0);
      expect((await hive.stats()).gpuLeases).toMatchObject({ leases: 0, expandedBytes: 0, losses: 1 });
    });

    it('a damaged only copy rejects with IntegrityError naming key and tier; nothing stays leased or reserved', async () => {
      const hive = await startHive({ tiers: { ram: false, disk: '8MiB' } });
      await hive.put('w', gaussian(5, [16, 32]), { codec: 'q8_0' });
      const tk = hive.debug.tierKeyOf('w', 0);
      const bad = (await hive.debug.core.client('disk').get(tk))!.slice();
      bad[bad.length - 10] ^= 0x40;
      await hive.debug.tierPut('disk', tk, bad);
      const err = await hive.acquire('w', { on: 'gpu' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IntegrityError);
      expect((err as Error).message).toContain('"w"');
      expect((err as Error).message).toContain('disk');
      expect(hive.debug.core.catalog.chunk('w#0')!.leases).toBe(0);
      expect((await hive.stats()).gpuLeases).toMatchObject({ leases: 0, expandedBytes: 0 });
    });

    it('a second copy serves the lease when the first is damaged, and the bad one is repaired', async () => {
      const hive = await startHive({ tiers: { ram: '1MiB', disk: '8MiB' }, durability: 'disk' });
      await hive.put('w', gaussian(6, [16, 32]), { codec: 'nf4' });
      const tk = hive.debug.tierKeyOf('w', 0);
      const bad = (await hive.debug.core.client('ram').get(tk))!.slice();
      bad[60] ^= 1;
      await hive.debug.tierPut('ram', tk, bad);
      const events: unknown[] = [];
      hive.on('integrity', (e) => events.push(e));
      const lease = await hive.acquire('w', { on: 'gpu' });
      const want = (await hive.get('w'))!.toF32();
      expect(firstWordDifference(await readLease(lease), new Uint8Array(want.buffer))).toBe(-1);
      await lease.release();
      expect(events).toEqual([{ type: 'integrity', key: 'w', tier: 'ram', recovered: true }]);
    });

    it('stop() destroys the device; calls after it reject', async () => {
      const hive = await startHive({ tiers: { ram: '1MiB' } });
      await hive.put('w', gaussian(7, [4, 32]));
      const gpu = await hive.gpuDevice();
      await hive.stop();
      expect((await gpu.lost).reason).toBe('destroyed');
      await expect(hive.acquire('w', { on: 'gpu' })).rejects.toMatchObject({ code: 'ERR_ACTOR_DEAD' });
      await expect(hive.gpuDevice()).rejects.toMatchObject({ code: 'ERR_ACTOR_DEAD' });
    });
  });
}
