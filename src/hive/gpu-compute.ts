/**
 * The hive's compute device for GPU leases, on the CALLER's thread: WebGPU
 * devices and their buffers belong to the thread that opened them, and the
 * GPU tier's device lives in the tier's worker, so a service on the main
 * thread could not use that one. Opened lazily (the first acquire on 'gpu' or
 * `hive.gpuDevice()`) with device.ts's logic and backend order; never opened
 * when options.gpu is 'budget-only' (the user chose host memory).
 *
 * Loss: `device.lost` is watched; a lost device is dropped at once (its
 * buffers are gone: every lease on it is dead, see gpu-lease.ts) and the next
 * call opens a fresh one. Each open gets a new epoch so a lease can tell
 * whether its device is still the live one.
 */
import type { Clock } from '../clock/index.js';
import { openGpuDevice, type GpuDevice } from '../tiers/gpu/device.js';
import { GpuUnavailableError } from '../tiers/gpu/errors.js';

export interface GpuLeaseStats {
  /** Devices opened for leases (reopens after a loss included). */
  opens: number;
  /** Devices lost while open (destroyed or reset). */
  losses: number;
  /** GPU leases held now. */
  leases: number;
  /** Bytes of lease buffers held now (each padded to 4 bytes), counted against options.gpuExpandedCap. */
  expandedBytes: number;
  peakExpandedBytes: number;
  /** Chunks expanded by a WGSL kernel (or, raw F32, copied in place) from their compressed bytes. */
  kernelChunks: number;
  /** Chunks of codecs without a GPU kernel: decoded on the CPU, their expanded bytes uploaded. */
  cpuChunks: number;
  /** Bytes uploaded in compressed form (what kernels read). */
  uploadedCompressedBytes: number;
  /** Bytes uploaded already expanded (cpuChunks). */
  uploadedExpandedBytes: number;
  /** Writable leases read back and stored again on release. */
  writeBacks: number;
}

export class HiveGpu {
  readonly counters: Omit<GpuLeaseStats, 'leases' | 'expandedBytes' | 'peakExpandedBytes'> = {
    opens: 0,
    losses: 0,
    kernelChunks: 0,
    cpuChunks: 0,
    uploadedCompressedBytes: 0,
    uploadedExpandedBytes: 0,
    writeBacks: 0,
  };
  leases = 0;
  private current: { gpu: GpuDevice; epoch: number } | undefined;
  private opening: Promise<{ gpu: GpuDevice; epoch: number }> | undefined;
  private epoch = 0;
  private lost = new Map<number, { reason: string; message: string }>();
  private closed = false;

  constructor(
    private readonly mode: 'auto' | 'device' | 'budget-only',
    private readonly clock: Clock,
  ) {}

  /** The live device (opening one if needed), with its epoch. Rejects with GpuUnavailableError naming why. */
  open(): Promise<{ gpu: GpuDevice; epoch: number }> {
    if (this.current) return Promise.resolve(this.current);
    if (this.closed) return Promise.reject(new GpuUnavailableError('the hive is stopped'));
    if (this.mode === 'budget-only') {
      return Promise.reject(new GpuUnavailableError("options.gpu is 'budget-only': the hive opens no WebGPU device (use 'auto' or 'device' for GPU leases)"));
    }
    this.opening ??= (async () => {
      try {
        const r = await openGpuDevice({ clock: this.clock });
        if (!r.ok) throw new GpuUnavailableError(r.reason);
        if (this.closed) {
          r.gpu.close();
          throw new GpuUnavailableError('the hive is stopped');
        }
        const epoch = ++this.epoch;
        this.counters.opens++;
        const cur = { gpu: r.gpu, epoch };
        this.current = cur;
        void r.gpu.lost.then((info) => {
          this.lost.set(epoch, { reason: info.reason ?? 'unknown', message: info.message ?? '' });
          if (!this.closed) this.counters.losses++;
          if (this.current === cur) this.current = undefined;
        });
        return cur;
      } finally {
        this.opening = undefined;
      }
    })();
    return this.opening;
  }

  /** Why the device of `epoch` was lost, or undefined while it is live. */
  lostInfo(epoch: number): { reason: string; message: string } | undefined {
    return this.lost.get(epoch);
  }

  /** Destroy the device (hive stop); later opens reject. */
  close(): void {
    this.closed = true;
    this.current?.gpu.close();
    this.current = undefined;
  }
}
