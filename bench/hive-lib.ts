/**
 * The BUILT package for the hive bench (dist/, as users run it; `npm run
 * build` first). The Hive facade is taken from the package root when it is
 * exported there, else from dist/src/hive/; null when it is not built yet.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { HiveStats } from '../src/hive/types.js';
import type { Tensor } from '../src/tensor/tensor.js';

export type Lib = typeof import('../src/index.js');

/** The Hive API the bench uses (src/hive/types.ts). */
export interface HiveLike {
  put(key: string, tensor: Tensor, options?: { codec?: string; tier?: 'gpu' | 'ram' | 'disk' }): Promise<unknown>;
  get(key: string): Promise<Tensor>;
  stats(): Promise<HiveStats>;
  stop(): Promise<void>;
}
export interface HiveClass {
  start(options: Record<string, unknown>): Promise<HiveLike>;
}

export async function loadBuilt(): Promise<{ lib: Lib; Hive: HiveClass | null }> {
  const index = new URL('../dist/src/index.js', import.meta.url);
  if (!existsSync(fileURLToPath(index))) throw new Error('bench/hive measures the built package: run `npm run build` first (dist/src/index.js is missing)');
  const lib = (await import(index.href)) as Lib;
  let Hive = (lib as unknown as { Hive?: HiveClass }).Hive ?? null;
  for (const f of ['../dist/src/hive/index.js', '../dist/src/hive/hive.js']) {
    if (Hive) break;
    const url = new URL(f, import.meta.url);
    if (existsSync(fileURLToPath(url))) Hive = ((await import(url.href)) as { Hive?: HiveClass }).Hive ?? null;
  }
  return { lib, Hive };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
