/**
 * decodeAsync: native GGML decode on the libuv thread pool. The event loop
 * keeps turning while a large tensor decodes (an immediate fires before the
 * Promise settles), the result is bit-identical to the synchronous decode,
 * and bad payloads are refused with the codec's own errors.
 */
import { describe, expect, it } from 'vitest';
import { codecByName } from '../../src/codecs/registry.js';
import { decodeAsync, kernels } from '../../src/kernels/index.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { LEVELS, NATIVE_GGML_ROWS, firstBitDiff, randomPayload, thrown, useLevel } from './native-helpers.js';

describe('decodeAsync', () => {
  if (LEVELS.length > 0) {
    it('keeps the event loop turning during a large native decode (q8_0, 2^23 values)', async () => {
      useLevel(LEVELS[LEVELS.length - 1]);
      const q8 = codecByName('q8_0');
      const n = 1 << 23;
      const payload = randomPayload(8, n / 32, new Rng(41));
      let ticks = 0;
      let running = true;
      const spin = (): void => {
        ticks++;
        if (running) setImmediate(spin);
      };
      setImmediate(spin);
      const pending = decodeAsync(q8, payload, [n], {});
      const ticksAtStart = ticks;
      const out = await pending;
      running = false;
      expect(ticksAtStart).toBe(0); // the call itself returned at once
      expect(ticks).toBeGreaterThan(0); // and the loop ran while it decoded
      expect(firstBitDiff(out, q8.decode(payload, [n], 'F32', {}).toF32())).toBe(-1);
    });

    it('matches the synchronous decode for every native GGML codec', async () => {
      const rng = new Rng(42);
      for (const codec of NATIVE_GGML_ROWS) {
        const shape = [4, 2 * 256];
        const payload = randomPayload(codec.ggmlType!, (4 * 512) / (codec.ggmlType === 12 || codec.ggmlType === 14 ? 256 : 32), rng);
        const got = await decodeAsync(codec, payload, shape, {});
        expect(firstBitDiff(got, codec.decode(payload, shape, 'F32', {}).toF32()), codec.name).toBe(-1);
      }
    });

    it('rejects a bad scale and a wrong length with the codec errors', async () => {
      const q4 = codecByName('q4_0');
      const payload = randomPayload(2, 8, new Rng(43));
      payload[18 * 3 + 1] = 0x7e; // block 3's d: NaN
      const sync = thrown(() => q4.decode(payload, [256], 'F32', {}));
      expect(sync?.name).toBe('FormatError');
      await expect(decodeAsync(q4, payload, [256], {})).rejects.toThrow(sync!.message);
      const short = payload.subarray(1);
      await expect(decodeAsync(q4, short, [256], {})).rejects.toThrow(thrown(() => q4.decode(short, [256], 'F32', {}))!.message);
      await expect(kernels.dequantizeAsync[2]!(short, new Float32Array(256))).rejects.toThrow(/bytes/);
    });
  }

  it('decodes codecs without a native async kernel too (nf4)', async () => {
    const nf4 = codecByName('nf4');
    const p = nf4.params({});
    const t = Tensor.fromF32(new Rng(44).normalArray(1024), [1024]);
    const payload = nf4.encode(t, p);
    const got = await decodeAsync(nf4, payload, t.shape, p);
    expect(firstBitDiff(got, nf4.decode(payload, t.shape, 'F32', p).toF32())).toBe(-1);
  });
});
