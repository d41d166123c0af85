/**
 * Upload/readback bandwidth of a blob store, measured at start with a probe of
 * a few MiB (best of a few rounds: the first round pays for warm-up). Measured,
 * not assumed; reported by the tier's stats as readMBps / writeMBps.
 */
import type { Clock } from '../../clock/index.js';
import type { BlobStore } from './blob-store.js';

export interface Bandwidth {
  readonly readMBps: number;
  readonly writeMBps: number;
}

export const DEFAULT_PROBE_BYTES = 4 * 1024 * 1024;

export async function measureBandwidth(
  store: BlobStore & { settle?(): Promise<void> },
  clock: Clock,
  probeBytes: number,
  rounds = 3,
): Promise<Bandwidth> {
  const probe = new Uint8Array(probeBytes);
  // Non-constant content, so no layer can short-cut zero pages.
  for (let i = 0; i < probe.length; i += 4096) probe[i] = i >>> 12;
  let bestWrite = Infinity;
  let bestRead = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = clock.now();
    // The copy is part of the path: put() copies the caller's bytes before storing them.
    const blob = await store.alloc(probe.slice());
    await store.settle?.();
    const t1 = clock.now();
    try {
      await store.read(blob);
    } finally {
      store.free(blob);
    }
    const t2 = clock.now();
    bestWrite = Math.min(bestWrite, t1 - t0);
    bestRead = Math.min(bestRead, t2 - t1);
  }
  const mb = probeBytes / 1e6;
  // A clock that did not move (simulated time) gives no figure rather than Infinity.
  return {
    readMBps: bestRead > 0 ? mb / (bestRead / 1000) : Number.NaN,
    writeMBps: bestWrite > 0 ? mb / (bestWrite / 1000) : Number.NaN,
  };
}
