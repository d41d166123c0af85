import { describe, expect, it } from 'vitest';
import { type Int8Params, int8 } from '../../../src/codecs/int8.js';
import { CodecError, FormatError, ShapeError } from '../../../src/errors/index.js';
import { Rng } from '../../../src/random/rng.js';
import { sqnrDb } from '../../../src/tensor/stats.js';
import { Tensor } from '../../../src/tensor/tensor.js';

const N = 1 << 20;
const gauss = new Rng(99).normalArray(N);
const P = (raw: Record<string, unknown> = {}): Int8Params => int8.params(raw);

function encode(x: Float32Array, p: Int8Params, shape: number[] = [x.length]): Uint8Array {
  const payload = int8.encode(Tensor.fromF32(x, shape), p);
  expect(payload.byteLength).toBe(int8.payloadBytes(shape, 'F32', p));
  return payload;
}

function roundTrip(x: Float32Array, p: Int8Params, shape: number[] = [x.length]): Float32Array {
  const t = int8.decode(encode(x, p, shape), shape, 'F32', p);
  expect(t.dtype).toBe('F32');
  expect(t.shape).toEqual(shape);
  return t.toF32();
}

/** A [rows, cols] matrix whose rows (axis 0) or columns (axis 1) span 1e-3 .. 1e3. */
function skewed(rows: number, cols: number, axis: 0 | 1): Float32Array {
  const rng = new Rng(5);
  const x = new Float32Array(rows * cols);
  const count = axis === 0 ? rows : cols;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const k = axis === 0 ? r : c;
      x[r * cols + c] = rng.normal() * 10 ** (-3 + (6 * k) / (count - 1));
    }
  }
  return x;
}

