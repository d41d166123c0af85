/** Shared by the GPU lease tests: a probe, hives that clean up after themselves, and buffer readback. */
import { afterEach } from 'vitest';
import { Hive } from '../../src/hive/index.js';
import type { HiveOptions } from '../../src/hive/index.js';
import type { GpuLease } from '../../src/hive/types.js';
import { DeviceBlobStore } from '../../src/tiers/gpu/device-store.js';
import { openGpuDevice } from '../../src/tiers/gpu/index.js';
import { tempDir } from '../helpers/tmp.js';

export const probe = await openGpuDevice();
if (probe.ok) probe.gpu.close();
/** Why no device opened ('' when one did). */
export const noGpuReason = probe.ok ? '' : probe.reason;

const open: Array<{ hive: Hive; cleanup: () => Promise<void> }> = [];

export async function startHive(options: HiveOptions = {}): Promise<Hive> {
  const { dir, cleanup } = await tempDir('tensorhive-gpu-lease-');
  const hive = await Hive.start({ dir, workers: false, ...options });
  open.push({ hive, cleanup });
  return hive;
}

afterEach(async () => {
  for (const { hive, cleanup } of open.splice(0)) {
    await hive.stop();
    await cleanup();
  }
});

/** The lease buffer's bytes, read back from the device. */
export function readLease(lease: GpuLease): Promise<Uint8Array> {
  return new DeviceBlobStore(lease.device).read({ buffer: lease.buffer, length: lease.byteLength, paddedBytes: lease.buffer.size });
}

/** Index of the first 32-bit word whose bits differ, or -1 (so −0 and NaN payloads count). */
export function firstWordDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.byteLength !== b.byteLength) return Math.min(a.byteLength, b.byteLength);
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.byteLength / 4);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.byteLength / 4);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return i;
  return -1;
}
