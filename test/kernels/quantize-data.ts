/**
 * Seeded input families for the quantizer parity tests: the shapes of data
 * that exercise every branch of the GGML reference quantizers (ties, zeros,
 * ±0, all-zero blocks, first-of-equal-magnitude maxima, huge and tiny
 * magnitudes, subnormals).
 */
import { Rng } from '../../src/random/rng.js';

export interface DataFamily {
  readonly name: string;
  /** `blocks` blocks of `qk` values. */
  make(blocks: number, qk: number, rng: Rng): Float32Array;
}

const map = (n: number, f: (i: number) => number): Float32Array => Float32Array.from({ length: n }, (_, i) => f(i));

export const FAMILIES: readonly DataFamily[] = [
  { name: 'normal', make: (b, qk, rng) => rng.normalArray(b * qk) },
  { name: 'uniform', make: (b, qk, rng) => map(b * qk, () => 2 * rng.next() - 1) },
  { name: 'ggml cos', make: (b, qk) => map(b * qk, (i) => 0.1 + 2 * Math.cos(i)) },
  { name: 'with zeros and -0', make: (b, qk, rng) => map(b * qk, () => (rng.next() < 0.4 ? (rng.next() < 0.5 ? -0 : 0) : rng.normal())) },
  {
    name: 'all-zero blocks',
    make: (b, qk, rng) => {
      const x = rng.normalArray(b * qk);
      for (let k = 0; k < b; k += 2) x.fill(k % 4 === 0 ? 0 : -0, k * qk, (k + 1) * qk);
      return x;
    },
  },
  {
    name: 'constant and one-sided blocks',
    make: (b, qk, rng) => map(b * qk, (i) => {
      const blk = Math.floor(i / qk);
      return blk % 3 === 0 ? 1.25 : blk % 3 === 1 ? Math.abs(rng.normal()) + 3 : -Math.abs(rng.normal()) - 0.5;
    }),
  },
  // Q6_K's SIMD fit runs one 16-element sub-block per lane: zero and tiny
  // (< 1e-15, ggml's GROUP_MAX_EPS) sub-blocks next to ordinary ones.
  {
    name: 'zero and tiny sub-blocks among normal ones',
    make: (b, qk, rng) => map(b * qk, (i) => {
      const sub = Math.floor(i / 16) % 5;
      return sub === 0 ? 0 : sub === 1 ? 1e-17 * rng.normal() : sub === 3 ? -0 : rng.normal();
    }),
  },
  // Integers and halves: exact multiples of the scale and rounding ties.
  { name: 'ties', make: (b, qk) => map(b * qk, (i) => ((i * 7) % 33 - 16) / 2) },
  // Equal magnitudes of both signs: the reference keeps the first.
  { name: 'equal ± maxima', make: (b, qk, rng) => map(b * qk, (i) => (i % 5 === 0 ? (rng.next() < 0.5 ? 4 : -4) : 3.9 * (2 * rng.next() - 1))) },
  { name: 'large (4e4, every type encodes it)', make: (b, qk, rng) => map(b * qk, () => 4e4 * rng.normal()) },
  { name: 'tiny (1e-6)', make: (b, qk, rng) => map(b * qk, () => 1e-6 * rng.normal()) },
  { name: 'subnormal', make: (b, qk, rng) => map(b * qk, () => 1e-41 * rng.normal()) },
  { name: 'mixed scales', make: (b, qk, rng) => map(b * qk, (i) => rng.normal() * 10 ** ((Math.floor(i / 16) % 11) - 6)) },
];