describe('int8 codec', () => {
  it('reaches >= 44 dB SQNR per-block-64 symmetric on N(0,1) (REFERENCE: 44.5)', () => {
    expect(sqnrDb(gauss, roundTrip(gauss, P()))).toBeGreaterThanOrEqual(44);
  });

  it('quantizes known values: round half away from zero, [-127, 127]', () => {
    const x = new Float32Array([1, -0.5, 0.25, 0, -1]);
    const p = P({ granularity: 'tensor' });
    const payload = encode(x, p);
    expect(new DataView(payload.buffer).getFloat32(0, true)).toBe(Math.fround(1 / 127));
    // -0.5*127 = -63.5 -> -64; 0.25*127 = 31.75 -> 32
    expect([...new Int8Array(payload.buffer, 4)]).toEqual([127, -64, 32, 0, -127]);
  });

  it('asymmetric maps min to -128 and max to 127 with an int32 zero point', () => {
    const x = new Float32Array([2, 3, 4, 12]);
    const p = P({ scheme: 'asymmetric', granularity: 'tensor' });
    const payload = encode(x, p);
    const dv = new DataView(payload.buffer);
    const scale = dv.getFloat32(0, true);
    expect(scale).toBe(Math.fround(10 / 255));
    expect(dv.getInt32(4, true)).toBe(Math.round(-128 - 2 / scale));
    const q = new Int8Array(payload.buffer, 8);
    expect(q[0]).toBe(-128);
    expect(q[3]).toBe(127);
    const y = int8.decode(payload, [4], 'F32', p).toF32();
    for (let i = 0; i < 4; i++) expect(Math.abs(y[i] - x[i])).toBeLessThanOrEqual(scale / 2 + 1e-6);
  });

  for (const axis of [0, 1] as const) {
    it(`per-channel along axis ${axis} beats per-tensor when channel ranges differ`, () => {
      const x = skewed(64, 48, axis);
      const chan = P({ granularity: 'channel', axis });
      const yc = roundTrip(x, chan, [64, 48]);
      const yt = roundTrip(x, P({ granularity: 'tensor' }), [64, 48]);
      expect(sqnrDb(x, yc)).toBeGreaterThan(sqnrDb(x, yt));
      // Every channel keeps ~int8 precision relative to its own range.
      const chans = axis === 0 ? 64 : 48;
      const payload = encode(x, chan, [64, 48]);
      const scales = new Float32Array(payload.buffer, 0, chans);
      for (let k = 0; k < chans; k++) {
        let amax = 0;
        for (let j = 0; j < (axis === 0 ? 48 : 64); j++) amax = Math.max(amax, Math.abs(x[axis === 0 ? k * 48 + j : j * 48 + k]));
        expect(scales[k]).toBe(Math.fround(amax / 127));
      }
      // Negative axis counts from the end.
      const neg = encode(x, P({ granularity: 'channel', axis: axis - 2 }), [64, 48]);
      expect(neg).toEqual(payload);
    });
  }

  it('per-channel works on the middle axis of a 3-D tensor', () => {
    const x = new Rng(8).normalArray(3 * 5 * 7);
    for (let i = 0; i < x.length; i++) if (Math.floor(i / 7) % 5 === 2) x[i] *= 1000;
    const y = roundTrip(x, P({ granularity: 'channel', axis: 1 }), [3, 5, 7]);
    for (let i = 0; i < x.length; i++) {
      if (Math.floor(i / 7) % 5 !== 2) expect(Math.abs(y[i] - x[i])).toBeLessThan(0.05);
    }
  });

  it('asymmetric beats symmetric on ReLU outputs', () => {
    const relu = gauss.map((v) => Math.max(0, v));
    for (const granularity of ['block', 'tensor'] as const) {
      const sym = sqnrDb(relu, roundTrip(relu, P({ granularity })));
      const asym = sqnrDb(relu, roundTrip(relu, P({ granularity, scheme: 'asymmetric' })));
      expect(asym).toBeGreaterThan(sym + 3);
    }
  });

  it('decodes all-zero and constant blocks exactly (no 0/0)', () => {
    const x = new Float32Array(64 * 4);
    x.fill(-2.75, 128, 192);
    for (let i = 192; i < 256; i++) x[i] = gauss[i];
    for (const scheme of ['symmetric', 'asymmetric']) {
      const y = roundTrip(x, P({ scheme }));
      expect([...y.subarray(0, 128)].every((v) => v === 0)).toBe(true);
      if (scheme === 'asymmetric') expect([...y.subarray(128, 192)].every((v) => v === -2.75)).toBe(true);
    }
    expect([...roundTrip(new Float32Array(10), P({ scheme: 'asymmetric', granularity: 'tensor' }))]).toEqual(
      new Array(10).fill(0),
    );
  });

  it('handles a short last block, odd shapes and empty tensors', () => {
    const x = gauss.subarray(0, 100);
    const p = P({ blockSize: 64 });
    expect(int8.payloadBytes([100], 'F32', p)).toBe(2 * 4 + 100);
    expect(sqnrDb(x, roundTrip(x, p))).toBeGreaterThan(40);
    const e = P({ granularity: 'channel', axis: 1 });
    expect(int8.payloadBytes([0, 3], 'F32', e)).toBe(12);
    expect(roundTrip(new Float32Array(0), e, [0, 3]).length).toBe(0);
  });

  it('validates the channel axis against the shape in check()', () => {
    const p = P({ granularity: 'channel', axis: 2 });
    expect(() => int8.check([4, 4], 'F32', p)).toThrow(ShapeError);
    expect(() => int8.check([4, 4], 'F32', p)).toThrow(/params\.axis/);
    expect(() => int8.check([], 'F32', P({ granularity: 'channel' }))).toThrow(ShapeError);
    expect(() => int8.check([4, 4], 'F32', P({ granularity: 'channel', axis: -3 }))).toThrow(ShapeError);
    expect(() => int8.check([4, 4, 4], 'F32', p)).not.toThrow();
  });

  it('refuses NaN or infinite input with CodecError naming the element', () => {
    const x = new Float32Array(10);
    x[4] = -Infinity;
    expect(() => int8.encode(Tensor.fromF32(x), P())).toThrow(CodecError);
    expect(() => int8.encode(Tensor.fromF32(x), P())).toThrow(/element 4/);
  });

  it('decodes from an unaligned payload', () => {
    const x = gauss.subarray(0, 300);
    const p = P({ scheme: 'asymmetric' });
    const payload = encode(x, p);
    const shifted = new Uint8Array(payload.byteLength + 3).subarray(3);
    shifted.set(payload);
    expect(int8.decode(shifted, [300], 'F32', p).toF32()).toEqual(int8.decode(payload, [300], 'F32', p).toF32());
  });

  describe('malformed payloads', () => {
    const x = gauss.subarray(0, 256);
    const p = P({ scheme: 'asymmetric' });
    const good = encode(x, p);

    it('rejects a wrong length', () => {
      expect(() => int8.decode(good.subarray(1), [256], 'F32', p)).toThrow(FormatError);
      expect(() => int8.decode(good, [256], 'F32', P())).toThrow(FormatError);
    });

    it('rejects NaN, infinite or negative scales', () => {
      for (const v of [NaN, -Infinity, Infinity, -1]) {
        const b = good.slice();
        new DataView(b.buffer).setFloat32(8, v, true);
        expect(() => int8.decode(b, [256], 'F32', p)).toThrow(/int8\.scale\[2\]/);
      }
    });

    it('saturates instead of overflowing to Infinity on a garbled zero point', () => {
      const b = good.slice();
      const dv = new DataView(b.buffer);
      dv.setFloat32(0, 3e38, true);
      dv.setInt32(16, 2 ** 31 - 1, true);
      const y = int8.decode(b, [256], 'F32', p).toF32();
      for (const v of y) expect(Number.isFinite(v)).toBe(true);
    });
  });
});
