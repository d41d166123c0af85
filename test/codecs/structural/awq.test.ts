import { describe, expect, it } from 'vitest';
import { awq, awqAlpha, awqEncode } from '../../../src/codecs/awq.js';
import { awqSearch, outputError, AWQ_ALPHAS } from '../../../src/codecs/structural/awq-search.js';
import { ShapeError, TensorhiveError } from '../../../src/errors/index.js';
import { Rng } from '../../../src/random/rng.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { mutate } from './mutate.js';

const OUT = 64;
const IN = 256;
/** Input channels whose activations are large (AWQ's "salient" channels). */
const OUTLIERS = [3, 70, 129, 200, 251];

/** Activations [tokens, IN]: N(0,1) per channel, the outlier channels ×30 with a bias. */
function activations(tokens: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const x = rng.normalArray(tokens * IN);
  for (let t = 0; t < tokens; t++) for (const c of OUTLIERS) x[t * IN + c] = 30 * (1 + 0.3 * x[t * IN + c]);
  return x;
}

function outputErr(w: Float32Array, wq: Float32Array, x: Float32Array, tokens: number): number {
  const e = new Float32Array(w.length);
  for (let i = 0; i < w.length; i++) e[i] = w[i] - wq[i];
  return outputError(x, tokens, e, OUT, IN);
}

describe('awq codec', () => {
  const w = Tensor.fromF32(new Rng(1).normalArray(OUT * IN), [OUT, IN]);
  const p = awq.params({});

  it('beats plain INT4 g128 on held-out activations of a layer with outlier input channels', () => {
    const calib = activations(256, 2);
    const heldOut = activations(256, 3); // a different seed: never seen by the search
    const { payload, alpha } = awqEncode(w, { values: calib, tokens: 256 }, p);
    expect(alpha).toBeGreaterThan(0);
    expect(awqAlpha(payload)).toBeCloseTo(alpha, 6);
    const plain = awq.encode(w, p);
    expect(awqAlpha(plain)).toBe(0);
    const wAwq = awq.decode(payload, w.shape, 'F32', p).toF32();
    const wPlain = awq.decode(plain, w.shape, 'F32', p).toF32();
    const errAwq = outputErr(w.toF32(), wAwq, heldOut, 256);
    const errPlain = outputErr(w.toF32(), wPlain, heldOut, 256);
    // Measured: AWQ's held-out output error is 0.31× plain INT4's (α 0.35); assert a wide margin.
    expect(errAwq).toBeLessThan(0.7 * errPlain);
  });

  it('searches α over the 20-point grid, α = 0 being plain INT4', () => {
    const x = activations(64, 4);
    const s = awqSearch(w.toF32(), OUT, IN, x, 64, 128);
    expect(s.losses).toHaveLength(AWQ_ALPHAS.length);
    expect(AWQ_ALPHAS[0]).toBe(0);
    expect(AWQ_ALPHAS[19]).toBeCloseTo(0.95, 12);
    expect(s.losses[AWQ_ALPHAS.indexOf(s.alpha)]).toBe(Math.min(...s.losses));
    // Outlier channels get the largest scales.
    const order = Array.from(s.scales.keys()).sort((a, b) => s.scales[b] - s.scales[a]);
    expect(order.slice(0, OUTLIERS.length).sort((a, b) => a - b)).toEqual(OUTLIERS);
    // Plain INT4 (α = 0) equals the registry encode exactly.
    const plain = awqEncode(w, undefined, p).payload;
    expect(plain).toEqual(awq.encode(w, p));
  });

  it('plain INT4 g128 error is within a group quantizer’s bounds', () => {
    const back = awq.decode(awq.encode(w, p), w.shape, 'F32', p).toF32();
    const x = w.toF32();
    for (let r = 0; r < OUT; r++) {
      for (let g = 0; g < IN / 128; g++) {
        let lo = Infinity;
        let hi = -Infinity;
        for (let c = g * 128; c < (g + 1) * 128; c++) {
          lo = Math.min(lo, x[r * IN + c]);
          hi = Math.max(hi, x[r * IN + c]);
        }
        // Half a step inside the clamped range; zero-point clamping can cost up to a step at the ends.
        const step = (hi - lo) / 15;
        let worst = 0;
        for (let c = g * 128; c < (g + 1) * 128; c++) worst = Math.max(worst, Math.abs(back[r * IN + c] - x[r * IN + c]));
        expect(worst).toBeLessThanOrEqual(step * 1.0001);
      }
    }
  });

  it('refuses bad shapes and mismatched activations', () => {
    expect(() => awq.check([256], 'F32', p)).toThrow(ShapeError);
    expect(() => awq.check([2, 2, 64], 'F32', p)).toThrow(ShapeError);
    expect(() => awqEncode(w, { values: new Float32Array(10), tokens: 1 }, p)).toThrow(ShapeError);
    expect(() => awq.params({ groupSize: 0 })).toThrow(/params\.groupSize/);
  });

  it('decoder survives 2,000 seeded mutations with typed errors only', () => {
    const rng = new Rng(35_000);
    const small = Tensor.fromF32(new Rng(9).normalArray(6 * 40), [6, 40]);
    const q = awq.params({ groupSize: 16 });
    const seeds = [
      { t: small, p: q, payload: awqEncode(small, { values: new Rng(10).normalArray(8 * 40), tokens: 8 }, q).payload },
      { t: small, p: q, payload: awq.encode(small, q) },
    ];
    let threw = 0;
    for (let i = 0; i < 2000; i++) {
      const s = seeds[i % 2];
      try {
        const back = awq.decode(mutate(s.payload, rng), s.t.shape, 'F32', s.p);
        expect(back.shape).toEqual(s.t.shape);
        for (const v of back.toF32()) if (!Number.isFinite(v)) throw new Error(`decoded ${v}`);
      } catch (e) {
        if (!(e instanceof TensorhiveError)) throw e;
        threw++;
      }
    }
    expect(threw).toBeGreaterThan(500);
  });
});
