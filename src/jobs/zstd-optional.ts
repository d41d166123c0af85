/**
 * zstd as a yardstick, not a codec: the bench compares lossless codecs with
 * zstd on the same bytes. `zstd-napi` is an optional (dev) dependency, loaded
 * once on first use; when it is not installed the comparison is left out.
 */
import { createRequire } from 'node:module';

interface ZstdNapi {
  compress(data: Uint8Array, parameters?: { compressionLevel?: number }): Uint8Array;
}

let loaded: ZstdNapi | null | undefined;

function zstd(): ZstdNapi | null {
  if (loaded === undefined) {
    try {
      loaded = createRequire(import.meta.url)('zstd-napi') as ZstdNapi;
    } catch {
      loaded = null;
    }
  }
  return loaded;
}

/** Whether zstd-napi could be loaded. */
export function zstdAvailable(): boolean {
  return zstd() !== null;
}

/** Compressed size of `bytes` at a zstd level (default 3, zstd's own default), or undefined without zstd-napi. */
export function zstdSize(bytes: Uint8Array, level = 3): number | undefined {
  const z = zstd();
  return z ? z.compress(bytes, { compressionLevel: level }).byteLength : undefined;
}
