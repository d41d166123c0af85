/** Batch delta: XOR mode bit-exact and far smaller than byteplane on near-identical states; q8 mode bounded relative to the delta. */
import { describe, expect, it } from 'vitest';
import { byteplane } from '../../../src/codecs/byteplane.js';
import { delta, deltaCodecs, deltaDecode, deltaEncode } from '../../../src/codecs/delta.js';
import { deltaQ8 } from '../../../src/codecs/delta-q8.js';
import { referenceChecksum } from '../../../src/codecs/lossless/delta-reference.js';
import { ArgumentError, CodecError, DTypeError, IntegrityError, ShapeError } from '../../../src/errors/index.js';
import { Rng } from '../../../src/random/rng.js';
import type { DType } from '../../../src/tensor/dtype.js';
import { sqnrDb } from '../../../src/tensor/stats.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { sameBytes } from './same-bytes.js';

const SHAPE = [128, 512];
const N = 128 * 512;

/** A reference state and the next one: each weight moved by a relative `noise`. */
function states(dtype: DType, noise: number, seed: number): { ref: Tensor; cur: Tensor } {
  const rng = new Rng(seed);
  const w = rng.normalArray(N);
  const y = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    w[i] *= 0.02;
    y[i] = w[i] * (1 + noise * rng.normal());
  }
  return { ref: Tensor.fromF32As(dtype, w, SHAPE), cur: Tensor.fromF32As(dtype, y, SHAPE) };
}

describe('delta (xor)', () => {
  for (const [dtype, margin] of [['BF16', 3], ['F16', 2], ['F32', 1.3]] as const) {
    it(`${dtype}: bit-exact, and at least ${margin}x smaller than byteplane alone on near-identical states`, () => {
      const { ref, cur } = states(dtype, 1e-3, 1);
      const e = deltaEncode(cur, { name: 'ckpt/step-100', tensor: ref });
      expect(e.codec.name).toBe('delta');
      expect(e.params).toEqual({ ref: 'ckpt/step-100', refChecksum: referenceChecksum(ref) });
      expect(sameBytes(deltaDecode(e, ref).bytes, cur.bytes)).toBe(true);
      const plain = byteplane.encode(cur, {}).byteLength;
      expect(plain / e.payload.byteLength).toBeGreaterThan(margin);
    });
  }

  it('keeps every bit pattern (NaN payloads, -0, subnormals) through any reference', () => {
    const rng = new Rng(2);
    const cur = new Tensor('F32', [300], rng.bytes(1200));
    const ref = new Tensor('F32', [300], rng.bytes(1200));
    const e = deltaEncode(cur, { name: 'r', tensor: ref });
    expect(sameBytes(deltaDecode(e, ref).bytes, cur.bytes)).toBe(true);
  });

  it('the zero reference (ref "") makes the registry row round-trip on its own, as byteplane', () => {
    const { cur } = states('BF16', 1e-3, 3);
    const p = delta.params();
    expect(p).toEqual({ ref: '', refChecksum: 0 });
    const payload = delta.encode(cur, p);
    expect(sameBytes(payload, byteplane.encode(cur, {}))).toBe(true);
    expect(sameBytes(delta.decode(payload, cur.shape, cur.dtype, p).bytes, cur.bytes)).toBe(true);
  });

  it('decoding without the reference is a CodecError naming it; a wrong reference is an IntegrityError', () => {
    const { ref, cur } = states('BF16', 1e-3, 4);
    const e = deltaEncode(cur, { name: 'base-model', tensor: ref });
    expect(() => delta.decode(e.payload, cur.shape, cur.dtype, e.params)).toThrow(CodecError);
    expect(() => delta.decode(e.payload, cur.shape, cur.dtype, e.params)).toThrow(/reference tensor "base-model"/);
    expect(() => delta.encode(cur, e.params)).toThrow(/needs reference tensor "base-model"/);
    expect(() => deltaDecode(e, cur)).toThrow(IntegrityError);
    expect(() => deltaDecode(e, cur)).toThrow(/reference "base-model".*crc32/);
    // A codec bound to a resolver finds it by name.
    const bound = deltaCodecs((name) => (name === 'base-model' ? ref : undefined));
    expect(sameBytes(bound.delta.decode(e.payload, cur.shape, cur.dtype, e.params).bytes, cur.bytes)).toBe(true);
  });

  it('refuses references of another shape or dtype and bad params, naming them', () => {
    const { ref, cur } = states('F32', 1e-3, 5);
    expect(() => deltaEncode(cur, { name: 'r', tensor: new Tensor('F32', [N], ref.bytes) })).toThrow(ShapeError);
    expect(() => deltaEncode(cur, { name: 'r', tensor: ref.to('BF16') })).toThrow(DTypeError);
    expect(() => deltaEncode(cur, { name: '', tensor: ref })).toThrow(/reference\.name must be/);
    expect(() => deltaEncode(cur, { name: 'r', tensor: ref }, 'q4' as never)).toThrow(ArgumentError);
    expect(() => delta.params({ ref: '', refChecksum: 5 })).toThrow(/params\.refChecksum must be 0/);
    expect(() => delta.params({ ref: 3 })).toThrow(/params\.ref must be/);
    expect(() => delta.params({ refChecksum: -1, ref: 'x' })).toThrow(/params\.refChecksum must be a u32/);
  });
});

