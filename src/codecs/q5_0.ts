/**
 * Q5_0 (GGML type 6): blocks of 32 values, 22 bytes: fp16 d, qh[4], qs[16].
 * As Q4_0 with 32 levels: d = max / −16, q = min(31, (int8)(x·(1/d) + 16.5)),
 * value = (q − 16)·d. Low 4 bits: element j low nibble of qs[j], element j+16
 * high nibble. qh is a little-endian u32 whose bit k is bit 4 of element k
 * (elements 0..15 in bits 0..15, 16..31 in bits 16..31).
 * Byte-identical to ggml's quantize_row_q5_0_ref in float32 (see q4_0.ts on FMA).
 */
import { ggmlBlockCodec } from './ggml/block-codec.js';
import { fround, truncI8 } from './ggml/f32-math.js';
import { readF16Bits, writeF16 } from './ggml/fp16-io.js';
import { kernelBlocks } from './ggml/geometry.js';
import { MAX_ABS_INPUT, decodeScale, guardScale, rejectValue } from './ggml/value-guard.js';

const QK = 32;
const BLOCK_BYTES = 22;

export function quantizeRowQ5_0(src: Float32Array, dst: Uint8Array): void {
  const nb = kernelBlocks('quantizeRowQ5_0', src.length, dst.length, QK, BLOCK_BYTES);
  for (let i = 0; i < nb; i++) {
    const x = i * QK;
    const o = i * BLOCK_BYTES;
    let amax = 0;
    let max = 0;
    for (let j = 0; j < QK; j++) {
      const v = src[x + j];
      const a = Math.abs(v);
      if (!(a <= MAX_ABS_INPUT)) rejectValue('q5_0', x + j, v);
      if (amax < a) {
        amax = a;
        max = v;
      }
    }
    const d = fround(max / -16);
    const id = d !== 0 ? fround(1 / d) : 0;
    guardScale('q5_0', 'd', i, QK, writeF16(dst, o, d), d);
    let qh = 0;
    for (let j = 0; j < 16; j++) {
      const q0 = Math.min(31, truncI8(fround(fround(src[x + j] * id) + 16.5))) & 0xff;
      const q1 = Math.min(31, truncI8(fround(fround(src[x + 16 + j] * id) + 16.5))) & 0xff;
      dst[o + 6 + j] = (q0 & 0x0f) | ((q1 & 0x0f) << 4);
      qh |= ((q0 & 0x10) >>> 4) << j;
      qh |= ((q1 & 0x10) >>> 4) << (j + 16);
    }
    dst[o + 2] = qh & 0xff;
    dst[o + 3] = (qh >>> 8) & 0xff;
    dst[o + 4] = (qh >>> 16) & 0xff;
    dst[o + 5] = qh >>> 24;
  }
}

export function dequantizeRowQ5_0(src: Uint8Array, dst: Float32Array): void {
  const nb = kernelBlocks('dequantizeRowQ5_0', dst.length, src.length, QK, BLOCK_BYTES);
  for (let i = 0; i < nb; i++) {
    const o = i * BLOCK_BYTES;
    const d = decodeScale('q5_0', 'd', i, readF16Bits(src, o));
    const qh = src[o + 2] | (src[o + 3] << 8) | (src[o + 4] << 16) | (src[o + 5] << 24);
    const y = i * QK;
    for (let j = 0; j < 16; j++) {
      const b = src[o + 6 + j];
      const h0 = ((qh >>> j) << 4) & 0x10;
      const h1 = (qh >>> (j + 12)) & 0x10;
      dst[y + j] = (((b & 0x0f) | h0) - 16) * d;
      dst[y + 16 + j] = (((b >>> 4) | h1) - 16) * d;
    }
  }
}

export const q5_0 = ggmlBlockCodec({
  id: 13,
  name: 'q5_0',
  ggmlType: 6,
  blockSize: QK,
  blockBytes: BLOCK_BYTES,
  summary: 'GGML Q5_0: 32-value blocks, fp16 scale + 5-bit values (5.5 bits/weight)',
  quantizeRow: quantizeRowQ5_0,
  dequantizeRow: dequantizeRowQ5_0,
});
