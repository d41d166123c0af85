/**
 * The native byte-plane kernels (native/src/planes.cc via
 * mergePlaneSources / splitPlanesFast) against the TS reference
 * (mergePlanes / splitPlanes) at every dispatch level: every element size,
 * with and without the sign rotation, lengths around each SIMD width, planes
 * given as constants; then the byteplane codec end to end (F32, F16, BF16
 * and integer dtypes, long enough for the multi-chain Huffman decode), with
 * the same bytes and the same typed error on every corruption; and the
 * argument checks of the addon exports.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { byteplane } from '../../src/codecs/byteplane.js';
import { type PlaneSource, mergePlaneSources, mergePlanes, splitPlanes, splitPlanesFast } from '../../src/codecs/lossless/planes.js';
import { kernelLevels, setKernelLevel } from '../../src/kernels/index.js';
import { nativeAddon } from '../../src/kernels/native.js';
import { Rng } from '../../src/random/rng.js';
import type { DType } from '../../src/tensor/dtype.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { LEVELS, thrown, useLevel, withReference } from './native-helpers.js';

const LENGTHS = [0, 1, 2, 3, 15, 31, 32, 33, 63, 64, 65, 127, 128, 129, 1000, 4095, 4096, 4097, 9001];
/** [P, rotate] pairs the codec uses (rotation only for 2- and 4-byte floats). */
const SHAPES: [number, boolean][] = [[1, false], [2, false], [2, true], [4, false], [4, true], [8, false]];

function same(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0;
}

const best = LEVELS[LEVELS.length - 1];
afterAll(() => {
  if (best) useLevel(best);
});

describe('byte planes: native vs TS', () => {
  it('has the addon exports exactly when the addon is loaded', () => {
    if (process.env.TENSORHIVE_REQUIRE_NATIVE === '1') expect(LEVELS.length).toBeGreaterThan(0);
    const a = nativeAddon();
    expect(typeof a?.planesMerge === 'function').toBe(LEVELS.length > 0);
    expect(typeof a?.planesSplit === 'function').toBe(LEVELS.length > 0);
  });

  // Without the addon both paths are the TS reference: the checks still hold.
  for (const level of LEVELS.length ? LEVELS : ['ts']) {
    it(`${level}: split and merge match the reference for every size, rotation and length`, () => {
      if (level !== 'ts') useLevel(level);
      const rng = new Rng(51);
      for (const [P, rotate] of SHAPES) {
        for (const n of LENGTHS) {
          const src = rng.bytes(n * P);
          const ref = new Uint8Array(n * P);
          splitPlanes(src, n, P, rotate, ref);
          const got = new Uint8Array(n * P).fill(0xa5);
          splitPlanesFast(src, n, P, rotate, got);
          expect(same(got, ref), `split P=${P} rotate=${rotate} n=${n}`).toBe(true);

          // Merge from the planes (as arrays at odd offsets), then with some planes constant.
          const back = new Uint8Array(n * P).fill(0x5a);
          const shifted = new Uint8Array(n * P + 1).subarray(1);
          shifted.set(ref);
          mergePlaneSources(Array.from({ length: P }, (_, k) => shifted.subarray(k * n, (k + 1) * n)), n, rotate, back);
          expect(same(back, src), `merge P=${P} rotate=${rotate} n=${n}`).toBe(true);

          const sources: PlaneSource[] = Array.from({ length: P }, (_, k) => (k % 2 === 0 ? rng.int(256) : ref.subarray(k * n, (k + 1) * n)));
          const planes = new Uint8Array(n * P);
          sources.forEach((s, k) => (typeof s === 'number' ? planes.fill(s, k * n, (k + 1) * n) : planes.set(s, k * n)));
          const want = new Uint8Array(n * P);
          mergePlanes(planes, n, P, rotate, want);
          const gotC = new Uint8Array(n * P);
          mergePlaneSources(sources, n, rotate, gotC);
          expect(same(gotC, want), `merge with constants P=${P} rotate=${rotate} n=${n}`).toBe(true);
        }
      }
    });
  }

  if (LEVELS.length > 0) it('merges every 16- and 32-bit pattern class (sign, NaN, -0, subnormal) exactly', () => {
    const pats = [0, 1, 0x7fff, 0x8000, 0xffff, 0x7c01, 0x7f80, 0x0001];
    const n = 4 * 64 + 3;
    for (const P of [2, 4]) {
      const src = new Uint8Array(n * P);
      for (let i = 0; i < src.length; i++) src[i] = (pats[i % pats.length] >> (8 * (i % 2))) & 255;
      const planes = new Uint8Array(n * P);
      splitPlanes(src, n, P, true, planes);
      for (const level of LEVELS) {
        useLevel(level);
        const out = new Uint8Array(n * P);
        mergePlaneSources(Array.from({ length: P }, (_, k) => planes.subarray(k * n, (k + 1) * n)), n, true, out);
        expect(same(out, src), `${level} P=${P}`).toBe(true);
      }
    }
  });

  if (LEVELS.length > 0) it('checks its arguments in C++ (RangeError, nothing written)', () => {
    const a = nativeAddon()!;
    const out = new Uint8Array(8);
    const p4 = new Uint8Array(4);
    expect(() => a.planesMerge!([p4, p4], true, new Uint8Array(7))).toThrow(RangeError); // not whole elements
    expect(() => a.planesMerge!([p4, new Uint8Array(3)], false, out)).toThrow(RangeError); // plane too short
    expect(() => a.planesMerge!([p4, 256], false, out)).toThrow(RangeError); // constant out of range
    expect(() => a.planesMerge!([p4, 1.5], false, out)).toThrow(RangeError);
    expect(() => a.planesMerge!([p4, new Int8Array(4) as unknown as Uint8Array], false, out)).toThrow(RangeError);
    expect(() => a.planesMerge!([], false, out)).toThrow(RangeError);
    expect(() => a.planesMerge!(Array.from({ length: 9 }, () => 0), false, new Uint8Array(9))).toThrow(RangeError);
    expect(() => a.planesMerge!([1, 2, 3, 4, 5, 6, 7, 8], true, out)).toThrow(RangeError); // rotate with P = 8
    expect(() => a.planesSplit!(out, 3, false, out)).toThrow(RangeError); // 8 bytes are not whole 3-byte elements
    expect(() => a.planesSplit!(out, 8, true, out)).toThrow(RangeError);
    expect(() => a.planesSplit!(out, 4, false, new Uint8Array(4))).toThrow(RangeError);
    expect(() => a.planesSplit!(out, 0, false, out)).toThrow(RangeError);
  });
});

