/**
 * Every GPU decoder against the TS reference decoder `decompressBlobAs(blob,
 * 'F32')`, compared bit for bit (so −0, NaN payloads and subnormals count):
 * raw F32 / F16 / BF16, the f16 and bf16 casts, Q8_0, Q4_0 and NF4 (with and
 * without double quantization, a short last block), each also split into many
 * passes with a few workgroups looping (grid-stride) and written at an offset
 * inside a larger buffer. Small tensors: llvmpipe is slow.
 * Fails when no device opens, unless TENSORHIVE_ALLOW_NO_GPU=1.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError } from '../../../src/errors/index.js';
import { decodeBlob, encodeBlob } from '../../../src/format/blob.js';
import { compressTensor, decompressBlobAs } from '../../../src/format/compress.js';
import { Rng } from '../../../src/random/rng.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { codecByName } from '../../../src/codecs/registry.js';
import { DeviceBlobStore } from '../../../src/tiers/gpu/device-store.js';
import { DecodeBatch } from '../../../src/tiers/gpu/decode-pass.js';
import { GPU_DECODED_CODECS, gpuDecodeSpec } from '../../../src/tiers/gpu/decoders.js';
import { expandInto, type ExpandKnobs } from '../../../src/tiers/gpu/expand.js';
import { openGpuDevice } from '../../../src/tiers/gpu/index.js';
import { BufferUsage } from '../../../src/tiers/gpu/usage.js';

const probe = await openGpuDevice();

function firstBitDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.byteLength !== b.byteLength) return Math.min(a.byteLength, b.byteLength);
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.byteLength / 4);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.byteLength / 4);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return i;
  return -1;
}

/** Expand `blob` on the device at byte 256 + 4·lead of a larger buffer and read the f32 bytes back. */
async function onDevice(device: GPUDevice, blob: Uint8Array, knobs?: ExpandKnobs, lead = 3): Promise<Uint8Array> {
  const { header, payload } = decodeBlob(blob);
  const spec = gpuDecodeSpec(header, payload);
  if (!spec) throw new Error('no GPU decoder');
  const at = 256 + 4 * lead;
  const size = at + spec.elems * 4 + 8;
  const dst = device.createBuffer({ size, usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST });
  const batch = new DecodeBatch(device);
  try {
    const src = expandInto(device, batch, spec, dst, at, knobs);
    await batch.finish();
    src?.destroy();
    const all = await new DeviceBlobStore(device).read({ buffer: dst, length: size, paddedBytes: size });
    return all.subarray(at, at + spec.elems * 4);
  } finally {
    batch.destroy();
    dst.destroy();
  }
}

function reference(blob: Uint8Array): Uint8Array {
  return decompressBlobAs(blob, 'F32').bytes;
}

