/**
 * GPU leases: a tensor expanded on the hive's compute device from its
 * compressed chunks, read back and compared bit for bit with get() (every
 * tensor here is F32, F16 or BF16: the lease holds the codec's decoded f32
 * values, which is what get().toF32() gives), across several chunks, for
 * codecs with a WGSL kernel and without one; other dtypes; a writable lease
 * written by the service's own GPU work and stored on release.
 * Fails when no device opens, unless TENSORHIVE_ALLOW_NO_GPU=1.
 */
import { describe, expect, it } from 'vitest';
import { GpuUnavailableError } from '../../src/tiers/gpu/errors.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { gaussian } from './fixtures.js';
import { firstWordDifference, noGpuReason, probe, readLease, startHive } from './gpu-fixtures.js';

if (!probe.ok) {
  it('needs a device (TENSORHIVE_ALLOW_NO_GPU=1 turns this into a check of the typed refusal)', async () => {
    if (process.env.TENSORHIVE_ALLOW_NO_GPU !== '1') expect.fail(`no WebGPU device: ${noGpuReason}`);
    const hive = await startHive({ tiers: { ram: '1MiB' } });
    await hive.put('w', gaussian(1, [4, 32]));
    await expect(hive.acquire('w', { on: 'gpu' })).rejects.toBeInstanceOf(GpuUnavailableError);
    const cpu = await hive.acquire('w', { on: 'gpu', fallback: 'cpu' });
    expect(cpu.on).toBe('cpu');
    await cpu.release();
  });
} else {
  describe('GPU leases expand on the device', () => {
    it('equal get() bit for bit for every GPU-decoded codec and for ones decoded on the CPU, over several chunks', async () => {
      // 4 KiB chunks: a [48, 64] F32 tensor is 12 KiB, three chunks.
      const hive = await startHive({ tiers: { ram: '4MiB' }, chunkSize: '4KiB' });
      const t = gaussian(11, [48, 64]);
      const cases: Array<[string, Tensor, Record<string, unknown>?]> = [
        ['raw', t],
        ['raw', gaussian(12, [48, 64], 'F16')],
        ['raw', gaussian(13, [48, 64], 'BF16')],
        ['f16', t],
        ['bf16', t],
        ['q8_0', t],
        ['q4_0', t],
        ['nf4', t],
        ['nf4', t, { doubleQuant: true }],
        ['q4_k', gaussian(14, [12, 256])], // no kernel: decoded on the CPU, expanded bytes uploaded
        ['int8', t],
      ];
      const gpuDecoded = new Set(['raw', 'f16', 'bf16', 'q8_0', 'q4_0', 'nf4']);
      for (const [i, [codec, src, params]] of cases.entries()) {
        const key = `t${i}`;
        await hive.put(key, src, { codec, ...(params ? { params } : {}) });
        const chunks = hive.debug.core.catalog.tensor(key)!.chunks.length;
        expect(chunks, `${codec} is chunked`).toBeGreaterThan(1);
        const before = (await hive.stats()).gpuLeases!;
        const lease = await hive.acquire(key, { on: 'gpu' });
        expect(lease.on).toBe('gpu');
        expect(lease.dtype).toBe('F32');
        expect(lease.shape).toEqual(src.shape);
        expect(lease.byteLength).toBe(src.numel * 4);
        const want = (await hive.get(key))!.toF32();
        const got = await readLease(lease);
        expect(firstWordDifference(got, new Uint8Array(want.buffer, want.byteOffset, want.byteLength)), `${codec} ${src.dtype}`).toBe(-1);
        const during = (await hive.stats()).gpuLeases!;
        expect(during.leases).toBe(1);
        expect(during.expandedBytes).toBe(src.numel * 4);
        if (gpuDecoded.has(codec)) {
          expect(during.kernelChunks - before.kernelChunks, codec).toBe(chunks);
          expect(during.cpuChunks).toBe(before.cpuChunks);
          // Compressed bytes went up, not f32 (raw F32 is its own expansion).
          const up = during.uploadedCompressedBytes - before.uploadedCompressedBytes;
          if (!(codec === 'raw' && src.dtype === 'F32')) expect(up, codec).toBeLessThan(src.numel * 4);
        } else {
          expect(during.cpuChunks - before.cpuChunks, codec).toBe(chunks);
          expect(during.uploadedExpandedBytes - before.uploadedExpandedBytes).toBe(src.numel * 4);
        }
        await lease.release();
        expect(lease.released).toBe(true);
        expect(hive.debug.core.catalog.chunk(`${key}#0`)!.leases).toBe(0);
      }
      const end = (await hive.stats()).gpuLeases!;
      expect(end).toMatchObject({ leases: 0, expandedBytes: 0, opens: 1, losses: 0 });
    });

    it('holds F64/I32/I64 tensors in their source dtype (get()’s bytes), small integers as exact f32', async () => {
      const hive = await startHive({ tiers: { ram: '1MiB' } });
      const i32 = new Tensor('I32', [3, 5], new Uint8Array(new Int32Array([1, -2, 3, 2 ** 30 + 1, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, -15]).buffer));
      await hive.put('i32', i32);
      const a = await hive.acquire('i32', { on: 'gpu' });
      expect(a.dtype).toBe('I32');
      expect(Buffer.from(await readLease(a)).equals(Buffer.from(i32.bytes))).toBe(true);
      await a.release();
      const u8 = new Tensor('U8', [7], Uint8Array.from([0, 1, 2, 127, 128, 254, 255]));
      await hive.put('u8', u8);
      const b = await hive.acquire('u8', { on: 'gpu' });
      expect(b.dtype).toBe('F32');
      expect(Array.from(new Float32Array((await readLease(b)).buffer))).toEqual([0, 1, 2, 127, 128, 254, 255]);
      await b.release();
    });

    it('a writable lease changed by the service’s own GPU work is stored again on release (in the source dtype)', async () => {
      const hive = await startHive({ tiers: { ram: '1MiB' } });
      const t = gaussian(21, [8, 32], 'F16');
      await hive.put('w', t, { codec: 'f16' });
      const lease = await hive.acquire('w', { on: 'gpu', write: true });
      const device = (await hive.gpuDevice()).device;
      expect(lease.device).toBe(device);
      // The service's own work on the buffer: here a queue write of 0.5 everywhere.
      device.queue.writeBuffer(lease.buffer, 0, new Float32Array(t.numel).fill(0.5));
      await lease.release();
      await lease.release(); // idempotent
      const back = (await hive.get('w'))!;
      expect(back.dtype).toBe('F16');
      expect(Array.from(back.toF32()).every((v) => v === 0.5)).toBe(true);
      expect((await hive.stats()).gpuLeases!.writeBacks).toBe(1);
      // A read-only lease's changes are discarded.
      const r = await hive.acquire('w', { on: 'gpu' });
      device.queue.writeBuffer(r.buffer, 0, new Float32Array(t.numel).fill(2));
      await r.release();
      expect((await hive.get('w'))!.toF32()[0]).toBe(0.5);
    });
  });
}
