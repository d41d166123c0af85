/**
 * The codecs register their reference decoders with the kernels layer, so the
 * f16/bf16 decode entries exist even on the TS path (no addon), and agree with
 * f32 decode followed by the exact f32 -> f16/bf16 conversions.
 */
import { describe, expect, it } from 'vitest';
import { CODECS } from '../../src/codecs/registry.js';
import { kernels, setNativeKernels } from '../../src/kernels/index.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { f32ArrayToBf16, f32ArrayToF16 } from '../../src/tensor/half.js';

describe('reference decoders registered by the codecs', () => {
  it('every GGML row has f16 and bf16 decode on the TS path, equal to f32 decode then RNE', () => {
    const wasNative = setNativeKernels(false);
    try {
      const x = new Rng(11).normalArray(4 * 256);
      for (const c of CODECS) {
        if (c.family !== 'ggml') continue;
        const payload = c.encode(Tensor.fromF32(x, [4, 256]), {});
        const f32 = c.decode(payload, [4, 256], 'F32', {}).toF32();
        for (const [table, convert] of [
          [kernels.dequantizeF16, f32ArrayToF16],
          [kernels.dequantizeBf16, f32ArrayToBf16],
        ] as const) {
          const k = table[c.ggmlType!];
          expect(k, `${c.name}: no half decode on the TS path`).toBeDefined();
          const got = new Uint16Array(x.length);
          k!(payload, got);
          expect(got).toEqual(convert(f32));
        }
      }
      expect(kernels.nf4DequantizeF16).toBeDefined();
    } finally {
      setNativeKernels(wasNative);
    }
  });
});
