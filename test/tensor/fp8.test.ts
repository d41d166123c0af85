import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/random/rng.js';
import { e4m3BitsToF32, e5m2BitsToF32, f32ToE4M3Bits, f32ToE5M2Bits } from '../../src/tensor/fp8.js';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function fromBits(b: number): number {
  u32[0] = b >>> 0;
  return f32[0];
}
function bitsOf(x: number): number {
  f32[0] = x;
  return u32[0];
}

interface Variant {
  name: string;
  encode: (x: number) => number;
  decode: (b: number) => number;
  mantBits: number;
  bias: number;
  /** E5M2 has IEEE infinities/NaNs; E4M3FN only S.1111.111 is NaN. */
  ieee: boolean;
  max: number;
  maxCode: number;
  nanCode: number;
  minSubnormal: number;
  minNormal: number;
}

/** Value of a code by the OCP formula, written independently of the module's tables. */
function refValue(v: Variant, code: number): number {
  const s = code & 0x80 ? -1 : 1;
  const e = (code & 0x7f) >>> v.mantBits;
  const m = code & ((1 << v.mantBits) - 1);
  const expMax = (0x7f >>> v.mantBits);
  if (v.ieee && e === expMax) return m === 0 ? s * Infinity : NaN;
  if (!v.ieee && (code & 0x7f) === 0x7f) return NaN;
  if (e === 0) return s * m * 2 ** (1 - v.bias - v.mantBits);
  return s * (1 + m / 2 ** v.mantBits) * 2 ** (e - v.bias);
}

/** Slow reference encoder: nearest finite code of the same sign, ties to the even code, ±Inf -> ±max. */
function refEncode(v: Variant, x: number): number {
  const signBit = (bitsOf(x) >>> 24) & 0x80;
  if (Number.isNaN(x)) return signBit | v.nanCode;
  // Saturation is part of the spec; it also keeps the distance search below to
  // values where float64 differences are exact enough to rank neighbours.
  if (Math.abs(x) >= v.max) return signBit | v.maxCode;
  let best = -1;
  let bestDist = Infinity;
  for (let c = signBit; c < signBit + 128; c++) {
    const val = refValue(v, c);
    if (!Number.isFinite(val)) continue;
    const d = Math.abs(val - x);
    if (d < bestDist || (d === bestDist && (c & 1) === 0)) {
      best = c;
      bestDist = d;
    }
  }
  return best;
}

const E4M3: Variant = {
  name: 'E4M3',
  encode: f32ToE4M3Bits,
  decode: e4m3BitsToF32,
  mantBits: 3,
  bias: 7,
  ieee: false,
  max: 448,
  maxCode: 0x7e,
  nanCode: 0x7f,
  minSubnormal: 2 ** -9,
  minNormal: 2 ** -6,
};
const E5M2: Variant = {
  name: 'E5M2',
  encode: f32ToE5M2Bits,
  decode: e5m2BitsToF32,
  mantBits: 2,
  bias: 15,
  ieee: true,
  max: 57344,
  maxCode: 0x7b,
  nanCode: 0x7e,
  minSubnormal: 2 ** -16,
  minNormal: 2 ** -14,
};

const sameCode = (v: Variant, a: number, b: number): boolean =>
  Number.isNaN(refValue(v, a)) ? Number.isNaN(refValue(v, b)) && (a & 0x80) === (b & 0x80) : a === b;

