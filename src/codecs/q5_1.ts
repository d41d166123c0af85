/**
 * Q5_1 (GGML type 7): blocks of 32 values, 24 bytes: fp16 d, fp16 m, qh[4],
 * qs[16]. As Q4_1 with 32 levels: d = (max − min)/31,
 * q = (uint8)((x − min)·(1/d) + 0.5) (ggml does not clamp here; the result
 * cannot exceed 31 for finite input), value = q·d + m. Bit layout as Q5_0.
 * Byte-identical to ggml's quantize_row_q5_1_ref in float32.
 */
import { ggmlBlockCodec } from './ggml/block-codec.js';
import { fround, truncI32 } from './ggml/f32-math.js';
import { readF16Bits, writeF16 } from './ggml/fp16-io.js';
import { kernelBlocks } from './ggml/geometry.js';
import { MAX_ABS_INPUT, decodeScale, guardScale, rejectValue } from './ggml/value-guard.js';

const QK = 32;
const BLOCK_BYTES = 24;
const FLT_MAX = 3.4028234663852886e38;

export function quantizeRowQ5_1(src: Float32Array, dst: Uint8Array): void {
  const nb = kernelBlocks('quantizeRowQ5_1', src.length, dst.length, QK, BLOCK_BYTES);
  for (let i = 0; i < nb; i++) {
    const x = i * QK;
    const o = i * BLOCK_BYTES;
    let min = FLT_MAX;
    let max = -FLT_MAX;
    for (let j = 0; j < QK; j++) {
      const v = src[x + j];
      if (!(Math.abs(v) <= MAX_ABS_INPUT)) rejectValue('q5_1', x + j, v);
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const d = fround(fround(max - min) / 31);
    const id = d !== 0 ? fround(1 / d) : 0;
    guardScale('q5_1', 'd', i, QK, writeF16(dst, o, d), d);
    guardScale('q5_1', 'm', i, QK, writeF16(dst, o + 2, min), min);
    let qh = 0;
    for (let j = 0; j < 16; j++) {
      const q0 = truncI32(fround(fround(fround(src[x + j] - min) * id) + 0.5)) & 0xff;
      const q1 = truncI32(fround(fround(fround(src[x + 16 + j] - min) * id) + 0.5)) & 0xff;
      dst[o + 8 + j] = (q0 & 0x0f) | ((q1 & 0x0f) << 4);
      qh |= ((q0 & 0x10) >>> 4) << j;
      qh |= ((q1 & 0x10) >>> 4) << (j + 16);
    }
    dst[o + 4] = qh & 0xff;
    dst[o + 5] = (qh >>> 8) & 0xff;
    dst[o + 6] = (qh >>> 16) & 0xff;
    dst[o + 7] = qh >>> 24;
  }
}

export function dequantizeRowQ5_1(src: Uint8Array, dst: Float32Array): void {
  const nb = kernelBlocks('dequantizeRowQ5_1', dst.length, src.length, QK, BLOCK_BYTES);
  for (let i = 0; i < nb; i++) {
    const o = i * BLOCK_BYTES;
    const d = decodeScale('q5_1', 'd', i, readF16Bits(src, o));
    const m = decodeScale('q5_1', 'm', i, readF16Bits(src, o + 2));
    const qh = src[o + 4] | (src[o + 5] << 8) | (src[o + 6] << 16) | (src[o + 7] << 24);
    const y = i * QK;
    for (let j = 0; j < 16; j++) {
      const b = src[o + 8 + j];
      const h0 = ((qh >>> j) << 4) & 0x10;
      const h1 = (qh >>> (j + 12)) & 0x10;
      dst[y + j] = fround(((b & 0x0f) | h0) * d) + m;
      dst[y + 16 + j] = fround(((b >>> 4) | h1) * d) + m;
    }
  }
}

export const q5_1 = ggmlBlockCodec({
  id: 14,
  name: 'q5_1',
  ggmlType: 7,
  blockSize: QK,
  blockBytes: BLOCK_BYTES,
  summary: 'GGML Q5_1: 32-value blocks, fp16 scale and min + 5-bit values (6.0 bits/weight)',
  quantizeRow: quantizeRowQ5_1,
  dequantizeRow: dequantizeRowQ5_1,
});