/** Weight-like values (σ = 0.02) in `dtype`, n elements. */
function weightsOf(dtype: DType, n: number, seed: number): Tensor {
  const x = new Rng(seed).normalArray(n);
  for (let i = 0; i < n; i++) x[i] *= 0.02;
  return Tensor.fromF32As(dtype, x, [n]);
}

describe('byteplane decode: native planes and Huffman vs TS', () => {
  const rng = new Rng(52);
  // 150k elements: Huffman streams past 64 KiB take the multi-chain decode.
  const cases: [string, Tensor][] = [
    ['F32', weightsOf('F32', 150_000, 53)],
    ['F16', weightsOf('F16', 150_001, 54)],
    ['BF16', weightsOf('BF16', 150_003, 55)],
    // bf16 values stored as F32: two constant low planes.
    ['F32 from bf16', Tensor.fromF32As('F32', weightsOf('BF16', 20_001, 56).toF32(), [20_001])],
    ['I32', new Tensor('I32', [5003], Uint8Array.from({ length: 4 * 5003 }, (_, i) => (i % 4 === 0 ? rng.int(7) : i % 4 === 1 ? rng.int(256) : 0)))],
    ['I16 odd', new Tensor('I16', [333], Uint8Array.from({ length: 666 }, (_, i) => (i % 2 === 0 ? rng.int(256) : 0)))],
  ];
  for (const [label, t] of cases) {
    it(`${label}: every level decodes the same bytes and throws the same error on every corruption`, () => {
      const p = byteplane.params();
      const payload = byteplane.encode(t, p);
      const refPayload = withReference(() => byteplane.encode(t, p));
      expect(same(payload, refPayload), 'native encode = TS encode').toBe(true);
      expect(payload[0]).toBe(1);
      const r = new Rng(57);
      const bads = Array.from({ length: 12 }, (_, k) => {
        const bad = payload.slice();
        for (let f = 0; f <= k % 3; f++) bad[r.int(bad.length)] ^= 1 << r.int(8);
        return k % 4 === 0 ? bad.subarray(0, r.int(bad.length)) : bad;
      });
      const ref = bads.map((bad) => thrown(() => withReference(() => byteplane.decode(bad, t.shape, t.dtype, p))));
      for (const level of LEVELS) {
        useLevel(level);
        expect(same(byteplane.decode(payload, t.shape, t.dtype, p).bytes, t.bytes), `${level}`).toBe(true);
        bads.forEach((bad, k) => expect(thrown(() => byteplane.decode(bad, t.shape, t.dtype, p)), `${level} corruption ${k}`).toEqual(ref[k]));
      }
      expect(same(withReference(() => byteplane.decode(payload, t.shape, t.dtype, p)).bytes, t.bytes)).toBe(true);
    });
  }
});

// kernelLevels is [] without the addon; setKernelLevel then refuses every name.
describe('levels', () => {
  it('lists the levels the parity loops ran over', () => {
    expect(kernelLevels()).toEqual(LEVELS);
    if (LEVELS.length === 0) expect(() => setKernelLevel('avx2')).toThrow();
  });
});
