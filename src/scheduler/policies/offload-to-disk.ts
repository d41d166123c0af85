/**
 * OffloadToDisk(ramThreshold): RAM holds up to `ramThreshold` of its
 * capacity; beyond it chunks go to (and least recently used chunks move to)
 * the disk tier. A GPU tier, when present, keeps the default water marks.
 * Where the disk tier keeps its files is the disk driver's option, not the
 * policy's.
 */
import { cappedTierPolicy, thresholdMarks, type OffloadOptions } from './offload-to-ram.js';
import type { Policy } from './policy.js';

export function offloadToDisk(ramThreshold: number, options: OffloadOptions = {}): Policy {
  return cappedTierPolicy('offloadToDisk', 'ram', thresholdMarks(ramThreshold, options.hysteresis, 'ramThreshold'), options);
}
