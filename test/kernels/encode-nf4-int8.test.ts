/**
 * Native NF4 and INT8 encode (native/src/encode_nf4_int8.cc) vs the TS
 * encoders at every dispatch level: identical payload bytes (tolerance NONE)
 * for every block size / scheme / granularity on seeded data families
 * (midpoint ties, ±0, all-zero and constant groups, subnormal and huge
 * values), the same CodecError for NaN/±Infinity, typed errors for bad layouts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ArgumentError, CodecError } from '../../src/errors/index.js';
import { nf4 } from '../../src/codecs/nf4.js';
import { int8, type Int8Params } from '../../src/codecs/int8.js';
import { NF4_CODE } from '../../src/codecs/quant/nf4-code.js';
import { kernels } from '../../src/kernels/index.js';
import { nativeAddon } from '../../src/kernels/native.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { LEVELS, thrown, useLevel, withReference } from './native-helpers.js';

const map = (n: number, f: (i: number) => number): Float32Array => Float32Array.from({ length: n }, (_, i) => f(i));

// f32 values on both sides of each NF4 decision midpoint (blocks with absmax exactly 1).
const f = new Float32Array(1);
const u = new Uint32Array(f.buffer);
const NEAR_MIDS: number[] = [];
for (let i = 0; i < 15; i++) {
  f[0] = (NF4_CODE[i] + NF4_CODE[i + 1]) / 2;
  for (const d of [-1, 0, 1]) {
    const b = u[0];
    u[0] = b + d;
    NEAR_MIDS.push(f[0]);
    u[0] = b;
  }
}

const FAMILIES: readonly { name: string; make: (n: number, rng: Rng) => Float32Array }[] = [
  { name: 'normal', make: (n, rng) => rng.normalArray(n) },
  { name: 'around the NF4 midpoints', make: (n, rng) => map(n, (i) => (i % 16 === 0 ? 1 : NEAR_MIDS[rng.int(NEAR_MIDS.length)] * (rng.next() < 0.5 ? -1 : 1))) },
  { name: 'zeros and -0', make: (n, rng) => map(n, () => (rng.next() < 0.5 ? (rng.next() < 0.5 ? -0 : 0) : rng.normal())) },
  { name: 'all-zero and constant stretches', make: (n, rng) => map(n, (i) => (Math.floor(i / 40) % 3 === 0 ? 0 : Math.floor(i / 40) % 3 === 1 ? -2.5 : rng.normal())) },
  { name: 'integers and halves (INT8 rounding ties)', make: (n) => map(n, (i) => ((i * 37) % 509) / 2 - 127) },
  { name: 'subnormal', make: (n, rng) => map(n, () => 1e-42 * rng.normal()) },
  { name: 'huge (3e38)', make: (n, rng) => map(n, () => 3e38 * (2 * rng.next() - 1)) },
  { name: 'mixed scales', make: (n, rng) => map(n, (i) => rng.normal() * 10 ** ((Math.floor(i / 13) % 11) - 5)) },
];

function sameBytes(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

const NF4_CASES: readonly [blockSize: number, n: number][] = [[2, 7], [6, 61], [16, 33], [64, 1000], [64, 4096], [100, 333], [256, 1031], [4096, 9001]];

const INT8_VARIANTS: Partial<Int8Params>[] = [];
for (const scheme of ['symmetric', 'asymmetric'] as const) {
  INT8_VARIANTS.push({ scheme, granularity: 'tensor' });
  for (const blockSize of [64, 7, 1, 100]) INT8_VARIANTS.push({ scheme, granularity: 'block', blockSize });
  for (const axis of [0, 1, -1]) INT8_VARIANTS.push({ scheme, granularity: 'channel', axis });
}
const INT8_SHAPES = [[5, 6, 13], [3, 40, 37]];

afterEach(() => {
  vi.restoreAllMocks();
});

if (LEVELS.length === 0) {
  it('without the addon there are no native NF4 / INT8 encoders', () => {
    expect(kernels.nf4Quantize).toBeUndefined();
    expect(kernels.int8Quantize).toBeUndefined();
  });
}

for (const level of LEVELS) {
  describe(`nf4 and int8 encode at level ${level}`, () => {
    it('nf4: payload bytes equal the TS encoder, with and without double quantization', () => {
      useLevel(level);
      const spy = vi.spyOn(nativeAddon()!, 'nf4Quantize');
      let calls = 0;
      FAMILIES.forEach((fam, s) => {
        for (const [blockSize, n] of NF4_CASES) {
          for (const doubleQuant of [false, true]) {
            const p = nf4.params({ blockSize, doubleQuant });
            const t = Tensor.fromF32(fam.make(n, new Rng(500 + s)), [n]);
            const want = withReference(() => nf4.encode(t, p));
            const got = nf4.encode(t, p);
            calls++;
            expect(sameBytes(got, want), `${fam.name} blockSize ${blockSize} n ${n} dq ${doubleQuant}`).toBe(-1);
          }
        }
      });
      expect(spy).toHaveBeenCalledTimes(calls);
      spy.mockRestore();
    });

    it('int8: payload bytes equal the TS encoder for every scheme × granularity', () => {
      useLevel(level);
      const spy = vi.spyOn(nativeAddon()!, 'int8Quantize');
      let calls = 0;
      FAMILIES.forEach((fam, s) => {
        for (const shape of INT8_SHAPES) {
          const n = shape.reduce((a, b) => a * b, 1);
          const t = Tensor.fromF32(fam.make(n, new Rng(600 + s)), shape);
          for (const raw of INT8_VARIANTS) {
            const p = int8.params(raw);
            const want = withReference(() => int8.encode(t, p));
            const got = int8.encode(t, p);
            calls++;
            expect(sameBytes(got, want), `${fam.name} ${JSON.stringify(shape)} ${JSON.stringify(raw)}`).toBe(-1);
          }
        }
      });
      expect(spy).toHaveBeenCalledTimes(calls);
      spy.mockRestore();
    });

    it('NaN / ±Infinity anywhere: the same CodecError as the TS encoders', () => {
      useLevel(level);
      const rng = new Rng(7);
      const n = 777;
      for (const v of [NaN, Infinity, -Infinity]) {
        for (const at of [0, 5, 100, 400, n - 1]) {
          const x = rng.normalArray(n);
          x[at] = v;
          if (at > 0) x[at - 1] = Number.isNaN(v) ? Infinity : NaN; // an earlier bad element wins
          const t = Tensor.fromF32(x, [7, 111]);
          const cases: [string, () => unknown][] = [
            ...[false, true].map((dq) => [`nf4 dq ${dq}`, () => nf4.encode(t, nf4.params({ blockSize: 64, doubleQuant: dq }))] as [string, () => unknown]),
            ...INT8_VARIANTS.map((raw) => [`int8 ${JSON.stringify(raw)}`, () => int8.encode(t, int8.params(raw))] as [string, () => unknown]),
          ];
          for (const [label, run] of cases) {
            const ref = thrown(() => withReference(run));
            expect(ref?.name, label).toBe(CodecError.name);
            expect(thrown(run), `${label}: ${v} at ${at}`).toEqual(ref);
          }
        }
      }
    });

    it('bad layouts throw ArgumentError at the kernel boundary and RangeError in the addon', () => {
      useLevel(level);
      const x = new Float32Array(10);
      expect(() => kernels.nf4Quantize!(x, 4, new Float32Array(2), new Uint8Array(5), true)).toThrow(ArgumentError);
      expect(() => kernels.nf4Quantize!(x, 4, new Float32Array(3), new Uint8Array(4), true)).toThrow(/code bytes/);
      expect(() => kernels.nf4Quantize!(x, 3, new Float32Array(4), new Uint8Array(5), true)).toThrow(/blockSize/);
      expect(() => kernels.nf4Absmax!(x, 4, new Float32Array(2))).toThrow(/absmax/);
      expect(() => nativeAddon()!.nf4Quantize!(x, 4, new Float32Array(3), new Uint8Array(4), true)).toThrow(RangeError);
      expect(() => nativeAddon()!.nf4Absmax!(x, 5, new Float32Array(2))).toThrow(RangeError);
      const mins = new Float64Array(2);
      expect(() => kernels.int8MinMax!(x, 0, mins, new Float64Array(2))).toThrow(/run/);
      expect(() => kernels.int8MinMax!(x, 5, mins, new Float64Array(3))).toThrow(/maxs.length/);
      expect(() => kernels.int8Quantize!(x, new Float32Array(2), null, 5, new Int8Array(9))).toThrow(/q.length/);
      expect(() => kernels.int8Quantize!(x, new Float32Array(2), new Int32Array(1), 5, new Int8Array(10))).toThrow(/zps.length/);
      expect(() => kernels.int8Quantize!(x, new Float32Array(0), null, 5, new Int8Array(10))).toThrow(ArgumentError);
      expect(() => nativeAddon()!.int8Quantize!(x, new Float32Array(2), null, 0, new Int8Array(10))).toThrow(RangeError);
      expect(() => nativeAddon()!.int8MinMax!(x, 1, new Float64Array(0), new Float64Array(0))).toThrow(RangeError);
    });

    it('empty tensors encode as the TS encoders do', () => {
      useLevel(level);
      const t = Tensor.fromF32(new Float32Array(0), [0, 4]);
      for (const raw of INT8_VARIANTS.slice(0, 3)) {
        const p = int8.params(raw);
        expect(sameBytes(int8.encode(t, p), withReference(() => int8.encode(t, p)))).toBe(-1);
      }
      const p = nf4.params({});
      expect(sameBytes(nf4.encode(t, p), withReference(() => nf4.encode(t, p)))).toBe(-1);
    });
  });
}
