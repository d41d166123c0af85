/**
 * Fuzzed decoders: 2,000+ seeded mutations of valid payloads per codec (bit
 * flips, byte overwrites, truncations, extensions, splices). A decoder may
 * only return a tensor of the right shape/dtype or throw a TensorhiveError —
 * never another exception, an out-of-range read or a hang. (Wrong values from
 * a flipped value byte are expected here: the blob's CRC catches those.)
 */
import { describe, expect, it } from 'vitest';
import type { AnyCodec } from '../../../src/codecs/codec.js';
import { byteplane } from '../../../src/codecs/byteplane.js';
import { dict } from '../../../src/codecs/dict.js';
import { sparse } from '../../../src/codecs/sparse.js';
import { zerorun } from '../../../src/codecs/zerorun.js';
import { TensorhiveError } from '../../../src/errors/index.js';
import { Rng } from '../../../src/random/rng.js';
import type { Tensor } from '../../../src/tensor/tensor.js';
import { fewValues, relu, sparseBits, weights } from './data.js';
import { mutate } from './mutate.js';

const MUTATIONS = 2000;

/** Seeds whose payloads use the coded mode (mode byte 1) for each codec. */
const SEEDS: [AnyCodec, () => Tensor[]][] = [
  [byteplane, () => [weights('BF16', 600, 1), weights('F32', 300, 2), relu('F16', 500, 3)]],
  [zerorun, () => [relu('F32', 400, 4, -0.8), sparseBits('I8', 700, 1, 0.2, 5)]],
  [sparse, () => [sparseBits('F32', 800, 4, 0.02, 6), sparseBits('BF16', 800, 2, 0.4, 7)]],
  [dict, () => [fewValues('F32', 500, 4, 5, 8), fewValues('I64', 300, 8, 1, 9), fewValues('F16', 900, 2, 300, 10)]],
];

describe.each(SEEDS.map(([c, make]) => [c.name, c, make] as const))('%s decoder under fuzzing', (_name, c, make) => {
  it(`returns the right shape or throws a TensorhiveError for ${MUTATIONS} mutations`, () => {
    const rng = new Rng(c.id * 1000);
    const seeds = make().map((t) => ({ t, payload: c.encode(t, {}) }));
    for (const s of seeds) expect(s.payload[0]).toBe(1); // the coded path is what we fuzz
    let threw = 0;
    for (let m = 0; m < MUTATIONS; m++) {
      const { t, payload } = seeds[m % seeds.length];
      const bad = mutate(payload, rng);
      try {
        const back = c.decode(bad, t.shape, t.dtype, {});
        expect(back.shape).toEqual(t.shape);
        expect(back.bytes.byteLength).toBe(t.bytes.byteLength);
      } catch (err) {
        if (!(err instanceof TensorhiveError)) throw new Error(`mutation ${m}: ${String(err)}`, { cause: err });
        threw++;
      }
    }
    expect(threw).toBeGreaterThan(MUTATIONS / 4);
  });
});
