import { describe, expect, it } from 'vitest';
import { raw } from '../../../src/codecs/raw.js';
import { FormatError } from '../../../src/errors/index.js';
import { Rng } from '../../../src/random/rng.js';
import { type DType, DTYPES } from '../../../src/tensor/dtype.js';
import { Tensor } from '../../../src/tensor/tensor.js';

const ALL = Object.keys(DTYPES) as DType[];

describe('raw codec', () => {
  it('is lossless and exact for every dtype', () => {
    expect(raw.lossless).toBe(true);
    expect([...raw.exactFor].sort()).toEqual([...ALL].sort());
  });

  for (const dtype of ALL) {
    it(`round-trips ${dtype} bit-exactly (payload = the bytes unchanged)`, () => {
      const shape = [3, 5];
      const bytes = new Rng(7).bytes(15 * DTYPES[dtype].bytes);
      const t = new Tensor(dtype, shape, bytes);
      const p = raw.params();
      expect(raw.payloadBytes(shape, dtype, p)).toBe(bytes.byteLength);
      const payload = raw.encode(t, p);
      expect(payload).toEqual(bytes);
      const back = raw.decode(payload, shape, dtype, p);
      expect(back.dtype).toBe(dtype);
      expect(back.shape).toEqual(shape);
      expect(back.bytes).toEqual(bytes);
    });
  }

  it('encode returns a copy the caller may transfer without touching the tensor', () => {
    const t = Tensor.fromF32(new Float32Array([1, 2, 3]));
    const payload = raw.encode(t, raw.params());
    payload[0] = 0xff;
    expect(t.toF32()[0]).toBe(1);
  });

  it('rejects a payload of the wrong length with FormatError', () => {
    const p = raw.params();
    expect(() => raw.decode(new Uint8Array(11), [3], 'F32', p)).toThrow(FormatError);
    expect(() => raw.decode(new Uint8Array(13), [3], 'F32', p)).toThrow(/12 bytes/);
  });
});
