/**
 * Errors of the GPU tier. Both are TensorhiveErrors with a stable `code`, so a
 * caller (the hive, a supervisor) can tell "the device went away" from "the
 * tier is not running" without parsing messages.
 */
import { TensorhiveError } from '../../errors/index.js';

/**
 * The tier's WebGPU device was lost (destroyed, driver reset, out of memory at
 * the driver level). Every blob the tier held is gone; every call rejects with
 * this error until the tier is stopped and started again on a fresh device.
 */
export class GpuDeviceLostError extends TensorhiveError {
  readonly tier: string;
  /** GPUDeviceLostInfo.reason: 'destroyed' or 'unknown'. */
  readonly reason: string;
  constructor(tier: string, reason: string, detail: string, options?: { cause?: unknown }) {
    super('ERR_GPU_DEVICE_LOST', `gpu tier ${tier}: device lost (${reason}${detail ? `: ${detail}` : ''}); its blobs are gone, restart the tier`, options);
    this.tier = tier;
    this.reason = reason;
  }
}

/** No WebGPU adapter/device could be opened; `reason` says why for each backend tried. */
export class GpuUnavailableError extends TensorhiveError {
  readonly reason: string;
  constructor(reason: string, options?: { cause?: unknown }) {
    super('ERR_GPU_UNAVAILABLE', `no WebGPU device: ${reason}`, options);
    this.reason = reason;
  }
}

/** A call reached the tier while it was not started (never started, or stopped). */
export class TierNotRunningError extends TensorhiveError {
  readonly tier: string;
  constructor(tier: string, state: string, operation: string) {
    super('ERR_TIER_NOT_RUNNING', `gpu tier ${tier} is ${state}: cannot ${operation}`);
    this.tier = tier;
  }
}
