/** Shared by the GPU lease tests: a probe, hives that clean up after themselves, and buffer readback. */
import type { GpuLease } from '../../src/hive/types.js';
import { DeviceBlobStore } from '../../src/tiers/gpu/device-store.js';
import { openGpuDevice } from '../../src/tiers/gpu/index.js';
import { hiveStarter } from './fixtures.js';

export const probe = await openGpuDevice();
if (probe.ok) probe.gpu.close();
/** Why no device opened ('' when one did). */
export const noGpuReason = probe.ok ? '' : probe.reason;

/** Hives stopped (and their directories removed) after each test. */
export const startHive = hiveStarter('tensorhive-gpu-lease-', { workers: false });

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
