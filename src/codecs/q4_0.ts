/**
 * Q4_0 (GGML type 2): blocks of 32 values, 18 bytes: fp16 d, then qs[16].
 * `max` is the largest-magnitude element with its sign; d = max / −8;
 * q = min(15, (int8)(x·(1/d) + 8.5)); value = (q − 8)·d. Element j is the low
 * nibble of qs[j], element j+16 the high nibble.
 * Byte-identical to ggml's quantize_row_q4_0_ref evaluated in float32 without
 * FMA contraction (x86-64 ggml-base builds, clang, MSVC); a GCC build that
 * fuses x·id + 8.5 into one FMA can differ in a rare last-place tie.
 */
import { ggmlBlockCodec } from './ggml/block-codec.js';
import { fround, truncI8 } from './ggml/f32-math.js';
import { readF16Bits, writeF16 } from './ggml/fp16-io.js';
import { kernelBlocks } from './ggml/geometry.js';
import { MAX_ABS_INPUT, decodeScale, guardScale, rejectValue } from './ggml/value-guard.js';

const QK = 32;
const BLOCK_BYTES = 18;

export function quantizeRowQ4_0(src: Float32Array, dst: Uint8Array): void {
  const nb = kernelBlocks('quantizeRowQ4_0', src.length, dst.length, QK, BLOCK_BYTES);
  for (let i = 0; i < nb; i++) {
    const x = i * QK;
    const o = i * BLOCK_BYTES;
    let amax = 0;
    let max = 0;
    for (let j = 0; j < QK; j++) {
      const v = src[x + j];
      const a = Math.abs(v);
      if (!(a <= MAX_ABS_INPUT)) rejectValue('q4_0', x + j, v);
      if (amax < a) {
        amax = a;
        max = v;
      }
    }
    const d = fround(max / -8);
    const id = d !== 0 ? fround(1 / d) : 0;
    guardScale('q4_0', 'd', i, QK, writeF16(dst, o, d), d);
    for (let j = 0; j < 16; j++) {
      const x0 = fround(src[x + j] * id);
      const x1 = fround(src[x + 16 + j] * id);
      const q0 = Math.min(15, truncI8(fround(x0 + 8.5))) & 0xff;
      const q1 = Math.min(15, truncI8(fround(x1 + 8.5))) & 0xff;
      dst[o + 2 + j] = q0 | (q1 << 4);
    }
  }
}

export function dequantizeRowQ4_0(src: Uint8Array, dst: Float32Array): void {
  const nb = kernelBlocks('dequantizeRowQ4_0', dst.length, src.length, QK, BLOCK_BYTES);
  for (let i = 0; i < nb; i++) {
    const o = i * BLOCK_BYTES;
    const d = decodeScale('q4_0', 'd', i, readF16Bits(src, o));
    const y = i * QK;
    for (let j = 0; j < 16; j++) {
      const b = src[o + 2 + j];
      dst[y + j] = ((b & 0x0f) - 8) * d;
      dst[y + 16 + j] = ((b >>> 4) - 8) * d;
    }
  }
}

export const q4_0 = ggmlBlockCodec({
  id: 11,
  name: 'q4_0',
  ggmlType: 2,
  blockSize: QK,
  blockBytes: BLOCK_BYTES,
  summary: 'GGML Q4_0: 32-value blocks, fp16 scale + 4-bit values (4.5 bits/weight)',
  quantizeRow: quantizeRowQ4_0,
  dequantizeRow: dequantizeRowQ4_0,
});
