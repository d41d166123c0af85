/**
 * Blobs in GPU buffers (STORAGE | COPY_SRC | COPY_DST), sizes padded to 4
 * bytes, true length kept beside. Upload with queue.writeBuffer (which copies
 * the caller's bytes at call time); readback through a MAP_READ staging buffer
 * in bounded slices, so reading a large blob never needs a second blob-sized
 * allocation on the device.
 */
import { CapacityError } from '../../errors/index.js';
import { padded4, type BlobStore, type StoredBlob } from './blob-store.js';
import { BufferUsage, MapMode } from './usage.js';

export interface DeviceBlob extends StoredBlob {
  /** Null for the empty blob: WebGPU has nothing to hold. */
  readonly buffer: GPUBuffer | null;
}

/** Staging slice for readback: bounds the transient device memory a get needs. */
export const READBACK_SLICE_BYTES = 16 * 1024 * 1024;

export class DeviceBlobStore implements BlobStore<DeviceBlob> {
  readonly mode = 'device' as const;
  readonly maxBlobBytes: number;
  private readonly device: GPUDevice;

  constructor(device: GPUDevice) {
    this.device = device;
    this.maxBlobBytes = device.limits.maxBufferSize;
  }

  async alloc(bytes: Uint8Array): Promise<DeviceBlob> {
    const length = bytes.byteLength;
    const size = padded4(length);
    if (size === 0) return { length: 0, paddedBytes: 0, buffer: null };
    const d = this.device;
    d.pushErrorScope('out-of-memory');
    d.pushErrorScope('validation');
    const buffer = d.createBuffer({ size, usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST });
    const whole = length - (length % 4);
    if (whole > 0) d.queue.writeBuffer(buffer, 0, bytes, 0, whole);
    if (whole < length) {
      // writeBuffer moves whole 4-byte words: the last 1..3 bytes go through a word of their own.
      const tail = new Uint8Array(4);
      tail.set(bytes.subarray(whole));
      d.queue.writeBuffer(buffer, whole, tail);
    }
    const validation = d.popErrorScope();
    const oom = d.popErrorScope();
    const [ev, eo] = await Promise.all([validation, oom]);
    const err = eo ?? ev;
    if (err) {
      buffer.destroy();
      throw new CapacityError(`gpu device could not allocate a ${size}-byte buffer: ${err.message || err.constructor.name}`);
    }
    return { length, paddedBytes: size, buffer };
  }

  async read(blob: DeviceBlob): Promise<Uint8Array> {
    const out = new Uint8Array(blob.length);
    if (blob.buffer === null) return out;
    const d = this.device;
    const sliceBytes = Math.min(READBACK_SLICE_BYTES, blob.paddedBytes);
    const staging = d.createBuffer({ size: sliceBytes, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
    try {
      for (let at = 0; at < blob.paddedBytes; at += sliceBytes) {
        const n = Math.min(sliceBytes, blob.paddedBytes - at);
        const enc = d.createCommandEncoder();
        enc.copyBufferToBuffer(blob.buffer, at, staging, 0, n);
        d.queue.submit([enc.finish()]);
        await staging.mapAsync(MapMode.READ, 0, n);
        const keep = Math.min(n, blob.length - at);
        out.set(new Uint8Array(staging.getMappedRange(0, n), 0, keep), at);
        staging.unmap();
      }
    } finally {
      staging.destroy();
    }
    return out;
  }

  free(blob: DeviceBlob): void {
    // Destroy is deferred by WebGPU until submitted copies that use it finish.
    blob.buffer?.destroy();
  }

  /** Resolves when all submitted work (uploads included) has finished. */
  settle(): Promise<void> {
    return this.device.queue.onSubmittedWorkDone();
  }
}