describe('delta_q8', () => {
  it('quantizes the difference: SQNR ≥ 40 dB relative to the delta, far above Q8_0 on the state itself', () => {
    for (const dtype of ['F32', 'BF16'] as const) {
      const { ref, cur } = states(dtype, 1e-2, 6);
      const e = deltaEncode(cur, { name: 'prev', tensor: ref }, 'q8');
      expect(e.codec.name).toBe('delta_q8');
      expect(e.payload.byteLength).toBe(4 + (N / 32) * 34);
      const back = deltaDecode(e, ref);
      expect(back.dtype).toBe('F32');
      const r = ref.toF32();
      const x = cur.toF32();
      const y = back.toF32();
      const d = new Float32Array(N);
      const dq = new Float32Array(N);
      for (let i = 0; i < N; i++) {
        d[i] = x[i] - r[i];
        dq[i] = y[i] - r[i];
      }
      expect(sqnrDb(d, dq)).toBeGreaterThanOrEqual(40);
      expect(sqnrDb(x, y)).toBeGreaterThan(75); // Q8_0 on x itself: ~45 dB
    }
  });

  it('tiny deltas keep their precision (the tensor scale keeps fp16 block scales normal)', () => {
    const { ref, cur } = states('F32', 1e-5, 7);
    const e = deltaEncode(cur, { name: 'prev', tensor: ref }, 'q8');
    const y = deltaDecode(e, ref).toF32();
    const r = ref.toF32();
    const x = cur.toF32();
    const d = x.map((v, i) => v - r[i]);
    const dq = y.map((v, i) => v - r[i]);
    expect(sqnrDb(d, dq)).toBeGreaterThanOrEqual(38);
  });

  it('with the zero reference it is Q8_0 of the tensor (row default), and needs the named reference otherwise', () => {
    const t = new Tensor('F32', [1000], new Rng(8).normalArray(1000)); // not a multiple of 32: last block padded
    const p = deltaQ8.params();
    const payload = deltaQ8.encode(t, p);
    expect(payload.byteLength).toBe(deltaQ8.payloadBytes(t.shape, t.dtype, p));
    expect(sqnrDb(t.toF32(), deltaQ8.decode(payload, t.shape, t.dtype, p).toF32())).toBeGreaterThan(40);
    expect(() => deltaQ8.decode(payload, t.shape, t.dtype, { ref: 'x', refChecksum: 1 })).toThrow(/needs reference tensor "x"/);
  });
});
