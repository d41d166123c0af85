/**
 * GGML conformance: ggml's own test-quantize-fns criteria, golden bytes from
 * ggml's reference quantizers, and quality floors on Gaussian data.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/random/rng.js';
import { sqnrDb } from '../../../src/tensor/stats.js';
import { GGML_CASES, cosData, roundTrip } from './ggml-types.js';

describe('GGML codecs: registry rows', () => {
  it.each(GGML_CASES)('$codec.name has the GGML geometry and ids', (c) => {
    expect(c.codec.id).toBe(c.id);
    expect(c.codec.ggmlType).toBe(c.ggmlType);
    expect(c.codec.blockSize).toBe(c.block);
    expect(c.codec.family).toBe('ggml');
    expect(c.codec.lossless).toBe(false);
    expect(c.codec.exactFor).toEqual([]);
    expect(c.codec.payloadBytes([3, c.block * 2], 'F32', {})).toBe(6 * c.bytes);
  });
});

describe('GGML codecs: test-quantize-fns total error', () => {
  // ggml: array_rmse = sqrt(Σ(x − y)²) / n must stay under 0.002 for every 4–8-bit type
  // (the 2-/3-bit/ternary/fp4 exceptions do not apply to these types).
  it.each(GGML_CASES)('$codec.name: sqrt(Σe²)/n ≤ 0.002 on 0.1 + 2·cos(i + offset), n = 4096', (c) => {
    for (const offset of [0, 1]) {
      const x = cosData(4096, offset);
      const { y } = roundTrip(c, x);
      let sum = 0;
      for (let i = 0; i < x.length; i++) sum += (x[i] - y[i]) ** 2;
      expect(Math.sqrt(sum) / x.length).toBeLessThanOrEqual(0.002);
    }
  });
});

describe('GGML codecs: golden bytes from ggml reference', () => {
  // sha256 of the bytes that ggml's quantize_row_<type>_ref (llama.cpp ggml/src/ggml-quants.c,
  // built with gcc -O2, x86-64, no FMA contraction) writes for these 4096 float32 values.
  const golden: Record<string, [string, string]> = {
    q8_0: [
      '11f834840a5011cb4d72fc8604d8ded68163d196dd4f8bdc2ea56d5b40b10a2f',
      '80442eea1b7f0c4943eb6698412a26db916f0ee64b817741c2b3a11941179f24',
    ],
    q4_0: [
      '523b1fd831e754976826ad4ad397539e8a9f09a6de2ac7cfb7bd60a593d63e61',
      'f936662be3d959b07152ba764a8137720d27b5b7f6f06d7550e77ac772d89f83',
    ],
    q4_1: [
      'fa364c6501e7d5cb2df84b2ac2002bea54841cb8576024a3df93e9ca760bc25e',
      '9fdc1fbd16a017bbb27454cbc5bc32ca6be2c515badaac04f9abb4291e655271',
    ],
    q5_0: [
      'd4b2cb6455ffb080545dd4c615039408b065745e6f12cb288293a4f93047d382',
      '70b5b2acff3e6dd91ebebd926a35211cf8629f8227f176903bad654dc97d4a40',
    ],
    q5_1: [
      'e6d7c2ed20284fa672488a43500b8cb280a171802e216ac878d716de559069e5',
      '01f433891e8e94220a8238e34f5800fd6f1e6c6ddffb0df762cafaa69411d56d',
    ],
    q4_k: [
      'c5b0ab128cca90695c2d3234c8d54a7bc3e0ea0e1e15366b4d175628cc72c2c6',
      '8c693557dd71f145c4b4f3a81f29444020fdb626c3688634448aa917252283a1',
    ],
    q6_k: [
      '8b76c8de301bb3d0067970c14aff3e45965bd0d43bc25ad2d474ffa9669bed64',
      'd2cb9273a8a9bb35bedecec9c5cc6e6e515a2af34dfb15d6a102383a34e7dbef',
    ],
  };
  const inputs = [cosData(4096, 0), new Rng(42).normalArray(4096)];
  it.each(GGML_CASES)('$codec.name encodes byte-identically to ggml', (c) => {
    inputs.forEach((x, k) => {
      const { bytes } = roundTrip(c, x);
      expect(createHash('sha256').update(bytes).digest('hex'), `input ${k}`).toBe(golden[c.codec.name][k]);
    });
  });
});

describe('GGML codecs: SQNR on N(0,1), 2^20 values', () => {
  const x = new Rng(20240601).normalArray(1 << 20);
  // Floors a little under REFERENCE.md's measured anchors (Q8_0 45.4, Q6_K 35.0,
  // Q5_0 27.4, Q4_K 22.9, Q4_0 21.3). Q4_1 / Q5_1 sit between their siblings.
  const floors: Record<string, number> = { q8_0: 45, q6_k: 34.5, q5_0: 27, q5_1: 28, q4_k: 22.5, q4_0: 21, q4_1: 21.5 };
  it.each(GGML_CASES)('$codec.name reaches its floor', (c) => {
    const { y } = roundTrip(c, x);
    expect(sqnrDb(x, y)).toBeGreaterThanOrEqual(floors[c.codec.name]);
  });
});
