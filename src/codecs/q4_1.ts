/**
 * Q4_1 (GGML type 3): blocks of 32 values, 20 bytes: fp16 d, fp16 m, qs[16].
 * m = min, d = (max − min)/15, q = min(15, (int8)((x − min)·(1/d) + 0.5));
 * value = q·d + m. Nibbles as Q4_0 (element j low, j+16 high).
 * Byte-identical to ggml's quantize_row_q4_1_ref in float32.
 */
import { ggmlBlockCodec } from './ggml/block-codec.js';
import { fround, truncI8 } from './ggml/f32-math.js';
import { readF16Bits, writeF16 } from './ggml/fp16-io.js';
import { kernelBlocks } from './ggml/geometry.js';
import { MAX_ABS_INPUT, decodeScale, guardScale, rejectValue } from './ggml/value-guard.js';

const QK = 32;
const BLOCK_BYTES = 20;
const FLT_MAX = 3.4028234663852886e38;

export function quantizeRowQ4_1(src: Float32Array, dst: Uint8Array): void {
  const nb = kernelBlocks('quantizeRowQ4_1', src.length, dst.length, QK, BLOCK_BYTES);
  for (let i = 0; i < nb; i++) {
    const x = i * QK;
    const o = i * BLOCK_BYTES;
    let min = FLT_MAX;
    let max = -FLT_MAX;
    for (let j = 0; j < QK; j++) {
      const v = src[x + j];
      if (!(Math.abs(v) <= MAX_ABS_INPUT)) rejectValue('q4_1', x + j, v);
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const d = fround(fround(max - min) / 15);
    const id = d !== 0 ? fround(1 / d) : 0;
    guardScale('q4_1', 'd', i, QK, writeF16(dst, o, d), d);
    guardScale('q4_1', 'm', i, QK, writeF16(dst, o + 2, min), min);
    for (let j = 0; j < 16; j++) {
      const x0 = fround(fround(src[x + j] - min) * id);
      const x1 = fround(fround(src[x + 16 + j] - min) * id);
      const q0 = Math.min(15, truncI8(fround(x0 + 0.5))) & 0xff;
      const q1 = Math.min(15, truncI8(fround(x1 + 0.5))) & 0xff;
      dst[o + 4 + j] = q0 | (q1 << 4);
    }
  }
}

export function dequantizeRowQ4_1(src: Uint8Array, dst: Float32Array): void {
  const nb = kernelBlocks('dequantizeRowQ4_1', dst.length, src.length, QK, BLOCK_BYTES);
  for (let i = 0; i < nb; i++) {
    const o = i * BLOCK_BYTES;
    const d = decodeScale('q4_1', 'd', i, readF16Bits(src, o));
    const m = decodeScale('q4_1', 'm', i, readF16Bits(src, o + 2));
    const y = i * QK;
    for (let j = 0; j < 16; j++) {
      const b = src[o + 4 + j];
      // x·d rounds to float32 before + m, as in C without FMA.
      dst[y + j] = fround((b & 0x0f) * d) + m;
      dst[y + 16 + j] = fround((b >>> 4) * d) + m;
    }
  }
}

export const q4_1 = ggmlBlockCodec({
  id: 12,
  name: 'q4_1',
  ggmlType: 3,
  blockSize: QK,
  blockBytes: BLOCK_BYTES,
  summary: 'GGML Q4_1: 32-value blocks, fp16 scale and min + 4-bit values (5.0 bits/weight)',
  quantizeRow: quantizeRowQ4_1,
  dequantizeRow: dequantizeRowQ4_1,
});
