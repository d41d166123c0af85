/**
 * Q8_0 (GGML type 8): blocks of 32 values, 34 bytes: fp16 d, then int8 qs[32].
 * d = max|x| / 127, q = roundf(x · (1/d)); value = q · d.
 * Byte-identical to ggml's quantize_row_q8_0_ref (float32 arithmetic).
 */
import { ggmlBlockCodec } from './ggml/block-codec.js';
import { fround, roundHalfAway, truncI8 } from './ggml/f32-math.js';
import { readF16Bits, writeF16 } from './ggml/fp16-io.js';
import { kernelBlocks } from './ggml/geometry.js';
import { MAX_ABS_INPUT, decodeScale, guardScale, rejectValue } from './ggml/value-guard.js';

const QK = 32;
const BLOCK_BYTES = 34;

export function quantizeRowQ8_0(src: Float32Array, dst: Uint8Array): void {
  const nb = kernelBlocks('quantizeRowQ8_0', src.length, dst.length, QK, BLOCK_BYTES);
  for (let i = 0; i < nb; i++) {
    const x = i * QK;
    const o = i * BLOCK_BYTES;
    let amax = 0;
    for (let j = 0; j < QK; j++) {
      const a = Math.abs(src[x + j]);
      if (!(a <= MAX_ABS_INPUT)) rejectValue('q8_0', x + j, src[x + j]);
      if (a > amax) amax = a;
    }
    const d = fround(amax / 127);
    const id = d !== 0 ? fround(1 / d) : 0;
    guardScale('q8_0', 'd', i, QK, writeF16(dst, o, d), d);
    for (let j = 0; j < QK; j++) {
      dst[o + 2 + j] = truncI8(roundHalfAway(fround(src[x + j] * id)));
    }
  }
}

export function dequantizeRowQ8_0(src: Uint8Array, dst: Float32Array): void {
  const nb = kernelBlocks('dequantizeRowQ8_0', dst.length, src.length, QK, BLOCK_BYTES);
  for (let i = 0; i < nb; i++) {
    const o = i * BLOCK_BYTES;
    const d = decodeScale('q8_0', 'd', i, readF16Bits(src, o));
    const y = i * QK;
    for (let j = 0; j < QK; j++) dst[y + j] = ((src[o + 2 + j] << 24) >> 24) * d;
  }
}

export const q8_0 = ggmlBlockCodec({
  id: 10,
  name: 'q8_0',
  ggmlType: 8,
  blockSize: QK,
  blockBytes: BLOCK_BYTES,
  summary: 'GGML Q8_0: 32-value blocks, fp16 scale + int8 values (8.5 bits/weight)',
  quantizeRow: quantizeRowQ8_0,
  dequantizeRow: dequantizeRowQ8_0,
});
