/**
 * Leases on expanded tensors. Their chunks are LEASEd in the catalog (never
 * moved or evicted while held) and release() runs once — re-encoding and
 * storing the tensor first when the lease is writable.
 *
 * - HiveLease: decoded bytes from the hive's capped BufferPool (host memory).
 * - HiveGpuLease: a GPUBuffer on the hive's compute device (gpu-lease.ts
 *   expands it), counted under options.gpuExpandedCap.
 */
import type { DType } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { GpuLease, Lease } from './types.js';

// Node 20 may lack Symbol.asyncDispose; TypeScript's `await using` looks it up by this name.
(Symbol as { asyncDispose?: symbol }).asyncDispose ??= Symbol.for('Symbol.asyncDispose');

/** release() at most once: the second call returns the first call's promise. */
abstract class OnceReleased<L> {
  private done: Promise<void> | undefined;

  protected constructor(private readonly onRelease: (lease: L) => Promise<void>) {}

  get released(): boolean {
    return this.done !== undefined;
  }

  release(): Promise<void> {
    this.done ??= this.onRelease(this as unknown as L);
    return this.done;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.release();
  }
}

export class HiveLease extends OnceReleased<HiveLease> implements Lease {
  readonly on = 'cpu' as const;

  constructor(
    readonly key: string,
    readonly tensor: Tensor,
    readonly writable: boolean,
    onRelease: (lease: HiveLease) => Promise<void>,
  ) {
    super(onRelease);
  }
}

export class HiveGpuLease extends OnceReleased<HiveGpuLease> implements GpuLease {
  readonly on = 'gpu' as const;

  constructor(
    readonly key: string,
    readonly device: GPUDevice,
    readonly buffer: GPUBuffer,
    readonly byteLength: number,
    readonly dtype: DType,
    readonly shape: Shape,
    readonly writable: boolean,
    onRelease: (lease: HiveGpuLease) => Promise<void>,
  ) {
    super(onRelease);
  }
}
