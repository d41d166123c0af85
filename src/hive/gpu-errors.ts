/**
 * The typed error of a GPU lease whose device went away. Same `code` as the
 * GPU tier's GpuDeviceLostError ('ERR_GPU_DEVICE_LOST'), so one check covers
 * both; the message speaks of leases instead of a tier's blobs.
 */
import { TensorhiveError } from '../errors/index.js';

export class GpuLeaseLostError extends TensorhiveError {
  /** GPUDeviceLostInfo.reason: 'destroyed' or 'unknown'. */
  readonly reason: string;
  constructor(what: string, reason: string, detail: string, options?: { cause?: unknown }) {
    super('ERR_GPU_DEVICE_LOST', `${what}: the hive's compute device was lost (${reason}${detail ? `: ${detail}` : ''}); the next acquire on 'gpu' opens a fresh one`, options);
    this.reason = reason;
  }
}
