/**
 * Dispatch levels of the native kernels: which this machine supports, which
 * is in use, and switching (process-wide; for tests and benchmarks). The
 * level is picked once when the addon loads — the best the CPU has, or the
 * one TENSORHIVE_SIMD=scalar|avx2|avx512 names.
 */
import { ArgumentError } from '../errors/index.js';
import { nativeAddon } from './native.js';

/** Levels the addon supports on this CPU (e.g. ['scalar', 'avx2', 'avx512']); [] without the addon. */
export function kernelLevels(): string[] {
  return nativeAddon()?.levels() ?? [];
}

/** The level in use: a native level name, or 'ts' when running on TS kernels. */
export function kernelLevel(): string {
  return nativeAddon()?.level() ?? 'ts';
}

/** Switch the native dispatch level; throws ArgumentError naming the choices. */
export function setKernelLevel(name: string): void {
  const a = nativeAddon();
  const levels = a?.levels() ?? [];
  if (!a || !levels.includes(name) || !a.setLevel(name)) {
    throw new ArgumentError(`level must be one of ${levels.length ? levels.join(', ') : '(none: native kernels not loaded)'}, got ${JSON.stringify(name)}`);
  }
}
