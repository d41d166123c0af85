/**
 * Q6_K (GGML type 14): super-blocks of 256 values (16 sub-blocks of 16),
 * 210 bytes: ql[128], qh[64], int8 scales[16], fp16 d LAST.
 * value = d·sc·(q − 32), q 6 bits. For each 128-value half h and l < 32:
 * ql[64h+l] = q(128h+l) | q(128h+64+l)<<4, ql[64h+32+l] = q(128h+32+l) |
 * q(128h+96+l)<<4, qh[32h+l] = top 2 bits of q(128h+l), +32, +64, +96 at
 * bit 0, 2, 4, 6.
 * Byte-identical to ggml's quantize_row_q6_K_ref: make_qx_quants(16, 32, x,
 * rmse_type 1) per sub-block, int8 scales against the largest |scale|, levels
 * recomputed from the stored scales. Float32 arithmetic in the C order.
 */
import { ggmlBlockCodec } from './ggml/block-codec.js';
import { GROUP_MAX_EPS, fround, nearestInt } from './ggml/f32-math.js';
import { F16_TABLE, readF16Bits, writeF16 } from './ggml/fp16-io.js';
import { kernelBlocks } from './ggml/geometry.js';
import { makeQxQuantsRmse1 } from './ggml/make-qx-quants.js';
import { decodeScale, guardScale, guardValues } from './ggml/value-guard.js';

const QK_K = 256;
const BLOCK_BYTES = 210;
const QH = 128;
const SC = 192;
const D = 208;

const L = new Int8Array(QK_K);
const scales = new Float32Array(16);

export function quantizeRowQ6_K(src: Float32Array, dst: Uint8Array): void {
  const nb = kernelBlocks('quantizeRowQ6_K', src.length, dst.length, QK_K, BLOCK_BYTES);
  for (let i = 0; i < nb; i++) {
    const x = i * QK_K;
    const o = i * BLOCK_BYTES;
    guardValues('q6_k', src, x, QK_K);
    let maxScale = 0;
    let maxAbsScale = 0;
    for (let ib = 0; ib < 16; ib++) {
      const scale = makeQxQuantsRmse1(16, 32, src, x + 16 * ib, L, 16 * ib);
      scales[ib] = scale;
      const abs = Math.abs(scale);
      if (abs > maxAbsScale) {
        maxAbsScale = abs;
        maxScale = scale;
      }
    }
    if (maxAbsScale < GROUP_MAX_EPS) {
      dst.fill(0, o, o + BLOCK_BYTES); // all-zero block, d = +0
      continue;
    }
    const iscale = fround(-128 / maxScale);
    const dF = fround(1 / iscale);
    const dBits = writeF16(dst, o + D, dF);
    guardScale('q6_k', 'd', i, QK_K, dBits, dF);
    for (let ib = 0; ib < 16; ib++) {
      // int8_t = MIN(127, nearest_int(...)): a byte, signed.
      dst[o + SC + ib] = Math.min(127, nearestInt(fround(iscale * scales[ib])));
    }
    const d16 = F16_TABLE[dBits];
    for (let j = 0; j < 16; j++) {
      const d = fround(d16 * ((dst[o + SC + j] << 24) >> 24));
      if (d === 0) continue; // keeps make_qx_quants' levels, as ggml does
      const xs = x + 16 * j;
      for (let ii = 0; ii < 16; ii++) {
        const l = nearestInt(fround(src[xs + ii] / d));
        L[16 * j + ii] = Math.max(-32, Math.min(31, l)) + 32;
      }
    }
    for (let h = 0; h < 2; h++) {
      const j = 128 * h;
      const ql = o + 64 * h;
      const qh = o + QH + 32 * h;
      for (let l = 0; l < 32; l++) {
        const a = L[j + l];
        const b = L[j + l + 32];
        const c = L[j + l + 64];
        const e = L[j + l + 96];
        dst[ql + l] = (a & 0xf) | ((c & 0xf) << 4);
        dst[ql + l + 32] = (b & 0xf) | ((e & 0xf) << 4);
        dst[qh + l] = (a >> 4) | ((b >> 4) << 2) | ((c >> 4) << 4) | ((e >> 4) << 6);
      }
    }
  }
}

export function dequantizeRowQ6_K(src: Uint8Array, dst: Float32Array): void {
  const nb = kernelBlocks('dequantizeRowQ6_K', dst.length, src.length, QK_K, BLOCK_BYTES);
  for (let i = 0; i < nb; i++) {
    const o = i * BLOCK_BYTES;
    const d = decodeScale('q6_k', 'd', i, readF16Bits(src, o + D));
    for (let h = 0; h < 2; h++) {
      const ql = o + 64 * h;
      const qh = o + QH + 32 * h;
      const sc = o + SC + 8 * h;
      const y = i * QK_K + 128 * h;
      for (let l = 0; l < 32; l++) {
        const is = l >>> 4;
        const lo = src[ql + l];
        const hi = src[ql + l + 32];
        const bits = src[qh + l];
        const q1 = ((lo & 0xf) | ((bits & 3) << 4)) - 32;
        const q2 = ((hi & 0xf) | (((bits >>> 2) & 3) << 4)) - 32;
        const q3 = ((lo >>> 4) | (((bits >>> 4) & 3) << 4)) - 32;
        const q4 = ((hi >>> 4) | (((bits >>> 6) & 3) << 4)) - 32;
        dst[y + l] = fround(d * ((src[sc + is] << 24) >> 24)) * q1;
        dst[y + l + 32] = fround(d * ((src[sc + is + 2] << 24) >> 24)) * q2;
        dst[y + l + 64] = fround(d * ((src[sc + is + 4] << 24) >> 24)) * q3;
        dst[y + l + 96] = fround(d * ((src[sc + is + 6] << 24) >> 24)) * q4;
      }
    }
  }
}

export const q6_k = ggmlBlockCodec({
  id: 16,
  name: 'q6_k',
  ggmlType: 14,
  blockSize: QK_K,
  blockBytes: BLOCK_BYTES,
  summary: 'GGML Q6_K: 256-value super-blocks, int8 sub-block scales + 6-bit values (6.5625 bits/weight)',
  quantizeRow: quantizeRowQ6_K,
  dequantizeRow: dequantizeRowQ6_K,
});
