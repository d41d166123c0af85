/** Shared helpers for hive tests: seeded tensors, byte comparison, and hives that clean up after themselves. */
import { afterEach } from 'vitest';
import { Hive, type HiveOptions } from '../../src/hive/index.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import type { DType } from '../../src/tensor/dtype.js';
import { tempDir } from '../helpers/tmp.js';

export function gaussian(seed: number, shape: number[], dtype: DType = 'F32'): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return Tensor.fromF32As(dtype, new Rng(seed).normalArray(n), shape);
}

export function sameBytes(a: Tensor | undefined, b: Tensor): boolean {
  return a !== undefined && a.dtype === b.dtype && a.shape.join() === b.shape.join() && Buffer.from(a.bytes).equals(Buffer.from(b.bytes));
}

/**
 * A `start(options)` for one test file: each hive gets its own temporary
 * directory, and every hive started in a test is stopped (and its directory
 * removed) after it. Call at the top level of the test file.
 */
export function hiveStarter(prefix: string, defaults: HiveOptions = {}): (options?: HiveOptions) => Promise<Hive> {
  const open: Array<{ hive: Hive; cleanup: () => Promise<void> }> = [];
  afterEach(async () => {
    for (const { hive, cleanup } of open.splice(0)) {
      await hive.stop();
      await cleanup();
    }
  });
  return async (options = {}) => {
    const { dir, cleanup } = await tempDir(prefix);
    const hive = await Hive.start({ dir, ...defaults, ...options });
    open.push({ hive, cleanup });
    return hive;
  };
}
