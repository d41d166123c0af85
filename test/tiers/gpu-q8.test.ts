/**
 * The Q8_0 dequantize kernel on the device against the TS reference
 * dequantizeRowQ8_0: bit-exact (0 ulp) over every finite fp16 scale and every
 * int8 value, at unaligned offsets, across passes and grid-stride iterations.
 * Fails when no device opens, unless TENSORHIVE_ALLOW_NO_GPU=1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArgumentError, FormatError } from '../../src/errors/index.js';
import { quantizeRowQ8_0, dequantizeRowQ8_0 } from '../../src/codecs/q8_0.js';
import { Rng } from '../../src/random/rng.js';
import { GpuTier, GpuUnavailableError, openGpuDevice } from '../../src/tiers/gpu/index.js';

const probe = await openGpuDevice();
if (probe.ok) probe.gpu.close();

/** Every finite fp16 bit pattern as a scale, q bytes cycling through all 256 values. */
function everyScalePayload(): Uint8Array {
  const scales: number[] = [];
  for (let h = 0; h < 0x10000; h++) if ((h & 0x7c00) !== 0x7c00) scales.push(h);
  const out = new Uint8Array(scales.length * 34);
  scales.forEach((h, i) => {
    const o = i * 34;
    out[o] = h & 0xff;
    out[o + 1] = h >>> 8;
    for (let j = 0; j < 32; j++) out[o + 2 + j] = (i * 32 + j * 7) & 0xff;
  });
  return out;
}

function reference(payload: Uint8Array): Float32Array {
  const out = new Float32Array((payload.length / 34) * 32);
  dequantizeRowQ8_0(payload, out);
  return out;
}

/** Index of the first element whose bits differ (so -0 vs +0 and NaN payloads count), or -1. */
function firstBitDifference(a: Float32Array, b: Float32Array): number {
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  if (ua.length !== ub.length) return Math.min(ua.length, ub.length);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return i;
  return -1;
}

if (!probe.ok) {
  it('needs a device (TENSORHIVE_ALLOW_NO_GPU=1 turns this into a check of the budget-only refusal)', async () => {
    if (process.env.TENSORHIVE_ALLOW_NO_GPU !== '1') expect.fail(`no WebGPU device: ${probe.reason}`);
    const tier = new GpuTier({ capacityBytes: 1 << 20, budgetOnly: true, probeBytes: 0 });
    await tier.start();
    await tier.put('w', new Uint8Array(34));
    await expect(tier.dequantizeQ8_0('w')).rejects.toBeInstanceOf(GpuUnavailableError);
    await tier.stop();
  });
} else {
  describe('q8_0 dequantize kernel on the device', () => {
    const tier = new GpuTier({ name: 'gpu-q8', capacityBytes: 64 * 1024 * 1024, probeBytes: 0 });
    beforeAll(() => tier.start());
    afterAll(() => tier.stop());

    it('matches dequantizeRowQ8_0 bit for bit over every finite fp16 scale and every int8', async () => {
      const payload = everyScalePayload();
      await tier.put('all-scales', payload);
      const got = await tier.dequantizeQ8_0('all-scales');
      const want = reference(payload);
      expect(got.length).toBe(want.length);
      expect(firstBitDifference(got, want)).toBe(-1);
    });

    it('matches on quantized Gaussian weights at an unaligned offset, across passes and grid-stride loops', async () => {
      const rng = new Rng(8);
      const values = rng.normalArray(32 * 999, 0.02);
      const q = new Uint8Array(999 * 34);
      quantizeRowQ8_0(values, q);
      // A payload inside a larger blob, starting at byte 5 (not word aligned), 3 trailing bytes.
      const blob = new Uint8Array(5 + q.length + 3);
      blob.set(rng.bytes(5), 0);
      blob.set(q, 5);
      blob.set([1, 2, 3], 5 + q.length);
      await tier.put('container', blob);
      const want = reference(q);
      const range = { byteOffset: 5, byteLength: q.length };
      expect(firstBitDifference(await tier.dequantizeQ8_0('container', range), want)).toBe(-1);
      // 999 blocks in passes of 100 (ragged last pass), with 3 workgroups looping over each pass.
      const small = await tier.dequantizeQ8_0('container', { ...range, maxPassBlocks: 100, maxWorkgroups: 3 });
      expect(firstBitDifference(small, want)).toBe(-1);
      // Passes whose start is not on a 256-byte binding boundary (34·7 = 238).
      expect(firstBitDifference(await tier.dequantizeQ8_0('container', { ...range, maxPassBlocks: 7 }), want)).toBe(-1);
    });

    it('rejects a non-finite scale with the FormatError the reference throws', async () => {
      const payload = new Uint8Array(34 * 4);
      payload[3 * 34] = 0x00;
      payload[3 * 34 + 1] = 0x7c; // +Inf in block 3
      payload[2 * 34 + 1] = 0x7e; // NaN in block 2 — the first bad one
      await tier.put('bad', payload);
      const refErr = (() => {
        try {
          reference(payload);
        } catch (e) {
          return e;
        }
      })();
      const err = await tier.dequantizeQ8_0('bad').then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(FormatError);
      expect(refErr).toBeInstanceOf(FormatError);
      expect((err as FormatError).field).toBe((refErr as FormatError).field);
      expect((err as FormatError).field).toBe('payload.block[2].d');
      // Found in a later pass too, with the block counted from the payload start.
      const later = await tier.dequantizeQ8_0('bad', { maxPassBlocks: 3 }).then(() => undefined, (e: unknown) => e);
      expect((later as FormatError).field).toBe('payload.block[2].d');
    });

    it('rejects bad ranges and unknown keys with ArgumentError, and handles an empty payload', async () => {
      await tier.put('odd', new Uint8Array(35));
      await expect(tier.dequantizeQ8_0('odd')).rejects.toBeInstanceOf(ArgumentError);
      await expect(tier.dequantizeQ8_0('odd', { byteOffset: 36 })).rejects.toBeInstanceOf(ArgumentError);
      await expect(tier.dequantizeQ8_0('odd', { byteOffset: 1, byteLength: 35 })).rejects.toBeInstanceOf(ArgumentError);
      await expect(tier.dequantizeQ8_0('odd', { byteOffset: 0.5 })).rejects.toBeInstanceOf(ArgumentError);
      await expect(tier.dequantizeQ8_0('odd', { maxWorkgroups: 65536 })).rejects.toBeInstanceOf(ArgumentError);
      await expect(tier.dequantizeQ8_0('missing')).rejects.toBeInstanceOf(ArgumentError);
      expect((await tier.dequantizeQ8_0('odd', { byteOffset: 1 })).length).toBe(32);
      expect((await tier.dequantizeQ8_0('odd', { byteLength: 0 })).length).toBe(0);
      await tier.put('empty', new Uint8Array(0));
      expect((await tier.dequantizeQ8_0('empty')).length).toBe(0);
    });
  });
}
