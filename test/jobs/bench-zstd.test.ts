import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { benchCodecs } from '../../src/jobs/bench-codecs.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';

const zstd = createRequire(import.meta.url)('zstd-napi') as { compress(b: Uint8Array, p: { compressionLevel: number }): Uint8Array };

describe('bench zstdRatio', () => {
  it('is measured for lossless rows on the same bytes, and absent for lossy ones', () => {
    const t = Tensor.fromF32As('BF16', new Rng(3).normalArray(64 * 256), [64, 256]);
    const b = benchCodecs([{ name: 't', tensor: t }], { codecs: ['byteplane', 'q8_0'], minTimeMs: 0 });
    const bp = b.codecs.find((r) => r.codec === 'byteplane')!;
    const q8 = b.codecs.find((r) => r.codec === 'q8_0')!;
    expect(bp.zstdRatio).toBeCloseTo(t.byteLength / zstd.compress(t.bytes, { compressionLevel: 3 }).byteLength, 12);
    expect(q8.zstdRatio).toBeUndefined();
    // The JSON shape is otherwise unchanged.
    expect(Object.keys(q8).sort()).toEqual(['bitsPerWeight', 'codec', 'decodeMBps', 'encodeMBps', 'mse', 'ratio', 'skipped', 'sqnrDb']);
    // On BF16 Gaussian bytes byteplane beats zstd.
    expect(bp.ratio).toBeGreaterThan(bp.zstdRatio!);
  });
});
