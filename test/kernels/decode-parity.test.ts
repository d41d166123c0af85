/**
 * Native decode vs the TS reference, for every registry row with a native
 * kernel and every dispatch level this machine has. Tolerance: NONE — decode
 * is bit-exact at every level (the kernels do the reference's float32
 * operations in its order, without FMA), so f32 bits are compared.
 */
import { describe, expect, it, vi } from 'vitest';
import { FormatError } from '../../src/errors/index.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { NATIVE_GGML, kernels } from '../../src/kernels/index.js';
import { nativeAddon } from '../../src/kernels/native.js';
import { LEVELS, NATIVE_GGML_ROWS, SCALE_FIELDS, firstBitDiff, randomPayload, thrown, useLevel, withReference } from './native-helpers.js';

// Block counts that exercise single blocks, odd counts and longer runs.
const BLOCK_COUNTS = [1, 3, 37];

if (LEVELS.length === 0) {
  it('without the addon the kernel table is empty (TS reference kernels only)', () => {
    expect(Object.keys(kernels.dequantize)).toEqual([]);
    expect(kernels.int8Dequantize).toBeUndefined();
  });
}

for (const level of LEVELS) {
  describe(`decode parity at level ${level}`, () => {
    for (const codec of NATIVE_GGML_ROWS) {
      const type = codec.ggmlType!;
      const { qk, bytes } = NATIVE_GGML[type];
      const p = codec.params();

      it(`${codec.name}: random payloads decode bit-exactly`, () => {
        useLevel(level);
        const rng = new Rng(1000 + type);
        const spy = vi.spyOn(nativeAddon()!, 'dequantize');
        for (const blocks of BLOCK_COUNTS) {
          const payload = randomPayload(type, blocks, rng);
          const shape = [blocks * qk];
          const want = withReference(() => codec.decode(payload, shape, 'F32', p)).toF32();
          const got = codec.decode(payload, shape, 'F32', p).toF32();
          expect(firstBitDiff(got, want), `${codec.name} ${blocks} blocks`).toBe(-1);
        }
        expect(spy).toHaveBeenCalledTimes(BLOCK_COUNTS.length); // the native path really ran
        spy.mockRestore();
      });

      it(`${codec.name}: encoded Gaussian data decodes bit-exactly (unaligned payload too)`, () => {
        useLevel(level);
        const rng = new Rng(2000 + type);
        const t = Tensor.fromF32(rng.normalArray(4 * qk * 5), [4, qk * 5]);
        const payload = codec.encode(t, p);
        const want = withReference(() => codec.decode(payload, t.shape, 'F32', p)).toF32();
        expect(firstBitDiff(codec.decode(payload, t.shape, 'F32', p).toF32(), want)).toBe(-1);
        const shifted = new Uint8Array(payload.byteLength + 1).subarray(1);
        shifted.set(payload);
        expect(firstBitDiff(codec.decode(shifted, t.shape, 'F32', p).toF32(), want)).toBe(-1);
      });

      it(`${codec.name}: a NaN/Inf stored scale gives the reference's FormatError`, () => {
        useLevel(level);
        const rng = new Rng(3000 + type);
        for (const off of SCALE_FIELDS[type]) {
          for (const bits of [0x7c00, 0xfe01]) {
            const payload = randomPayload(type, 3, rng);
            payload[bytes + off] = bits & 0xff; // block 1
            payload[bytes + off + 1] = bits >>> 8;
            const shape = [3 * qk];
            const want = thrown(() => withReference(() => codec.decode(payload, shape, 'F32', p)));
            const got = thrown(() => codec.decode(payload, shape, 'F32', p));
            expect(want?.name).toBe(FormatError.name);
            expect(got).toEqual(want);
          }
        }
      });

      it(`${codec.name}: truncated payloads are rejected before the kernel runs`, () => {
        useLevel(level);
        const payload = randomPayload(type, 2, new Rng(4000 + type));
        const short = payload.subarray(0, payload.byteLength - 1);
        expect(() => codec.decode(short, [2 * qk], 'F32', p)).toThrow(FormatError);
        // The table entry checks lengths (ArgumentError) and so does the addon (RangeError).
        expect(() => kernels.dequantize[type]!(short, new Float32Array(2 * qk))).toThrow(/blocks need/);
        expect(() => nativeAddon()!.dequantize(type, short, new Float32Array(2 * qk))).toThrow(RangeError);
        expect(() => nativeAddon()!.dequantize(type, payload, new Float32Array(2 * qk + 1))).toThrow(RangeError);
      });
    }
  });
}
