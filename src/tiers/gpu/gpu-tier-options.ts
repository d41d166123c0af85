/** GpuTier options and their checks at the public boundary. */
import type { Clock } from '../../clock/index.js';
import { ArgumentError } from '../../errors/index.js';
import type { GpuDevice, GpuDeviceOptions } from './device.js';

export interface GpuTierOptions {
  /** Device bytes the hive may use on this tier. Positive safe integer. */
  readonly capacityBytes: number;
  /** Name in stats and errors. Default 'gpu'. */
  readonly name?: string;
  /** Enforce the budget without a device; bytes live in host memory. */
  readonly budgetOnly?: boolean;
  /** Backends to try when opening the device. */
  readonly device?: GpuDeviceOptions;
  /** An already opened device for the first start; the tier owns it from then on. */
  readonly openedDevice?: GpuDevice;
  /** Bandwidth probe size at start; 0 skips the probe. Default 4 MiB. */
  readonly probeBytes?: number;
  readonly clock?: Clock;
}

export function checkOptions(o: GpuTierOptions): void {
  if (o === null || typeof o !== 'object') throw new ArgumentError(`options must be an object, got ${o === null ? 'null' : typeof o}`);
  if (!Number.isSafeInteger(o.capacityBytes) || o.capacityBytes <= 0) {
    throw new ArgumentError(`options.capacityBytes must be a positive safe integer, got ${String(o.capacityBytes)}`);
  }
  if (o.name !== undefined && (typeof o.name !== 'string' || o.name === '')) throw new ArgumentError(`options.name must be a non-empty string, got ${JSON.stringify(o.name)}`);
  if (o.budgetOnly !== undefined && typeof o.budgetOnly !== 'boolean') throw new ArgumentError(`options.budgetOnly must be a boolean, got ${typeof o.budgetOnly}`);
  if (o.probeBytes !== undefined && (!Number.isSafeInteger(o.probeBytes) || o.probeBytes < 0 || o.probeBytes > 256 * 1024 * 1024)) {
    throw new ArgumentError(`options.probeBytes must be an integer in 0..268435456, got ${String(o.probeBytes)}`);
  }
}

export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}

