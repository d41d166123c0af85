import { describe, expect, it } from 'vitest';
import { bf16, f16, f8e4m3, f8e5m2 } from '../../../src/codecs/casts.js';
import type { AnyCodec } from '../../../src/codecs/codec.js';
import { int8 } from '../../../src/codecs/int8.js';
import { nf4 } from '../../../src/codecs/nf4.js';
import { raw } from '../../../src/codecs/raw.js';
import { ArgumentError } from '../../../src/errors/index.js';

function expectBad(codec: AnyCodec, params: Record<string, unknown>, name: string): void {
  let err: unknown;
  try {
    codec.params(params);
  } catch (e) {
    err = e;
  }
  expect(err, `${codec.name} ${JSON.stringify(params)}`).toBeInstanceOf(ArgumentError);
  expect((err as Error).message).toContain(`params.${name}`);
}

describe('codec params', () => {
  it('fill in defaults', () => {
    expect(nf4.params()).toEqual({ blockSize: 64, doubleQuant: false });
    expect(nf4.params({ blockSize: 128, doubleQuant: true })).toEqual({ blockSize: 128, doubleQuant: true });
    expect(int8.params()).toEqual({ scheme: 'symmetric', granularity: 'block', axis: 0, blockSize: 64 });
    expect(int8.params({ scheme: 'asymmetric', granularity: 'channel', axis: -1 })).toEqual({
      scheme: 'asymmetric',
      granularity: 'channel',
      axis: -1,
      blockSize: 64,
    });
    for (const c of [raw, f16, bf16, f8e4m3, f8e5m2]) expect(c.params({})).toEqual({});
  });

  it('nf4 rejects bad values naming the parameter', () => {
    for (const v of [0, -2, 3, 1.5, '64', null, 2 ** 31, NaN]) expectBad(nf4, { blockSize: v }, 'blockSize');
    for (const v of [1, 'true', null]) expectBad(nf4, { doubleQuant: v }, 'doubleQuant');
    expectBad(nf4, { blocksize: 64 }, 'blocksize');
  });

  it('int8 rejects bad values naming the parameter', () => {
    for (const v of ['sym', 1, null]) expectBad(int8, { scheme: v }, 'scheme');
    for (const v of ['row', 'channels', 0]) expectBad(int8, { granularity: v }, 'granularity');
    for (const v of [0.5, 8, -9, '0']) expectBad(int8, { axis: v }, 'axis');
    for (const v of [0, -1, 2.5, 2 ** 31, '64']) expectBad(int8, { blockSize: v }, 'blockSize');
    expectBad(int8, { zeroPoint: 3 }, 'zeroPoint');
  });

  it('raw and casts take no parameters', () => {
    for (const c of [raw, f16, bf16, f8e4m3, f8e5m2]) expectBad(c, { blockSize: 32 }, 'blockSize');
  });

  it('rejects params that are not an object', () => {
    expect(() => nf4.params([] as unknown as Record<string, unknown>)).toThrow(ArgumentError);
    expect(() => int8.params('x' as unknown as Record<string, unknown>)).toThrow(/params for int8 must be an object/);
  });
});
