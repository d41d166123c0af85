/** Fuzzed decoders of delta, delta_q8 and packed: 2,000 seeded mutations each; only TensorhiveErrors. */
import { describe, expect, it } from 'vitest';
import type { AnyCodec, CodecParams } from '../../../src/codecs/codec.js';
import { deltaCodecs, deltaEncode } from '../../../src/codecs/delta.js';
import { packed } from '../../../src/codecs/packed.js';
import { TensorhiveError } from '../../../src/errors/index.js';
import { Rng } from '../../../src/random/rng.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { weights } from './data.js';
import { mutate } from './mutate.js';

const MUTATIONS = 2000;

interface Seed {
  codec: AnyCodec;
  params: CodecParams;
  payload: Uint8Array;
  t: Tensor;
}

function deltaSeeds(mode: 'xor' | 'q8'): Seed[] {
  return (['BF16', 'F32'] as const).map((dtype, k) => {
    const ref = weights(dtype, 640, 20 + k);
    const x = ref.toF32().map((v, i) => v * (1 + 1e-3 * Math.sin(i)));
    const t = Tensor.fromF32As(dtype, x, [640]);
    const e = deltaEncode(t, { name: 'ref', tensor: ref }, mode);
    return { codec: e.codec, params: e.params, payload: e.payload, t: ref };
  });
}

function packedSeeds(): Seed[] {
  return (['q8_0', 'q4_0', 'q4_k', 'nf4'] as const).map((inner, k) => {
    const t = new Tensor('F32', [4, 512], new Rng(30 + k).normalArray(2048));
    const params = packed.params({ inner });
    return { codec: packed as AnyCodec, params, payload: packed.encode(t, params), t };
  });
}

const CASES: [string, () => Seed[]][] = [
  ['delta', () => deltaSeeds('xor')],
  ['delta_q8', () => deltaSeeds('q8')],
  ['packed', packedSeeds],
];

describe.each(CASES)('%s decoder under fuzzing', (name, make) => {
  it(`returns the right shape or throws a TensorhiveError for ${MUTATIONS} mutations`, () => {
    const rng = new Rng(name.length * 7919);
    const seeds = make();
    let threw = 0;
    for (let m = 0; m < MUTATIONS; m++) {
      const s = seeds[m % seeds.length];
      // For delta the seed's `t` is the reference itself: decode through a codec bound to it.
      const codec = name === 'packed' ? s.codec : (deltaCodecs(() => s.t) as Record<string, AnyCodec>)[name];
      const bad = mutate(s.payload, rng);
      try {
        const max = codec.payloadBytes(s.t.shape, s.t.dtype, s.params);
        if (codec.variableSize === true ? bad.byteLength > max : bad.byteLength !== max) {
          threw++; // the container rejects the length before decode; decode must too
          expect(() => codec.decode(bad, s.t.shape, s.t.dtype, s.params)).toThrow(TensorhiveError);
          continue;
        }
        const back = codec.decode(bad, s.t.shape, s.t.dtype, s.params);
        expect(back.shape).toEqual(s.t.shape);
      } catch (err) {
        if (!(err instanceof TensorhiveError)) throw new Error(`mutation ${m}: ${String(err)}`, { cause: err });
        threw++;
      }
    }
    expect(threw).toBeGreaterThan(MUTATIONS / 4);
  });
});
