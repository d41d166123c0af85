/** Auto-selection: decisions follow the tensor and the target, guardrails hold, stats add up. */
import { describe, expect, it } from 'vitest';
import { type Clock, SimulatedClock } from '../../../src/clock/index.js';
import { CodecStats } from '../../../src/codecs/select/codec-stats.js';
import { chooseCodec } from '../../../src/codecs/select/choose-codec.js';
import { inspectTensor } from '../../../src/codecs/select/inspect-tensor.js';
import { ArgumentError } from '../../../src/errors/index.js';
import { Rng } from '../../../src/random/rng.js';
import { sqnrDb } from '../../../src/tensor/stats.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { fewValues, randomBits, relu, sparseBits, weights } from '../lossless/data.js';

const N = 1 << 14;

function decodes(t: Tensor, s: ReturnType<typeof chooseCodec>): Tensor {
  return s.codec.decode(s.payload, t.shape, t.dtype, s.params);
}

describe('inspectTensor', () => {
  it('measures zeros, distinct values and dynamic range', () => {
    const p = inspectTensor(new Tensor('F32', [6], Float32Array.of(0, 0, 1, 1, 0.25, -0)));
    expect(p.zeroFraction).toBeCloseTo(2 / 6); // -0 is not all-zero bits
    expect(p.distinct).toBe(4);
    expect(p.dynamicRangeBits).toBeCloseTo(2);
    expect(inspectTensor(weights('F32', 70000, 1)).distinct).toBeUndefined();
  });
});

describe('rank structure', () => {
  /** rank-r matrix U·V (entries N(0,1)-scaled) plus noise holding `noise` of the energy. */
  function lowRank(m: number, n: number, r: number, noise: number, seed: number): Tensor {
    const rng = new Rng(seed);
    const u = rng.normalArray(m * r);
    const v = rng.normalArray(r * n);
    const x = new Float32Array(m * n);
    const s = Math.sqrt(noise * r);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let a = 0;
        for (let k = 0; k < r; k++) a += u[i * r + k] * v[k * n + j];
        x[i * n + j] = a + s * rng.normal();
      }
    }
    return new Tensor('F32', [m, n], x);
  }

  it('the sketch sees low rank, not a Gaussian, and skips what is not a matrix', () => {
    expect(inspectTensor(lowRank(256, 512, 8, 1e-3, 20)).rankEnergy!).toBeGreaterThan(0.99);
    const g = inspectTensor(new Tensor('F32', [256, 512], new Rng(21).normalArray(256 * 512)));
    expect(g.rankEnergy!).toBeLessThan(0.2);
    expect(inspectTensor(weights('F32', 4096, 22)).rankEnergy).toBeUndefined();
    // Large matrices are subsampled: still low rank.
    expect(inspectTensor(lowRank(1500, 700, 4, 1e-3, 23)).rankEnergy!).toBeGreaterThan(0.99);
  });

  it('makes lowrank a lossy candidate for a low-rank + noise matrix, which wins under an SQNR floor it meets', () => {
    const t = lowRank(256, 512, 8, 1e-3, 24);
    const s = chooseCodec(t, { maxError: 25 });
    expect(s.codec.name).toBe('lowrank');
    expect(s.sqnrDb).toBeGreaterThanOrEqual(25);
    expect(sqnrDb(t.toF32(), decodes(t, s).toF32())).toBeGreaterThanOrEqual(25);
    expect(s.ratio).toBeGreaterThan(15);
    expect(s.reasons.join('\n')).toMatch(/lowrank: candidate, rank-16 sketch holds 99\.\d% ≥ 90% of the energy/);
    expect(s.reasons[0]).toMatch(/rank-16 sketch holds 99\.\d% of the energy/);
  });

  it('does not consider lowrank for a Gaussian matrix, and says why', () => {
    const t = new Tensor('F32', [256, 512], new Rng(25).normalArray(256 * 512));
    const s = chooseCodec(t, { maxError: 25 });
    expect(s.codec.name).not.toBe('lowrank');
    const all = s.reasons.join('\n');
    expect(all).toMatch(/structural codecs \(lowrank, awq\): not auto-selected, rank-16 sketch holds only \d+\.\d% < 90%/);
    expect(all).not.toMatch(/^lowrank:/m);
  });

  it('never auto-selects the delta codecs (they need a reference)', () => {
    const t = weights('BF16', N, 26);
    const all = [...chooseCodec(t).reasons, ...chooseCodec(Tensor.fromF32(t.toF32().slice()), { maxError: 30 }).reasons].join('\n');
    expect(all).toMatch(/delta: skipped, needs a reference tensor/);
    expect(all).toMatch(/delta_q8: skipped, needs a reference tensor/);
  });
});