if (!probe.ok) {
  it('needs a device (TENSORHIVE_ALLOW_NO_GPU=1 skips the kernel checks on a machine meant to have none)', () => {
    if (process.env.TENSORHIVE_ALLOW_NO_GPU !== '1') expect.fail(`no WebGPU device: ${probe.reason}`);
    expect(GPU_DECODED_CODECS).toContain('q4_0');
  });
} else {
  const { device } = probe.gpu;
  afterAll(() => probe.gpu.close());
  const rng = new Rng(606);

  describe('GPU decoders equal the TS reference bit for bit', () => {
    it('f16 and bf16 widening over all 65 536 bit patterns (NaN payloads, infinities, subnormals, −0)', async () => {
      const all = new Uint16Array(65536).map((_, i) => i);
      for (const dtype of ['F16', 'BF16'] as const) {
        const raw = compressTensor(new Tensor(dtype, [256, 256], new Uint8Array(all.buffer.slice(0))), 'raw');
        expect(firstBitDifference(await onDevice(device, raw), reference(raw)), `raw ${dtype}`).toBe(-1);
      }
      // The casts hold the same bits; their payload starts at a header of another length.
      const cast = encodeBlob({ codecId: codecByName('f16').id, dtype: 'F32', shape: [65536], params: {} }, new Uint8Array(all.buffer.slice(0)));
      expect(firstBitDifference(await onDevice(device, cast, { maxPassUnits: 9999, maxWorkgroups: 5 }), reference(cast))).toBe(-1);
      const bcast = encodeBlob({ codecId: codecByName('bf16').id, dtype: 'F32', shape: [65536], params: {} }, new Uint8Array(all.buffer.slice(0)));
      expect(firstBitDifference(await onDevice(device, bcast), reference(bcast))).toBe(-1);
    });

    const weights = Tensor.fromF32(rng.normalArray(64 * 96, 0.05), [64, 96]);
    const cases: Array<[string, Record<string, unknown>?]> = [
      ['raw'],
      ['f16'],
      ['bf16'],
      ['q8_0'],
      ['q4_0'],
      ['nf4'],
      ['nf4', { doubleQuant: true, blockSize: 32 }],
    ];
    for (const [codec, params] of cases) {
      it(`${codec}${params ? ' ' + JSON.stringify(params) : ''} on Gaussian weights, in one pass and in many`, async () => {
        const blob = compressTensor(weights, codec, params);
        const want = reference(blob);
        expect(firstBitDifference(await onDevice(device, blob), want)).toBe(-1);
        expect(firstBitDifference(await onDevice(device, blob, { maxPassUnits: 7, maxWorkgroups: 2 }, 1), want)).toBe(-1);
      });
    }

    it('nf4 with a short last block and an odd element count; q4_0 over every fp16 scale', async () => {
      const odd = Tensor.fromF32(rng.normalArray(1001, 1), [7, 143]);
      const blob = compressTensor(odd, 'nf4', { blockSize: 64 });
      expect(firstBitDifference(await onDevice(device, blob, { maxPassUnits: 3 }), reference(blob))).toBe(-1);
      // Q4_0 blocks whose scales run through every finite fp16 (subnormals included) and whose nibbles cycle.
      const scales: number[] = [];
      for (let h = 0; h < 0x10000; h += 7) if ((h & 0x7c00) !== 0x7c00) scales.push(h);
      const payload = new Uint8Array(scales.length * 18);
      scales.forEach((h, i) => {
        payload[i * 18] = h & 0xff;
        payload[i * 18 + 1] = h >>> 8;
        for (let j = 0; j < 16; j++) payload[i * 18 + 2 + j] = (i * 16 + j * 37) & 0xff;
      });
      const q4 = encodeBlob({ codecId: codecByName('q4_0').id, dtype: 'F32', shape: [scales.length, 32], params: {} }, payload);
      expect(firstBitDifference(await onDevice(device, q4), reference(q4))).toBe(-1);
    });

    it('a non-finite scale rejects with the reference FormatError field, found in a later pass too', async () => {
      const t = Tensor.fromF32(rng.normalArray(32 * 8, 1), [8, 32]);
      for (const codec of ['q8_0', 'q4_0']) {
        const blob = compressTensor(t, codec);
        const { header, payload } = decodeBlob(blob);
        const bpb = codec === 'q8_0' ? 34 : 18;
        payload[5 * bpb + 1] = 0x7c; // block 5: +Inf (or NaN)
        payload[6 * bpb + 1] = 0x7e;
        const bad = encodeBlob({ codecId: header.codecId, dtype: header.dtype, shape: header.shape, params: header.params }, payload);
        const refErr = (() => {
          try {
            reference(bad);
          } catch (e) {
            return e as FormatError;
          }
        })();
        expect(refErr).toBeInstanceOf(FormatError);
        for (const knobs of [undefined, { maxPassUnits: 2 }]) {
          const err = await onDevice(device, bad, knobs).then(() => undefined, (e: unknown) => e);
          expect(err, codec).toBeInstanceOf(FormatError);
          expect((err as FormatError).field).toBe(refErr!.field);
        }
      }
    });
  });
}
