import { describe, expect, it } from 'vitest';
import { describeLowrank, lowrank } from '../../../src/codecs/lowrank.js';
import { orthonormalize } from '../../../src/codecs/structural/svd.js';
import { ArgumentError, ShapeError, TensorhiveError } from '../../../src/errors/index.js';
import { Rng } from '../../../src/random/rng.js';
import { sqnrDb } from '../../../src/tensor/stats.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { mutate } from './mutate.js';

/** Σ s_i u_i v_iᵀ with random orthonormal u (m) and v (n), plus N(0, noise²). */
function spectrum(m: number, n: number, s: number[], noise: number, seed: number): Tensor {
  const rng = new Rng(seed);
  const r = s.length;
  const u = Float64Array.from(rng.normalArray(m * r));
  const v = Float64Array.from(rng.normalArray(n * r));
  orthonormalize(u, m, r);
  orthonormalize(v, n, r);
  const w = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let k = 0; k < r; k++) acc += s[k] * u[i * r + k] * v[j * r + k];
      w[i * n + j] = acc + noise * rng.normal();
    }
  }
  return Tensor.fromF32(w, [m, n]);
}

function roundTrip(t: Tensor, raw: Record<string, unknown>): { sqnr: number; payload: Uint8Array } {
  const p = lowrank.params(raw);
  const payload = lowrank.encode(t, p);
  expect(payload.byteLength).toBeLessThanOrEqual(lowrank.payloadBytes(t.shape, t.dtype, p));
  return { sqnr: sqnrDb(t.toF32(), lowrank.decode(payload, t.shape, t.dtype, p).toF32()), payload };
}

describe('lowrank codec', () => {
  it('recovers a low-rank matrix plus noise far better than a full-rank Gaussian (exact and randomized SVD)', () => {
    // 240×160: the exact path; 600×400: the sketch (74 wide) is under half of 400, so randomized.
    for (const [m, n] of [[240, 160], [600, 400]]) {
      const rng = new Rng(m);
      const s = Array.from({ length: 6 }, () => 20 + 20 * rng.next());
      const low = roundTrip(spectrum(m, n, s, 0.0005, m + 1), {});
      const gauss = roundTrip(Tensor.fromF32(new Rng(m + 2).normalArray(m * n), [m, n]), {});
      expect(describeLowrank(low.payload).rank).toBe(6);
      expect(low.sqnr).toBeGreaterThan(40);
      expect(gauss.sqnr).toBeLessThan(8);
      expect(low.sqnr - gauss.sqnr).toBeGreaterThan(30);
      // f32 factors are at least as close as f16 ones.
      expect(roundTrip(spectrum(m, n, s, 0.0005, m + 1), { factors: 'f32' }).sqnr).toBeGreaterThanOrEqual(low.sqnr - 0.01);
    }
  });

  it('picks the rank by energy, and reports the relative error it kept', () => {
    // Energies 100, 25, 1, then 3 × 0.01: cumulative 0.7935, 0.9918, 0.99976, 1.
    const t = spectrum(96, 64, [10, 5, 1, 0.1, 0.1, 0.1], 0, 3);
    const cases: [number, number][] = [[0.7, 1], [0.9, 2], [0.995, 3], [0.99999, 6]];
    for (const [energy, rank] of cases) {
      const { payload, sqnr } = roundTrip(t, { energy });
      const d = describeLowrank(payload);
      expect(d.rank).toBe(rank);
      const kept = [100, 25, 1, 0.01, 0.01, 0.01].slice(0, rank).reduce((a, b) => a + b, 0);
      expect(d.relError).toBeCloseTo(Math.sqrt(Math.max(0, 1 - kept / 126.03)), 3);
      if (rank < 6) expect(sqnr).toBeCloseTo(-20 * Math.log10(d.relError), 0);
    }
    expect(describeLowrank(roundTrip(t, { rank: 2 }).payload).rank).toBe(2);
    expect(describeLowrank(roundTrip(t, { energy: 0.99999, maxRank: 4 }).payload).rank).toBe(4);
    // ratio: the largest rank whose payload fits source bytes / ratio.
    const { payload } = roundTrip(t, { ratio: 8 });
    expect(payload.byteLength).toBeLessThanOrEqual(t.byteLength / 8);
    expect(describeLowrank(payload).rank).toBe(Math.floor((t.byteLength / 8 - 8) / (4 + 160 * 2)));
  });

  it('takes 2-D tensors only, and checks its params', () => {
    const p = lowrank.params({});
    for (const shape of [[256], [2, 3, 4], [0, 5]]) {
      expect(() => lowrank.check(shape, 'F32', p)).toThrow(ShapeError);
    }
    expect(() => lowrank.encode(Tensor.fromF32(new Float32Array(24), [2, 3, 4]), p)).toThrow(ShapeError);
    expect(() => lowrank.params({ energy: 0.9, rank: 3 })).toThrow(ArgumentError);
    expect(() => lowrank.params({ energy: 1.5 })).toThrow(/params\.energy/);
    expect(() => lowrank.params({ ratio: 0.5 })).toThrow(/params\.ratio/);
    expect(() => lowrank.params({ factors: 'f8' })).toThrow(/params\.factors/);
    // All zeros: rank 0, exact.
    const z = roundTrip(Tensor.fromF32(new Float32Array(64), [8, 8]), {});
    expect(describeLowrank(z.payload).rank).toBe(0);
  });

  it('decoder survives 2,000 seeded mutations with typed errors only', () => {
    const rng = new Rng(34_000);
    const seeds = [spectrum(16, 24, [3, 2, 1], 0.01, 5), spectrum(20, 12, [1, 1], 0.1, 6)].flatMap((t) =>
      [{}, { factors: 'f32' }, { rank: 4 }].map((raw) => {
        const p = lowrank.params(raw);
        return { t, p, payload: lowrank.encode(t, p) };
      }),
    );
    let threw = 0;
    for (let i = 0; i < 2000; i++) {
      const { t, p, payload } = seeds[i % seeds.length];
      try {
        const back = lowrank.decode(mutate(payload, rng), t.shape, t.dtype, p);
        expect(back.shape).toEqual(t.shape);
        for (const v of back.toF32()) if (!Number.isFinite(v)) throw new Error(`decoded ${v}`);
      } catch (e) {
        if (!(e instanceof TensorhiveError)) throw e;
        threw++;
      }
    }
    expect(threw).toBeGreaterThan(500);
  });
});
