import { describe, expect, it } from 'vitest';
import { bf16, f16, f8e4m3, f8e5m2 } from '../../../src/codecs/casts.js';
import type { AnyCodec } from '../../../src/codecs/codec.js';
import { FormatError } from '../../../src/errors/index.js';
import { Rng } from '../../../src/random/rng.js';
import { type DType, DTYPES } from '../../../src/tensor/dtype.js';
import { Tensor } from '../../../src/tensor/tensor.js';

const ALL = Object.keys(DTYPES) as DType[];

const CASTS: { codec: AnyCodec; to: DType; exact: DType[]; maxRel: number; minNormal: number; max: number }[] = [
  { codec: f16, to: 'F16', exact: ['F16', 'F8_E4M3', 'F8_E5M2', 'I8', 'U8', 'BOOL'], maxRel: 2 ** -11, minNormal: 2 ** -14, max: 65504 },
  { codec: bf16, to: 'BF16', exact: ['BF16', 'F8_E4M3', 'F8_E5M2', 'I8', 'U8', 'BOOL'], maxRel: 2 ** -8, minNormal: 2 ** -126, max: 3e38 },
  { codec: f8e4m3, to: 'F8_E4M3', exact: ['F8_E4M3', 'BOOL'], maxRel: 2 ** -4, minNormal: 2 ** -6, max: 448 },
  { codec: f8e5m2, to: 'F8_E5M2', exact: ['F8_E5M2', 'BOOL'], maxRel: 2 ** -3, minNormal: 2 ** -14, max: 57344 },
];

/** Every bit pattern of a dtype (BOOL: its two values). */
function allValues(dtype: DType): Tensor {
  if (dtype === 'BOOL') return new Tensor('BOOL', [2], new Uint8Array([0, 1]));
  const size = DTYPES[dtype].bytes;
  if (size === 1) return new Tensor(dtype, [256], Uint8Array.from({ length: 256 }, (_, i) => i));
  if (size === 2) return new Tensor(dtype, [65536], Uint16Array.from({ length: 65536 }, (_, i) => i));
  throw new Error(`no exhaustive generator for ${dtype}`);
}

function roundTrip(codec: AnyCodec, t: Tensor): Tensor {
  const p = codec.params();
  const payload = codec.encode(t, p);
  expect(payload.byteLength).toBe(codec.payloadBytes(t.shape, t.dtype, p));
  return codec.decode(payload, t.shape, t.dtype, p);
}

/** Values that show a dtype is NOT exactly representable in a cast dtype. */
const CANDIDATES = [1 + 2 ** -20, 1 + 2 ** -10, 2049, 257, 17, 1.125, 2 ** 100, 57344, 2 ** -20, 1e6];

describe('cast codecs', () => {
  for (const { codec, to, exact, maxRel, minNormal, max } of CASTS) {
    describe(codec.name, () => {
      it('declares the expected exactFor list', () => {
        expect(codec.family).toBe('cast');
        expect(codec.lossless).toBe(false);
        expect([...codec.exactFor].sort()).toEqual([...exact].sort());
      });

      for (const src of exact) {
        it(`represents every ${src} value exactly (decoded ${to} value === source value)`, () => {
          const t = allValues(src);
          const dec = roundTrip(codec, t);
          expect(dec.dtype).toBe(to);
          expect(dec.shape).toEqual(t.shape);
          const a = t.toF32();
          const b = dec.toF32();
          for (let i = 0; i < a.length; i++) {
            // Object.is: -0 must stay -0, NaN must stay NaN (its sign/payload
            // bits are canonicalized by the f32 conversions, as documented).
            if (!Object.is(a[i], b[i])) throw new Error(`${src} element ${i} (${a[i]}) came back as ${b[i]}`);
          }
          // And converting back gives the source bytes, except where the
          // saturating fp8 writer maps ±Infinity to ±max and NaN payloads.
          const back = dec.to(src);
          const size = DTYPES[src].bytes;
          for (let i = 0; i < a.length; i++) {
            if (!Number.isFinite(a[i])) continue;
            for (let k = 0; k < size; k++) {
              if (back.bytes[i * size + k] !== t.bytes[i * size + k]) throw new Error(`${src} element ${i} bytes differ`);
            }
          }
        });
      }

      it('is not exact for any dtype outside exactFor (a counterexample exists)', () => {
        for (const src of ALL.filter((d) => !exact.includes(d) && !DTYPES[d].readOnly)) {
          const found = CANDIDATES.some((v) => {
            const t = Tensor.fromF32As(src, new Float32Array([v]));
            if (t.toF32()[0] !== Math.fround(v)) return false; // not a value of src
            return roundTrip(codec, t).toF32()[0] !== t.toF32()[0];
          });
          expect(found, `${codec.name} should be inexact for ${src}`).toBe(true);
        }
      });

      it(`keeps relative error <= ${maxRel} on normal-range f32 values`, () => {
        const rng = new Rng(11);
        const lo = Math.log2(minNormal);
        const hi = Math.log2(max) - 0.01;
        const x = new Float32Array(4096);
        for (let i = 0; i < x.length; i++) x[i] = (rng.next() < 0.5 ? -1 : 1) * 2 ** rng.uniform(lo, hi);
        const y = roundTrip(codec, Tensor.fromF32(x)).toF32();
        let worst = 0;
        for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(y[i] - x[i]) / Math.abs(x[i]));
        expect(worst).toBeLessThanOrEqual(maxRel);
        expect(worst).toBeGreaterThan(maxRel / 4); // the bound is tight, not vacuous
      });

      it('rejects a payload of the wrong length with FormatError', () => {
        const p = codec.params();
        const n = codec.payloadBytes([4], 'F32', p);
        expect(() => codec.decode(new Uint8Array(n + 1), [4], 'F32', p)).toThrow(FormatError);
        expect(() => codec.decode(new Uint8Array(n - 1), [4], 'F32', p)).toThrow(FormatError);
      });
    });
  }

  it("writes the cast dtype's little-endian bytes", () => {
    const t = Tensor.fromF32(new Float32Array([1, -2]));
    expect([...f16.encode(t, {})]).toEqual([0x00, 0x3c, 0x00, 0xc0]);
    expect([...bf16.encode(t, {})]).toEqual([0x80, 0x3f, 0x00, 0xc0]);
    expect([...f8e4m3.encode(t, {})]).toEqual([0x38, 0xc0]);
    expect([...f8e5m2.encode(t, {})]).toEqual([0x3c, 0xc0]);
  });

  it('fp8 casts saturate instead of overflowing', () => {
    const t = Tensor.fromF32(new Float32Array([1e6, -1e6]));
    expect(f8e4m3.decode(f8e4m3.encode(t, {}), [2], 'F32', {}).toF32()).toEqual(new Float32Array([448, -448]));
    expect(f8e5m2.decode(f8e5m2.encode(t, {}), [2], 'F32', {}).toF32()).toEqual(new Float32Array([57344, -57344]));
  });

  it('casts from any input dtype through its f32 value', () => {
    const t = new Tensor('I32', [3], new Int32Array([-3, 0, 100000]));
    expect([...bf16.decode(bf16.encode(t, {}), [3], 'I32', {}).toF32()]).toEqual([-3, 0, 99840]);
  });
});
