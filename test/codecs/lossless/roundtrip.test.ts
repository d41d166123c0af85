/**
 * Bit-exact round trips of every lossless codec, over every dtype it claims
 * and the edge cases that break value-based code: empty, all zeros, NaN
 * payloads, -0, subnormals, random bit patterns, single elements.
 */
import { describe, expect, it } from 'vitest';
import type { AnyCodec } from '../../../src/codecs/codec.js';
import { byteplane } from '../../../src/codecs/byteplane.js';
import { dict } from '../../../src/codecs/dict.js';
import { sparse } from '../../../src/codecs/sparse.js';
import { zerorun } from '../../../src/codecs/zerorun.js';
import { LOSSLESS_DTYPES } from '../../../src/codecs/lossless/elements.js';
import { DTypeError } from '../../../src/errors/index.js';
import { dtypeInfo, type DType } from '../../../src/tensor/dtype.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { fewValues, randomBits, relu, sparseBits, weights } from './data.js';

const CODECS: AnyCodec[] = [byteplane, zerorun, sparse, dict];

function roundTrip(c: AnyCodec, t: Tensor): Uint8Array {
  const p = c.params();
  c.check(t.shape, t.dtype, p);
  const payload = c.encode(t, p);
  expect(payload.byteLength).toBeLessThanOrEqual(c.payloadBytes(t.shape, t.dtype, p));
  const back = c.decode(payload, t.shape, t.dtype, p);
  expect(back.dtype).toBe(t.dtype);
  expect(back.shape).toEqual(t.shape);
  expect(Buffer.from(back.bytes).equals(Buffer.from(t.bytes))).toBe(true);
  return payload;
}

/** Special f32 bit patterns: +0, -0, quiet and signalling NaNs with payloads, ±Inf, subnormals, max. */
const SPECIAL_F32 = [0x00000000, 0x80000000, 0x7fc00001, 0xffc12345, 0x7f800001, 0x7f800000, 0xff800000, 0x00000001, 0x807fffff, 0x7f7fffff];

function specialF32(n: number): Tensor {
  const u = new Uint32Array(n);
  for (let i = 0; i < n; i++) u[i] = SPECIAL_F32[(i * 7) % SPECIAL_F32.length];
  return new Tensor('F32', [n], u);
}

describe.each(CODECS.map((c) => [c.name, c] as const))('%s', (_name, c) => {
  it('round-trips random bit patterns of every dtype it claims, bit-exact', () => {
    expect(c.exactFor).toEqual(LOSSLESS_DTYPES);
    LOSSLESS_DTYPES.forEach((dtype, k) => {
      const P = dtypeInfo(dtype).bytes;
      for (const n of [1, 2, 7, 333]) roundTrip(c, randomBits(dtype, n, P, 10 * k + n));
    });
  });

  it('round-trips characteristic data of every dtype: weights, ReLU, sparse, few values', () => {
    LOSSLESS_DTYPES.forEach((dtype, k) => {
      const P = dtypeInfo(dtype).bytes;
      const n = 2000;
      if (dtypeInfo(dtype).float) {
        roundTrip(c, weights(dtype, n, k));
        roundTrip(c, relu(dtype, n, k, -0.5));
      }
      roundTrip(c, sparseBits(dtype, n, P, 0.01, k));
      roundTrip(c, sparseBits(dtype, n, P, 0.3, k));
      roundTrip(c, fewValues(dtype, n, P, 3, k));
      roundTrip(c, fewValues(dtype, n, P, 200, k));
    });
  });

  it('round-trips edge cases: empty, all zeros, NaN payloads, -0, subnormals, shapes', () => {
    for (const dtype of ['F32', 'BF16', 'F16', 'I8', 'I64'] as DType[]) {
      roundTrip(c, Tensor.zeros(dtype, [0]));
      roundTrip(c, Tensor.zeros(dtype, [3, 0, 2]));
      roundTrip(c, Tensor.zeros(dtype, [4096]));
      roundTrip(c, Tensor.zeros(dtype, []));
    }
    roundTrip(c, specialF32(1000));
    roundTrip(c, new Tensor('F32', [2, 3], new Uint32Array([0x80000000, 0, 0x80000000, 0x7fc00001, 0, 0])));
    roundTrip(c, new Tensor('BF16', [4], new Uint16Array([0x8000, 0x7fc1, 0xffff, 0x0001])));
    // An unaligned view of the source bytes works too.
    const backing = new Uint8Array(4 * 100 + 1);
    backing.set(specialF32(100).bytes, 1);
    roundTrip(c, new Tensor('F32', [100], backing.subarray(1)));
  });

  it('never writes more than 1 + n·P bytes and stores incompressible data raw (mode 0)', () => {
    const t = randomBits('F32', 4096, 4, 5);
    const payload = roundTrip(c, t);
    expect(payload.byteLength).toBe(1 + 4096 * 4);
    expect(payload[0]).toBe(0);
  });

  it('refuses read-only dtypes with DTypeError naming the choices', () => {
    expect(() => c.check([4], 'F64', c.params())).toThrow(DTypeError);
    expect(() => c.check([4], 'F64', c.params())).toThrow(/F64 is read-only.*accepted: F32/);
  });

  it('rejects unknown params', () => {
    expect(() => c.params({ level: 3 })).toThrow(/params\.level is not a parameter/);
  });
});
