/** packed: entropy-coded quantized payloads are smaller than GGUF's bytes and decode to the inner codec's exact numbers. */
import { describe, expect, it } from 'vitest';
import { packed } from '../../../src/codecs/packed.js';
import { codecByName } from '../../../src/codecs/registry.js';
import { ArgumentError, ShapeError } from '../../../src/errors/index.js';
import { Rng } from '../../../src/random/rng.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { sameBytes } from './same-bytes.js';

const t = new Tensor('F32', [256, 512], new Rng(11).normalArray(256 * 512));

/** Bits per weight packed must reach on N(0,1) (measured: q8_0 8.03, q4_0 4.14; see docs/codecs-lossless.md). */
const CASES: [string, Record<string, unknown>, number][] = [
  ['q8_0', {}, 8.2],
  ['q4_0', {}, 4.3],
  ['q4_1', {}, 4.7],
  ['q5_0', {}, 5.45],
  ['q5_1', {}, 5.8],
  ['q4_k', {}, 4.4],
  ['q6_k', {}, 6.5],
  ['nf4', {}, 4.4],
  ['nf4', { doubleQuant: true, blockSize: 32 }, 4.45],
  ['int8', { scheme: 'asymmetric', granularity: 'channel' }, 8.2],
];

describe('packed', () => {
  for (const [inner, extra, maxBits] of CASES) {
    it(`${inner} ${JSON.stringify(extra)}: smaller than the inner payload (< ${maxBits} bits/weight), bit-identical decode`, () => {
      const c = codecByName(inner);
      const ip = c.params(extra);
      const p = packed.params({ inner, ...extra });
      const base = c.encode(t, ip);
      const payload = packed.encode(t, p);
      expect(payload[0]).toBe(1);
      expect(payload.byteLength).toBeLessThan(base.byteLength);
      expect(payload.byteLength).toBeLessThanOrEqual(packed.payloadBytes(t.shape, t.dtype, p));
      expect((payload.byteLength * 8) / t.numel).toBeLessThan(maxBits);
      expect(sameBytes(packed.decode(payload, t.shape, t.dtype, p).bytes, c.decode(base, t.shape, t.dtype, ip).bytes)).toBe(true);
    });
  }

  it('stores the inner payload when coding does not pay (tiny tensor), still exact', () => {
    const small = new Tensor('F32', [32], new Rng(12).normalArray(32));
    const p = packed.params({ inner: 'q4_0' });
    const payload = packed.encode(small, p);
    expect(payload[0]).toBe(0);
    expect(payload.byteLength).toBe(1 + 18);
    expect(sameBytes(packed.decode(payload, small.shape, 'F32', p).bytes, codecByName('q4_0').decode(payload.subarray(1), small.shape, 'F32', {}).bytes)).toBe(true);
  });

  it('checks params and shapes through the inner codec', () => {
    expect(packed.params()).toEqual({ inner: 'q8_0' });
    expect(packed.params({ inner: 'nf4' })).toEqual({ inner: 'nf4', ...codecByName('nf4').params() });
    expect(() => packed.params({ inner: 'zstd' })).toThrow(/params\.inner must be one of/);
    expect(() => packed.params({ inner: 'q4_0', blockSize: 64 })).toThrow(ArgumentError);
    expect(() => packed.check([40, 50], 'F32', packed.params({ inner: 'q4_0' }))).toThrow(ShapeError);
  });
});
