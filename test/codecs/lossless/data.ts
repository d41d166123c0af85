/** Seeded characteristic tensors for the lossless codec tests. */
import { Rng } from '../../../src/random/rng.js';
import type { DType } from '../../../src/tensor/dtype.js';
import { Tensor } from '../../../src/tensor/tensor.js';

/** N(0, σ) weights in `dtype` (σ = 0.02, like trained transformer weights). */
export function weights(dtype: DType, n: number, seed: number, sigma = 0.02): Tensor {
  const x = new Rng(seed).normalArray(n);
  for (let i = 0; i < n; i++) x[i] *= sigma;
  return Tensor.fromF32As(dtype, x, [n]);
}

/** Post-ReLU activations: max(0, N(μ, 1)); μ sets the share of zeros. */
export function relu(dtype: DType, n: number, seed: number, mu = 0): Tensor {
  const x = new Rng(seed).normalArray(n);
  for (let i = 0; i < n; i++) x[i] = Math.max(0, x[i] + mu);
  return Tensor.fromF32As(dtype, x, [n]);
}

/** Random bytes of any dtype (every bit pattern possible: NaNs, -0, subnormals). */
export function randomBits(dtype: DType, n: number, bytesPer: number, seed: number): Tensor {
  return new Tensor(dtype, [n], new Rng(seed).bytes(n * bytesPer));
}

/** n elements that take only `k` distinct random bit patterns. */
export function fewValues(dtype: DType, n: number, bytesPer: number, k: number, seed: number): Tensor {
  const rng = new Rng(seed);
  const table = rng.bytes(k * bytesPer);
  const out = new Uint8Array(n * bytesPer);
  for (let i = 0; i < n; i++) {
    const c = rng.int(k);
    out.set(table.subarray(c * bytesPer, (c + 1) * bytesPer), i * bytesPer);
  }
  return new Tensor(dtype, [n], out);
}

/** Mostly zeros, a `density` share of random non-zero patterns. */
export function sparseBits(dtype: DType, n: number, bytesPer: number, density: number, seed: number): Tensor {
  const rng = new Rng(seed);
  const out = new Uint8Array(n * bytesPer);
  for (let i = 0; i < n; i++) {
    if (rng.next() >= density) continue;
    out[i * bytesPer] = 1 + rng.int(255); // non-zero pattern
    for (let q = 1; q < bytesPer; q++) out[i * bytesPer + q] = rng.int(256);
  }
  return new Tensor(dtype, [n], out);
}
