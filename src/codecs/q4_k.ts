/**
 * Q4_K (GGML type 12): super-blocks of 256 values (8 sub-blocks of 32),
 * 144 bytes: fp16 d, fp16 dmin, scales[12] (8 six-bit scales + 8 six-bit mins,
 * see ggml/scale-min-k4.ts), qs[128]. value = d·sc·q − dmin·m.
 * qs: for each 64-value chunk c, byte l of its 32 bytes holds element 64c+l in
 * the low nibble and 64c+32+l in the high nibble.
 * Byte-identical to ggml's quantize_row_q4_K_ref: make_qkx2_quants(32, 15, x,
 * weights = sqrt(mean x²) + |x|, −1, 0.1, 20 steps) per sub-block, scales
 * quantized to 6 bits against the largest, then levels recomputed from the
 * stored scales. Float32 arithmetic in the C order throughout.
 */
import { ggmlBlockCodec } from './ggml/block-codec.js';
import { F32_0_1, fround, nearestInt } from './ggml/f32-math.js';
import { F16_TABLE, readF16Bits, writeF16 } from './ggml/fp16-io.js';
import { kernelBlocks } from './ggml/geometry.js';
import { type Qkx2Result, makeQkx2Quants } from './ggml/make-qkx2-quants.js';
import { getMinK4, getScaleK4, putScaleMinK4 } from './ggml/scale-min-k4.js';
import { decodeScale, guardScale, guardValues } from './ggml/value-guard.js';

const QK_K = 256;
const BLOCK_BYTES = 144;

// Per-call scratch, reused across blocks (no allocation per block).
const L = new Uint8Array(QK_K);
const Laux = new Uint8Array(32);
const weights = new Float32Array(32);
const scales = new Float32Array(8);
const mins = new Float32Array(8);
const fit: Qkx2Result = { scale: 0, theMin: 0 };

export function quantizeRowQ4_K(src: Float32Array, dst: Uint8Array): void {
  const nb = kernelBlocks('quantizeRowQ4_K', src.length, dst.length, QK_K, BLOCK_BYTES);
  for (let i = 0; i < nb; i++) {
    const x = i * QK_K;
    const o = i * BLOCK_BYTES;
    guardValues('q4_k', src, x, QK_K);
    let maxScale = 0;
    let maxMin = 0;
    for (let j = 0; j < 8; j++) {
      const xs = x + 32 * j;
      let sumX2 = 0;
      for (let l = 0; l < 32; l++) sumX2 = fround(sumX2 + fround(src[xs + l] * src[xs + l]));
      const avX = fround(Math.sqrt(fround(sumX2 / 32)));
      for (let l = 0; l < 32; l++) weights[l] = avX + Math.abs(src[xs + l]); // store rounds to f32
      makeQkx2Quants(32, 15, src, xs, weights, L, 32 * j, Laux, -1, F32_0_1, 20, false, fit);
      scales[j] = fit.scale;
      mins[j] = fit.theMin;
      if (fit.scale > maxScale) maxScale = fit.scale;
      if (fit.theMin > maxMin) maxMin = fit.theMin;
    }
    const invScale = maxScale > 0 ? fround(63 / maxScale) : 0;
    const invMin = maxMin > 0 ? fround(63 / maxMin) : 0;
    const sc = o + 4;
    for (let j = 0; j < 12; j++) dst[sc + j] = 0;
    for (let j = 0; j < 8; j++) {
      // C: uint8_t ls = nearest_int(...) wraps to a byte before MIN(63, ls).
      const ls = Math.min(63, nearestInt(fround(invScale * scales[j])) & 0xff);
      const lm = Math.min(63, nearestInt(fround(invMin * mins[j])) & 0xff);
      putScaleMinK4(j, ls, lm, dst, sc);
    }
    const dF = fround(maxScale / 63);
    const dminF = fround(maxMin / 63);
    const dBits = writeF16(dst, o, dF);
    const dminBits = writeF16(dst, o + 2, dminF);
    guardScale('q4_k', 'd', i, QK_K, dBits, dF);
    guardScale('q4_k', 'dmin', i, QK_K, dminBits, dminF);
    const d16 = F16_TABLE[dBits];
    const dmin16 = F16_TABLE[dminBits];
    for (let j = 0; j < 8; j++) {
      const d = fround(d16 * getScaleK4(j, dst, sc));
      if (d === 0) continue; // keeps the levels make_qkx2_quants chose, as ggml does
      const dm = fround(dmin16 * getMinK4(j, dst, sc));
      const xs = x + 32 * j;
      for (let ii = 0; ii < 32; ii++) {
        const l = nearestInt(fround(fround(src[xs + ii] + dm) / d));
        L[32 * j + ii] = Math.max(0, Math.min(15, l));
      }
    }
    let q = o + 16;
    for (let j = 0; j < QK_K; j += 64) {
      for (let l = 0; l < 32; l++) dst[q + l] = L[j + l] | (L[j + l + 32] << 4);
      q += 32;
    }
  }
}

export function dequantizeRowQ4_K(src: Uint8Array, dst: Float32Array): void {
  const nb = kernelBlocks('dequantizeRowQ4_K', dst.length, src.length, QK_K, BLOCK_BYTES);
  for (let i = 0; i < nb; i++) {
    const o = i * BLOCK_BYTES;
    const d = decodeScale('q4_k', 'd', i, readF16Bits(src, o));
    const min = decodeScale('q4_k', 'dmin', i, readF16Bits(src, o + 2));
    const sc = o + 4;
    let q = o + 16;
    let y = i * QK_K;
    for (let is = 0; is < 8; is += 2) {
      const d1 = fround(d * getScaleK4(is, src, sc));
      const m1 = fround(min * getMinK4(is, src, sc));
      const d2 = fround(d * getScaleK4(is + 1, src, sc));
      const m2 = fround(min * getMinK4(is + 1, src, sc));
      for (let l = 0; l < 32; l++) dst[y + l] = fround(d1 * (src[q + l] & 0xf)) - m1;
      for (let l = 0; l < 32; l++) dst[y + 32 + l] = fround(d2 * (src[q + l] >>> 4)) - m2;
      q += 32;
      y += 64;
    }
  }
}

export const q4_k = ggmlBlockCodec({
  id: 15,
  name: 'q4_k',
  ggmlType: 12,
  blockSize: QK_K,
  blockBytes: BLOCK_BYTES,
  summary: 'GGML Q4_K: 256-value super-blocks, 6-bit sub-block scales/mins + 4-bit values (4.5 bits/weight)',
  quantizeRow: quantizeRowQ4_K,
  dequantizeRow: dequantizeRowQ4_K,
});
