/**
 * Byte sizes as people write them: 4096, '64MiB', '2GiB', '512kB', '1.5GB'.
 * Binary units (KiB, MiB, GiB, TiB) are powers of 1024, decimal units (kB,
 * MB, GB, TB) powers of 1000; 'B' or no unit is bytes. Fractions are allowed
 * when the result is a whole number of bytes after rounding down.
 */
import { ArgumentError } from '../errors/index.js';
import type { ByteSize } from './types.js';

const UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  tb: 1000 ** 4,
};

const PATTERN = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/;

/**
 * Parse `value` into a byte count (a non-negative safe integer). `name` is the
 * option's name for the error message: `options.tiers.ram must be …`.
 */
export function parseByteSize(value: ByteSize, name: string): number {
  let bytes: number;
  if (typeof value === 'number') {
    bytes = value;
  } else if (typeof value === 'string') {
    const m = PATTERN.exec(value);
    const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
    if (!m || unit === undefined) {
      throw new ArgumentError(`${name} must be a byte size like 4096, '64MiB', '2GiB' or '512kB', got ${JSON.stringify(value)}`);
    }
    bytes = Math.floor(Number(m[1]) * unit);
  } else {
    throw new ArgumentError(`${name} must be a number of bytes or a string like '64MiB', got ${value === null ? 'null' : typeof value}`);
  }
  if (!Number.isSafeInteger(bytes) || bytes < 0) {
    throw new ArgumentError(`${name} must be a non-negative whole number of bytes (at most 2^53 - 1), got ${JSON.stringify(value)}`);
  }
  return bytes;
}

/** '1.50 MiB' style, for notices and reports. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(2)} ${units[i]}`;
}