describe('chooseCodec', () => {
  it('picks byteplane for BF16 weights under a lossless target, bit-exact', () => {
    const t = weights('BF16', N, 2);
    const s = chooseCodec(t, { lossless: true });
    expect(s.codec.name).toBe('byteplane');
    expect(s.ratio).toBeGreaterThan(1.45);
    expect(decodes(t, s).bytes).toEqual(t.bytes);
    expect(s.reasons[0]).toMatch(/^BF16 16384 elements/);
    expect(s.reasons.join('\n')).toMatch(/sparse: skipped, 0\.0% zeros/);
    expect(s.reasons.at(-1)).toMatch(/^chose byteplane/);
  });

  it('picks a sparse layout for ReLU activations and dict for few values', () => {
    const a = relu('F32', N, 3, -1.5);
    expect(['sparse', 'zerorun']).toContain(chooseCodec(a).codec.name);
    const d = fewValues('F32', N, 4, 8, 4);
    expect(chooseCodec(d).codec.name).toBe('dict');
    expect(chooseCodec(sparseBits('I32', N, 4, 0.01, 5)).codec.name).toBe('sparse');
  });

  it('stores incompressible and tiny tensors raw, never bigger than raw', () => {
    const t = randomBits('F32', N, 4, 6);
    const s = chooseCodec(t);
    expect(s.codec.name).toBe('raw');
    expect(s.payload.byteLength).toBe(t.byteLength);
    expect(s.reasons.at(-1)).toMatch(/^raw: no codec met the floors/);
    const tiny = chooseCodec(weights('F32', 8, 7));
    expect(tiny.codec.name).toBe('raw');
    expect(tiny.reasons.at(-1)).toMatch(/below 256 B/);
  });

  it('with an SQNR floor picks the smallest lossy payload that meets it', () => {
    const t = new Tensor('F32', [64, 256], new Rng(8).normalArray(64 * 256));
    const s30 = chooseCodec(t, { maxError: 30 });
    expect(s30.sqnrDb).toBeGreaterThanOrEqual(30);
    expect(sqnrDb(t.toF32(), decodes(t, s30).toF32())).toBeGreaterThanOrEqual(30);
    // Q6_K (6.56 bits) is the smallest codec above 30 dB on N(0,1); packed over it has the same numbers in fewer bytes.
    expect(s30.codec.name).toBe('packed');
    expect(s30.params.inner).toBe('q6_k');
    expect(s30.reasons.join('\n')).toMatch(/q6_k: ratio 4\.87\d, SQNR 3\d\.\d dB, qualifies/);
    expect(s30.ratio).toBeGreaterThan(32 / 6.5625);
    const s20 = chooseCodec(t, { maxError: 20 });
    expect(s20.ratio).toBeGreaterThan(s30.ratio);
    expect(s20.sqnrDb).toBeGreaterThanOrEqual(20);
    // Below-floor candidates are named in the reasons.
    expect(s30.reasons.join('\n')).toMatch(/< SQNR floor 30 dB, skipped/);
  });

  it('a ratio floor no codec reaches leaves the tensor raw', () => {
    const t = weights('BF16', N, 9);
    const s = chooseCodec(t, { minRatio: 3 });
    expect(s.codec.name).toBe('raw');
    expect(s.reasons.join('\n')).toMatch(/byteplane: ratio 1\.\d+ < ratio floor 3, skipped/);
  });

  it('a speed floor skips codecs that are too slow by the injected clock', () => {
    // A clock whose every attempt "takes" 1000 s: readings alternate 0, 1e6 ms.
    const sim = new SimulatedClock();
    let calls = 0;
    const slow: Clock = { now: () => (calls++ % 2 === 0 ? 0 : 1e6), setTimeout: (f, ms) => sim.setTimeout(f, ms), clearTimeout: (h) => sim.clearTimeout(h) };
    const s = chooseCodec(weights('BF16', N, 10), {}, { clock: slow, minMBps: 1 });
    expect(s.codec.name).toBe('raw');
    expect(s.reasons.join('\n')).toMatch(/< speed floor 1 MB\/s/);
  });

  it('records attempts, choices, bytes saved and time per codec', () => {
    const stats = new CodecStats();
    const clock = new SimulatedClock();
    const t1 = weights('BF16', N, 11);
    const t2 = fewValues('F32', N, 4, 4, 12);
    const a = chooseCodec(t1, {}, { stats, clock });
    const b = chooseCodec(t2, {}, { stats, clock });
    const rows = Object.fromEntries(stats.rows().map((r) => [r.codec, r]));
    expect(rows.byteplane.chosen).toBe(1);
    expect(rows.byteplane.attempts).toBe(2);
    expect(rows.dict.chosen).toBe(1);
    expect(rows.dict.bytesSaved).toBe(t2.byteLength - b.payload.byteLength);
    expect(stats.totals().bytesOut).toBe(a.payload.byteLength + b.payload.byteLength);
    expect(stats.totals().ratio).toBeCloseTo((t1.byteLength + t2.byteLength) / stats.totals().bytesOut);
  });

  it('refuses bad targets with ArgumentError naming the field', () => {
    const t = weights('F32', 100, 13);
    expect(() => chooseCodec(t, { minRatio: 0.5 })).toThrow(/target\.minRatio must be/);
    expect(() => chooseCodec(t, { maxError: NaN })).toThrow(ArgumentError);
    expect(() => chooseCodec(t, { lossless: true, maxError: 30 })).toThrow(/cannot be combined/);
  });
});