describe.each([E4M3, E5M2])('$name', (v) => {
  it('decodes all 256 codes to the OCP values', () => {
    for (let c = 0; c < 256; c++) {
      const want = refValue(v, c);
      const got = v.decode(c);
      if (Number.isNaN(want)) expect(Number.isNaN(got), `code 0x${c.toString(16)}`).toBe(true);
      else expect(Object.is(got, want), `code 0x${c.toString(16)}: ${got} vs ${want}`).toBe(true);
    }
    expect(v.decode(v.maxCode)).toBe(v.max);
    expect(v.decode(v.maxCode | 0x80)).toBe(-v.max);
    expect(v.decode(1)).toBe(v.minSubnormal);
  });

  it('round-trips all 256 codes through f32 (NaN codes stay NaN of the same sign)', () => {
    for (let c = 0; c < 256; c++) {
      const back = v.encode(v.decode(c));
      const val = refValue(v, c);
      if (Number.isNaN(val)) expect(back).toBe((c & 0x80) | v.nanCode);
      else if (!Number.isFinite(val)) expect(back).toBe((c & 0x80) | v.maxCode); // E5M2 inf saturates
      else expect(back, `code 0x${c.toString(16)}`).toBe(c);
    }
  });

  it('saturates out-of-range values and infinities', () => {
    expect(v.decode(v.encode(1e6))).toBe(v.max);
    expect(v.decode(v.encode(-1e6))).toBe(-v.max);
    expect(v.encode(Infinity)).toBe(v.maxCode);
    expect(v.encode(-Infinity)).toBe(0x80 | v.maxCode);
    expect(v.encode(3.4e38)).toBe(v.maxCode);
    expect(v.encode(v.max * 1.07)).toBe(v.maxCode); // past the "next" step: still max, never NaN/inf
  });

  it('keeps NaN as NaN and zeros signed', () => {
    expect(v.encode(NaN)).toBe(v.nanCode);
    expect(v.encode(fromBits(0xffc00000))).toBe(0x80 | v.nanCode);
    expect(v.encode(fromBits(0x7f800001))).toBe(v.nanCode);
    expect(v.encode(0)).toBe(0x00);
    expect(v.encode(-0)).toBe(0x80);
    expect(Object.is(v.decode(0x80), -0)).toBe(true);
  });

  it('handles subnormals: smallest, ties to zero and to even, the subnormal/normal edge', () => {
    const s = v.minSubnormal;
    expect(v.encode(s)).toBe(0x01);
    expect(v.encode(s / 2)).toBe(0x00); // tie 0|1 -> 0
    expect(v.encode(-s / 2)).toBe(0x80);
    expect(v.encode(fromBits(bitsOf(s / 2) + 1))).toBe(0x01);
    expect(v.encode(1.5 * s)).toBe(0x02); // tie 1|2 -> 2
    expect(v.encode(2.5 * s)).toBe(0x02); // tie 2|3 -> 2
    expect(v.encode(1e-40)).toBe(0x00); // an f32 subnormal
    expect(v.encode(v.minNormal)).toBe(1 << v.mantBits);
    expect(v.encode(v.minNormal - s / 2)).toBe(1 << v.mantBits); // tie largest subnormal (odd) | min normal
  });

  it('rounds every tie between neighbouring codes to the even code', () => {
    let bad = 0;
    for (let c = 0; c < v.maxCode; c++) {
      const a = refValue(v, c);
      const b = refValue(v, c + 1);
      const mid = (a + b) / 2;
      const even = c % 2 === 0 ? c : c + 1;
      if (Math.fround(mid) !== mid) bad++;
      if (v.encode(mid) !== even || v.encode(-mid) !== (even | 0x80)) bad++;
      if (mid > 0 && v.encode(fromBits(bitsOf(mid) - 1)) !== c) bad++;
      if (v.encode(fromBits(bitsOf(mid) + 1)) !== c + 1) bad++;
    }
    expect(bad).toBe(0);
  });

  it('matches the slow nearest-code reference on many seeded random values', () => {
    const rng = new Rng(0xf8 + v.mantBits);
    let bad = 0;
    let firstBad = '';
    const check = (x: number): void => {
      const xf = Math.fround(x);
      const got = v.encode(xf);
      const want = refEncode(v, xf);
      if (!sameCode(v, got, want)) {
        bad++;
        firstBad ||= `${xf} (bits 0x${bitsOf(xf).toString(16)}): got 0x${got.toString(16)}, want 0x${want.toString(16)}`;
      }
    };
    for (let i = 0; i < 4000; i++) {
      check(fromBits(rng.nextU32())); // any f32 bit pattern, NaN and inf included
      check(rng.normal() * 2 ** (rng.int(40) - 20)); // gaussian at many scales
      // Values near the representable range: within a few steps of a random code.
      const c = rng.int(256);
      const base = refValue(v, c);
      if (Number.isFinite(base)) {
        const step = Math.max(Math.abs(base) * 2 ** -v.mantBits, v.minSubnormal);
        check(base + (rng.next() - 0.5) * 2 * step);
        check(base + step / 2);
      }
    }
    expect(firstBad).toBe('');
    expect(bad).toBe(0);
  });

  it('encodes an array of a million values without per-call allocation', () => {
    // Behavioural check only (no timing): a large batch encodes and decodes consistently.
    const rng = new Rng(7);
    const x = rng.normalArray(1 << 20, v.max / 8);
    const codes = new Uint8Array(x.length);
    for (let i = 0; i < x.length; i++) codes[i] = v.encode(x[i]);
    let bad = 0;
    for (let i = 0; i < x.length; i += 997) if (codes[i] !== refEncode(v, x[i])) bad++;
    expect(bad).toBe(0);
  });
});
