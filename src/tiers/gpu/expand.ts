/**
 * Expanding one decoded-on-the-GPU payload into a region of a device buffer:
 * upload the compressed bytes (never the f32 values) and record the kernel
 * that expands them, or — for raw F32, whose payload already is the output —
 * write the payload in place. The work goes into a DecodeBatch; the caller
 * submits and finishes it (one readback of bad-block flags for many calls).
 */
import { unitsPerPass, type DecodeBatch } from './decode-pass.js';
import type { GpuDecodeSpec } from './decoders.js';
import { BufferUsage } from './usage.js';

export interface ExpandKnobs {
  readonly maxPassUnits?: number;
  readonly maxWorkgroups?: number;
}

/** Whether `spec` can run on `device` (a unit too big for one binding cannot: decode it on the CPU). */
export function fitsDevice(device: GPUDevice, spec: GpuDecodeSpec): boolean {
  if (spec.kernel === undefined) return true;
  return unitsPerPass(device, { elemsPerUnit: spec.elemsPerUnit, inputs: spec.streams }) >= 1;
}

/** A STORAGE buffer holding `bytes` (padded to 4, at least 4 bytes), filled at creation. */
export function uploadStorage(device: GPUDevice, bytes: Uint8Array, label?: string): GPUBuffer {
  const size = Math.max(4, Math.ceil(bytes.byteLength / 4) * 4);
  const b = device.createBuffer({ size, usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC, mappedAtCreation: true, ...(label ? { label } : {}) });
  new Uint8Array(b.getMappedRange()).set(bytes);
  b.unmap();
  return b;
}

/**
 * Record the expansion of `spec` into `dst` at `dstByteOffset` (a multiple of
 * 4). Returns the upload buffer to destroy once the batch has finished
 * (undefined when the payload was written in place).
 */
export function expandInto(device: GPUDevice, batch: DecodeBatch, spec: GpuDecodeSpec, dst: GPUBuffer, dstByteOffset: number, knobs?: ExpandKnobs): GPUBuffer | undefined {
  if (spec.kernel === undefined) {
    if (spec.upload.byteLength > 0) device.queue.writeBuffer(dst, dstByteOffset, spec.upload);
    return undefined;
  }
  if (spec.elems === 0) return undefined;
  const src = uploadStorage(device, spec.upload, `tensorhive ${spec.kernel.name} payload`);
  batch.run(spec.kernel, {
    units: spec.units,
    elemsPerUnit: spec.elemsPerUnit,
    elems: spec.elems,
    inputs: spec.streams.map((s) => ({ buffer: src, byteOffset: s.byteOffset, bytesPerUnit: s.bytesPerUnit })),
    dst,
    dstByteOffset,
    ...(spec.constants ? { constants: spec.constants } : {}),
    ...(spec.onBad ? { onBad: spec.onBad } : {}),
    ...(knobs?.maxPassUnits !== undefined ? { maxPassUnits: knobs.maxPassUnits } : {}),
    ...(knobs?.maxWorkgroups !== undefined ? { maxWorkgroups: knobs.maxWorkgroups } : {}),
  });
  return src;
}
