/**
 * The kernel table's byte-plane entries (kernels.planesMerge / planesSplit):
 * present exactly when native kernels are on, cleared by
 * setNativeKernels(false), the same bytes as the TS reference, and typed
 * argument errors (naming what is wrong) before the addon is reached.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors/index.js';
import { kernels, setNativeKernels } from '../../src/kernels/index.js';
import { mergePlanes, splitPlanes } from '../../src/codecs/lossless/planes.js';
import { Rng } from '../../src/random/rng.js';
import { LEVELS, useLevel, withReference } from './native-helpers.js';

afterAll(() => {
  if (LEVELS.length) useLevel(LEVELS[LEVELS.length - 1]);
});

describe('kernels.planesMerge / planesSplit', () => {
  it('are present exactly when native kernels are on, and cleared when turned off', () => {
    if (process.env.TENSORHIVE_REQUIRE_NATIVE === '1') expect(LEVELS.length).toBeGreaterThan(0);
    const on = setNativeKernels(true);
    expect(typeof kernels.planesMerge === 'function').toBe(on);
    expect(typeof kernels.planesSplit === 'function').toBe(on);
    withReference(() => {
      expect(kernels.planesMerge).toBeUndefined();
      expect(kernels.planesSplit).toBeUndefined();
    });
    expect(typeof kernels.planesMerge === 'function').toBe(on);
  });

  for (const level of LEVELS) {
    it(`${level}: split then merge through the table equal the TS reference`, () => {
      useLevel(level);
      const rng = new Rng(77);
      for (const [P, rotate] of [[1, false], [2, true], [3, false], [4, true], [8, false]] as const) {
        for (const n of [0, 1, 33, 1025]) {
          const src = rng.bytes(n * P);
          const ref = new Uint8Array(n * P);
          splitPlanes(src, n, P, rotate, ref);
          const got = new Uint8Array(n * P).fill(0xee);
          kernels.planesSplit!(src, P, rotate, got);
          expect(Buffer.from(got).equals(Buffer.from(ref)), `split P=${P} n=${n}`).toBe(true);

          const planes = Array.from({ length: P }, (_, k) => (k === 0 && n > 0 ? 0x3c : ref.subarray(k * n, (k + 1) * n)));
          const flat = new Uint8Array(n * P);
          planes.forEach((s, k) => (typeof s === 'number' ? flat.fill(s, k * n, (k + 1) * n) : flat.set(s, k * n)));
          const want = new Uint8Array(n * P);
          mergePlanes(flat, n, P, rotate, want);
          const out = new Uint8Array(n * P).fill(0xee);
          kernels.planesMerge!(planes, rotate, out);
          expect(Buffer.from(out).equals(Buffer.from(want)), `merge P=${P} n=${n}`).toBe(true);
        }
      }
    });
  }

  // Without the addon there are no entries to check (the first test asserts that).
  if (LEVELS.length) it('rejects bad arguments with an ArgumentError that names them', () => {
    setNativeKernels(true);
    const merge = kernels.planesMerge!;
    const split = kernels.planesSplit!;
    const bad: [() => void, RegExp][] = [
      [() => merge([], false, new Uint8Array(0)), /plane count must be 1\.\.8, got 0/],
      [() => merge(Array.from({ length: 9 }, () => 0), false, new Uint8Array(9)), /plane count must be 1\.\.8, got 9/],
      [() => merge([new Uint8Array(2), new Uint8Array(2), new Uint8Array(2)], true, new Uint8Array(6)), /rotate needs 2- or 4-byte elements, got 3/],
      [() => merge([new Uint8Array(2), new Uint8Array(2)], false, new Uint8Array(5)), /out\.length must be a multiple of 2 planes, got 5/],
      [() => merge([new Uint8Array(2), new Uint8Array(3)], false, new Uint8Array(4)), /plane 1 must hold out\.length \/ 2 = 2 bytes, got 3/],
      [() => merge([new Uint8Array(2), 256], false, new Uint8Array(4)), /constant plane 1 must be a byte 0\.\.255, got 256/],
      [() => merge([new Uint8Array(2), 1.5], false, new Uint8Array(4)), /constant plane 1 must be a byte 0\.\.255, got 1\.5/],
      [() => split(new Uint8Array(4), 0, false, new Uint8Array(4)), /plane count must be 1\.\.8, got 0/],
      [() => split(new Uint8Array(6), 3, true, new Uint8Array(6)), /rotate needs 2- or 4-byte elements, got 3/],
      [() => split(new Uint8Array(5), 2, false, new Uint8Array(5)), /src\.length must be a multiple of 2, got 5/],
      [() => split(new Uint8Array(4), 2, false, new Uint8Array(6)), /planes\.length must be src\.length = 4, got 6/],
    ];
    for (const [fn, message] of bad) {
      expect(fn).toThrow(ArgumentError);
      expect(fn).toThrow(message);
    }
  });
});
