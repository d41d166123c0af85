import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../src/errors/index.js';
import {
  bf16ArrayToF32,
  bf16BitsToF32,
  f16ArrayToF32,
  f16BitsToF32,
  f32ArrayToBf16,
  f32ArrayToF16,
  f32ToBf16Bits,
  f32ToF16Bits,
} from '../../src/tensor/half.js';

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
const isF16NaN = (h: number): boolean => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
const isBf16NaN = (h: number): boolean => (h & 0x7f80) === 0x7f80 && (h & 0x7f) !== 0;

/** Independent f16 decode by formula (not the module's table). */
function f16Value(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1024 + m) * 2 ** (e - 25);
}

describe('f16', () => {
  it('decodes every bit pattern to its value', () => {
    for (let h = 0; h < 65536; h++) {
      const v = f16BitsToF32(h);
      const want = f16Value(h);
      if (Number.isNaN(want)) expect(Number.isNaN(v), `0x${h.toString(16)}`).toBe(true);
      else if (!Object.is(v, want)) expect(v, `0x${h.toString(16)}`).toBe(want);
    }
  });

  it('round-trips all 65536 patterns f16 -> f32 -> f16 (NaNs stay NaN)', () => {
    let bad = 0;
    for (let h = 0; h < 65536; h++) {
      const back = f32ToF16Bits(f16BitsToF32(h));
      if (isF16NaN(h)) {
        if (!isF16NaN(back) || (back & 0x8000) !== (h & 0x8000)) bad++;
      } else if (back !== h) bad++;
    }
    expect(bad).toBe(0);
  });

  it('round-trips all patterns through the array functions', () => {
    const all = new Uint16Array(65536);
    for (let h = 0; h < 65536; h++) all[h] = h;
    const back = f32ArrayToF16(f16ArrayToF32(all));
    let bad = 0;
    for (let h = 0; h < 65536; h++) {
      if (isF16NaN(h) ? !isF16NaN(back[h]) : back[h] !== h) bad++;
    }
    expect(bad).toBe(0);
  });

  it('rounds every tie between neighbours to the even code, and off-ties to the nearer', () => {
    let bad = 0;
    // Positive finite neighbours h, h+1 (0x7bff's neighbour is +inf).
    for (let h = 0; h < 0x7c00; h++) {
      const a = f16BitsToF32(h);
      const b = h + 1 === 0x7c00 ? 65536 : f16Value(h + 1); // rounding treats inf as the next step
      const mid = (a + b) / 2; // exact in f32: f16 has 11 significant bits
      if (Math.fround(mid) !== mid) bad++;
      const even = h % 2 === 0 ? h : h + 1;
      if (f32ToF16Bits(mid) !== even) bad++;
      if (f32ToF16Bits(-mid) !== (even | 0x8000)) bad++;
      const below = fromBits(bitsOf(mid) - 1);
      const above = fromBits(bitsOf(mid) + 1);
      if (mid > 0 && f32ToF16Bits(below) !== h) bad++;
      if (f32ToF16Bits(above) !== h + 1) bad++;
    }
    expect(bad).toBe(0);
  });

  it('handles the overflow boundary 65504 / 65520', () => {
    expect(f32ToF16Bits(65504)).toBe(0x7bff);
    expect(f32ToF16Bits(65519.996)).toBe(0x7bff);
    expect(f32ToF16Bits(65520)).toBe(0x7c00); // tie goes to the even code: infinity
    expect(f32ToF16Bits(-65520)).toBe(0xfc00);
    expect(f32ToF16Bits(1e9)).toBe(0x7c00);
    expect(f32ToF16Bits(Infinity)).toBe(0x7c00);
    expect(f32ToF16Bits(-Infinity)).toBe(0xfc00);
  });

  it('handles the subnormal edge: 2^-24, the 2^-25 tie and below', () => {
    expect(f32ToF16Bits(2 ** -24)).toBe(0x0001);
    expect(f16BitsToF32(0x0001)).toBe(2 ** -24);
    expect(f32ToF16Bits(2 ** -25)).toBe(0x0000); // tie between 0 and 2^-24 -> even (zero)
    expect(Object.is(f16BitsToF32(f32ToF16Bits(-(2 ** -25))), -0)).toBe(true);
    expect(f32ToF16Bits(fromBits(bitsOf(2 ** -25) + 1))).toBe(0x0001);
    expect(f32ToF16Bits(1.5 * 2 ** -24)).toBe(0x0002); // tie 1|2 -> 2
    expect(f32ToF16Bits(2.5 * 2 ** -24)).toBe(0x0002); // tie 2|3 -> 2
    expect(f32ToF16Bits(2 ** -26)).toBe(0x0000);
    expect(f32ToF16Bits(1e-45)).toBe(0x0000); // f32 subnormal
    expect(f32ToF16Bits(1023.5 * 2 ** -24)).toBe(0x0400); // largest subnormal tie -> smallest normal
    expect(f32ToF16Bits(2 ** -14)).toBe(0x0400);
  });

  it('keeps the sign of zero and makes NaN a quiet NaN', () => {
    expect(f32ToF16Bits(0)).toBe(0x0000);
    expect(f32ToF16Bits(-0)).toBe(0x8000);
    expect(Object.is(f16BitsToF32(0x8000), -0)).toBe(true);
    for (const bits of [0x7fc00000, 0x7f800001, 0xffc00000, 0x7fbfffff]) {
      const h = f32ToF16Bits(fromBits(bits));
      expect(isF16NaN(h)).toBe(true);
      expect(h & 0x0200).toBe(0x0200);
    }
  });

  it('rejects an output array that is too short', () => {
    expect(() => f32ArrayToF16(new Float32Array(4), new Uint16Array(3))).toThrow(ShapeError);
    expect(() => f16ArrayToF32(new Uint16Array(4), new Float32Array(3))).toThrow(ShapeError);
  });
});

