/** Shared helpers for hive tests: seeded tensors and byte comparison. */
import { Rng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import type { DType } from '../../src/tensor/dtype.js';

export function gaussian(seed: number, shape: number[], dtype: DType = 'F32'): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return Tensor.fromF32As(dtype, new Rng(seed).normalArray(n), shape);
}

export function sameBytes(a: Tensor | undefined, b: Tensor): boolean {
  return a !== undefined && a.dtype === b.dtype && a.shape.join() === b.shape.join() && Buffer.from(a.bytes).equals(Buffer.from(b.bytes));
}
