import { describe, expect, it } from 'vitest';
import { ArgumentError, ShapeError } from '../../src/errors/index.js';
import { Rng } from '../../src/random/rng.js';
import {
  absmax,
  byteEntropy,
  compare,
  maxAbsError,
  mse,
  psnrDb,
  relativeError,
  sparsity,
  sqnrDb,
} from '../../src/tensor/stats.js';

describe('error statistics', () => {
  it('match hand-computed figures on a small case', () => {
    const ref = new Float32Array([1, 2, 3, 4]);
    const test = new Float32Array([1, 2, 3, 5]);
    expect(mse(ref, test)).toBe(0.25);
    expect(maxAbsError(ref, test)).toBe(1);
    expect(sqnrDb(ref, test)).toBeCloseTo(10 * Math.log10(30), 12); // Σref² = 30, Σe² = 1
    expect(psnrDb(ref, test)).toBeCloseTo(10 * Math.log10(16 / 0.25), 12); // peak 4
    expect(relativeError(ref, test)).toBeCloseTo(Math.sqrt(1 / 30), 14);
  });

  it('compare returns every figure at once, equal to the single functions', () => {
    const ref = [0.5, -1.5, 2, 0];
    const test = [0.25, -1, 2.5, 0.125];
    const s = compare(ref, test);
    expect(s).toEqual({
      n: 4,
      mse: mse(ref, test),
      maxAbsError: maxAbsError(ref, test),
      sqnrDb: sqnrDb(ref, test),
      psnrDb: psnrDb(ref, test),
      relativeError: relativeError(ref, test),
    });
    // Σe² = 0.0625 + 0.25 + 0.25 + 0.015625 = 0.578125; Σref² = 6.5; peak 2.
    expect(s.mse).toBe(0.578125 / 4);
    expect(s.maxAbsError).toBe(0.5);
    expect(s.sqnrDb).toBeCloseTo(10 * Math.log10(6.5 / 0.578125), 12);
    expect(s.psnrDb).toBeCloseTo(10 * Math.log10(4 / (0.578125 / 4)), 12);
  });

  it('reports exact matches as zero error and +Infinity dB', () => {
    const x = new Float32Array([1, -2, 0]);
    expect(compare(x, x.slice())).toEqual({ n: 3, mse: 0, maxAbsError: 0, sqnrDb: Infinity, psnrDb: Infinity, relativeError: 0 });
    expect(compare([], [])).toEqual({ n: 0, mse: 0, maxAbsError: 0, sqnrDb: Infinity, psnrDb: Infinity, relativeError: 0 });
    expect(compare([0, 0], [0, 0]).sqnrDb).toBe(Infinity);
  });

  it('a zero reference with a non-zero error gives −Infinity dB and infinite relative error', () => {
    const s = compare([0, 0], [1, 0]);
    expect(s.sqnrDb).toBe(-Infinity);
    expect(s.psnrDb).toBe(-Infinity);
    expect(s.relativeError).toBe(Infinity);
    expect(s.mse).toBe(0.5);
  });

  it('NaN anywhere makes every error figure NaN', () => {
    for (const [ref, test] of [
      [[1, 2, 3], [1, NaN, 3]],
      [[NaN, 2, 3], [1, 2, 3]],
      [[5, 2, 3], [5, 2, NaN]],
    ]) {
      const s = compare(ref, test);
      for (const k of ['mse', 'maxAbsError', 'sqnrDb', 'psnrDb', 'relativeError'] as const) {
        expect(Number.isNaN(s[k]), `${k} of ${JSON.stringify([ref, test])}`).toBe(true);
      }
    }
  });

  it('SQNR of x + noise matches the known signal-to-noise power ratio', () => {
    const rng = new Rng(42);
    const n = 200_000;
    const x = rng.normalArray(n, 2); // power 4
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) y[i] = x[i] + rng.normal() * 0.1; // noise power 0.01
    // 10·log10(4 / 0.01) = 26.02 dB; 200k samples estimate both powers within ~0.5%.
    expect(sqnrDb(x, y)).toBeGreaterThan(26.02 - 0.1);
    expect(sqnrDb(x, y)).toBeLessThan(26.02 + 0.1);
    expect(mse(x, y)).toBeCloseTo(0.01, 3);
    expect(relativeError(x, y)).toBeCloseTo(0.05, 3);
  });

  it('accumulates in float64 (a float32 sum would drift on long inputs)', () => {
    const n = 2_000_000;
    const ref = new Float32Array(n).fill(0.1);
    const test = new Float32Array(n).fill(0.1001);
    const d = Math.fround(0.1001) - Math.fround(0.1);
    expect(Math.abs(mse(ref, test) - d * d) / (d * d)).toBeLessThan(1e-9);
    const wantSqnr = 10 * Math.log10((Math.fround(0.1) * Math.fround(0.1)) / (d * d));
    expect(Math.abs(sqnrDb(ref, test) - wantSqnr)).toBeLessThan(1e-9);
  });

  it('rejects inputs of different lengths and non-arrays with typed errors', () => {
    expect(() => mse(new Float32Array(3), new Float32Array(4))).toThrow(ShapeError);
    expect(() => compare([1], [1, 2])).toThrow(/ref has 1 elements but test has 2/);
    expect(() => mse(null as unknown as number[], [1])).toThrow(ArgumentError);
    expect(() => sqnrDb([1], 3 as unknown as number[])).toThrow(ArgumentError);
  });
});

describe('content statistics', () => {
  it('sparsity counts exact zeros of either sign', () => {
    expect(sparsity(new Float32Array([0, -0, 1, NaN]))).toBe(0.5);
    expect(sparsity([1e-30, 2])).toBe(0);
    expect(sparsity(new Float32Array(10))).toBe(1);
    expect(sparsity([])).toBe(0);
  });

  it('absmax is the largest magnitude; NaN propagates', () => {
    expect(absmax(new Float32Array([-3, 2, 0.5]))).toBe(3);
    expect(absmax([Infinity, 1])).toBe(Infinity);
    expect(absmax([])).toBe(0);
    expect(absmax([1, NaN, 2])).toBeNaN();
    expect(absmax([NaN])).toBeNaN();
    expect(() => absmax(undefined as unknown as number[])).toThrow(ArgumentError);
  });

  it('byte entropy: constant 0 bits, uniform 8 bits, a known skewed case, random bytes near 8', () => {
    expect(byteEntropy(new Uint8Array(1000).fill(7))).toBe(0);
    const uniform = new Uint8Array(256 * 4);
    for (let i = 0; i < uniform.length; i++) uniform[i] = i & 0xff;
    expect(byteEntropy(uniform)).toBeCloseTo(8, 12);
    expect(byteEntropy(new Uint8Array([0, 1, 0, 1]))).toBeCloseTo(1, 12);
    expect(byteEntropy(new Uint8Array([0, 0, 0, 1]))).toBeCloseTo(-(0.75 * Math.log2(0.75) + 0.25 * Math.log2(0.25)), 12);
    const random = new Rng(3).bytes(1 << 18);
    expect(byteEntropy(random)).toBeGreaterThan(7.99);
    expect(byteEntropy(random)).toBeLessThanOrEqual(8);
    expect(byteEntropy(new Uint8Array(0))).toBe(0);
    expect(() => byteEntropy([1, 2] as unknown as Uint8Array)).toThrow(ArgumentError);
  });
});