describe('bf16', () => {
  it('round-trips all 65536 patterns (scalar and array); NaN stays a quiet NaN', () => {
    const all = new Uint16Array(65536);
    for (let h = 0; h < 65536; h++) all[h] = h;
    const viaArray = f32ArrayToBf16(bf16ArrayToF32(all));
    let bad = 0;
    for (let h = 0; h < 65536; h++) {
      const v = bf16BitsToF32(h);
      const scalar = f32ToBf16Bits(v);
      if (isBf16NaN(h)) {
        if (!Number.isNaN(v)) bad++;
        for (const back of [scalar, viaArray[h]]) {
          if (!isBf16NaN(back) || (back & 0x40) === 0 || (back & 0x8000) !== (h & 0x8000)) bad++;
        }
      } else {
        if (bitsOf(v) !== h << 16 >>> 0) bad++;
        if (scalar !== h || viaArray[h] !== h) bad++;
      }
    }
    expect(bad).toBe(0);
  });

  it('rounds every tie to the even code (scalar and array agree)', () => {
    const mids: number[] = [];
    const want: number[] = [];
    for (let h = 0; h < 0x7f80; h++) {
      // Midpoint of h and h+1 as f32 bits: h<<16 plus half a bf16 ulp.
      const mid = ((h << 16) | 0x8000) >>> 0;
      const even = h % 2 === 0 ? h : h + 1;
      mids.push(fromBits(mid), fromBits(mid | 0x80000000), fromBits(mid - 1), fromBits(mid + 1));
      want.push(even, even | 0x8000, h, h + 1);
    }
    const got = f32ArrayToBf16(new Float32Array(mids));
    let bad = 0;
    for (let i = 0; i < mids.length; i++) {
      if (got[i] !== want[i] || f32ToBf16Bits(mids[i]) !== want[i]) bad++;
    }
    expect(bad).toBe(0);
  });

  it('handles specific values', () => {
    expect(f32ToBf16Bits(1)).toBe(0x3f80);
    expect(f32ToBf16Bits(-2)).toBe(0xc000);
    expect(f32ToBf16Bits(-0)).toBe(0x8000);
    expect(f32ToBf16Bits(Infinity)).toBe(0x7f80);
    expect(f32ToBf16Bits(-Infinity)).toBe(0xff80);
    expect(f32ToBf16Bits(fromBits(0x7f7fffff))).toBe(0x7f80); // f32 max rounds up to inf
    expect(f32ToBf16Bits(fromBits(0x7f800001))).toBe(0x7fc0); // signalling NaN -> quiet
    expect(bf16BitsToF32(0x4049)).toBeCloseTo(3.140625, 10);
  });

  it('rejects an output array that is too short', () => {
    expect(() => f32ArrayToBf16(new Float32Array(4), new Uint16Array(3))).toThrow(ShapeError);
    expect(() => bf16ArrayToF32(new Uint16Array(4), new Float32Array(3))).toThrow(ShapeError);
  });
});
