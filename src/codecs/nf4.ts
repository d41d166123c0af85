/**
 * nf4 — 4-bit NormalFloat (id 20), as in QLoRA / bitsandbytes.
 *
 * Params: { blockSize: 64, doubleQuant: false }. blockSize is any positive
 * even integer (32, 64, 128, 256, …). Blocks run over the flattened tensor
 * (NF4 is not bound to rows); when the element count n is not a multiple of
 * blockSize the LAST BLOCK IS SHORT — its absmax covers only its own elements
 * (as bitsandbytes does) — so no padding elements are stored, and an odd n
 * pads the low nibble of the final byte with code 7 (0.0), ignored on decode.
 *
 * Encoding: per block absmax = max|x| (fp32); each element gets the index of
 * the NF4 code nearest to x/absmax (midpoint ties go up). Decoding:
 * value = code[q]·absmax. NaN/±Infinity in the input is refused with a
 * CodecError naming the first bad element (never clamped silently).
 *
 * Payload (little-endian), nb = ceil(n / blockSize), ng = ceil(nb / 256):
 *   doubleQuant false:
 *     absmax  f32[nb]
 *     codes   u8[ceil(n / 2)]   element 2k in the HIGH nibble, 2k+1 in the LOW
 *                               nibble (bitsandbytes order, opposite of GGML)
 *   doubleQuant true (see quant/absmax-dq.ts; linear 8-bit absmax quantizer):
 *     mean    f32               mean of the block absmaxes
 *     scale   f32[ng]           one per 256 blocks
 *     qabsmax i8[nb]            absmax = fround(qabsmax·scale + mean)
 *     codes   u8[ceil(n / 2)]   as above
 * Size: 4 + 32/blockSize bits per weight; with doubleQuant
 * 4 + 8/blockSize + 32/(256·blockSize) (+ 32 bits once): 4.127 at block 64.
 * Decoding rejects (FormatError) a wrong length and any absmax, mean or
 * scale that is NaN, infinite or negative.
 */
import type { Codec } from './codec.js';
import { FormatError } from '../errors/index.js';
import { Tensor } from '../tensor/tensor.js';
import { type DType, dtypeInfo } from '../tensor/dtype.js';
import { type Shape, checkShape, numel } from '../tensor/shape.js';
import { boolParam, intParam, paramObject } from './quant/params.js';
import { checkPayloadLength, F32_MAX, readF32s, requireFinite } from './quant/payload.js';
import { NF4_CODE, NF4_ZERO, nearestNf4 } from './quant/nf4-code.js';
import { decodeAbsmax, dqBytes, encodeAbsmax } from './quant/absmax-dq.js';
import { kernels, registerNf4ReferenceDecoder } from '../kernels/table.js';

export type Nf4Params = { blockSize: number; doubleQuant: boolean };

const NAME = 'nf4';

interface Layout {
  n: number;
  nBlocks: number;
  /** Byte offset of the packed codes. */
  codesAt: number;
  total: number;
}

function layout(shape: Shape, p: Nf4Params): Layout {
  const n = numel(checkShape(shape));
  const nBlocks = Math.ceil(n / p.blockSize);
  const codesAt = p.doubleQuant ? dqBytes(nBlocks) : 4 * nBlocks;
  return { n, nBlocks, codesAt, total: codesAt + Math.ceil(n / 2) };
}

/** NF4 codes of every block, two per byte: even elements high nibble, odd ones low. */
function encodeBlocks(x: Float32Array, absmax: Float32Array, blockSize: number, codes: Uint8Array): void {
  const n = x.length;
  for (let b = 0; b < absmax.length; b++) {
    const a = absmax[b];
    const inv = a !== 0 ? 1 / a : 0;
    const hi = Math.min(n, (b + 1) * blockSize);
    // blockSize is even, so every block starts on a byte boundary.
    for (let i = b * blockSize; i < hi; i += 2) {
      const q0 = nearestNf4(x[i] * inv);
      const q1 = i + 1 < hi ? nearestNf4(x[i + 1] * inv) : NF4_ZERO;
      codes[i >> 1] = (q0 << 4) | q1;
    }
  }
}

/** encode through the native kernels: absmax and codes in one pass, or absmax, double quantization (TS), codes. */
function encodeNative(x: Float32Array, L: Layout, p: Nf4Params, out: Uint8Array): Uint8Array {
  const codes = out.subarray(L.codesAt);
  if (!p.doubleQuant) {
    if (!kernels.nf4Quantize!(x, p.blockSize, new Float32Array(out.buffer, 0, L.nBlocks), codes, true)) requireFinite(NAME, x);
    return out;
  }
  const absmax = new Float32Array(L.nBlocks);
  if (!kernels.nf4Absmax!(x, p.blockSize, absmax)) requireFinite(NAME, x);
  encodeAbsmax(absmax, out, 0);
  kernels.nf4Quantize!(x, p.blockSize, absmax, codes, false);
  return out;
}

export const nf4: Codec<Nf4Params> = {
  id: 20,
  name: NAME,
  family: 'quant',
  lossless: false,
  exactFor: [],
  blockSize: 1, // not bound to rows: blocks run over the flattened tensor (params.blockSize)
  summary: '4-bit NormalFloat (QLoRA), fp32 absmax per block, optional double quantization',

  params(raw) {
    const r = paramObject(NAME, raw, ['blockSize', 'doubleQuant']);
    return {
      blockSize: intParam(r, 'blockSize', 64, { min: 2, max: 2 ** 30, multipleOf: 2 }),
      doubleQuant: boolParam(r, 'doubleQuant', false),
    };
  },
  check(shape: Shape, dtype: DType) {
    checkShape(shape);
    dtypeInfo(dtype);
  },
  payloadBytes(shape: Shape, dtype: DType, p: Nf4Params) {
    dtypeInfo(dtype);
    return layout(shape, p).total;
  },

  encode(tensor: Tensor, p: Nf4Params) {
    const L = layout(tensor.shape, p);
    const x = tensor.toF32();
    const out = new Uint8Array(L.total);
    // Native override (bit-exact); on NaN/Inf requireFinite throws the CodecError.
    if (kernels.nf4Quantize && kernels.nf4Absmax) return encodeNative(x, L, p, out);
    requireFinite(NAME, x);
    const absmax = new Float32Array(L.nBlocks);
    for (let b = 0; b < L.nBlocks; b++) {
      const hi = Math.min(L.n, (b + 1) * p.blockSize);
      let m = 0;
      for (let i = b * p.blockSize; i < hi; i++) {
        const v = Math.abs(x[i]);
        if (v > m) m = v;
      }
      absmax[b] = m;
    }
    if (p.doubleQuant) encodeAbsmax(absmax, out, 0);
    else new Float32Array(out.buffer, 0, L.nBlocks).set(absmax);
    encodeBlocks(x, absmax, p.blockSize, out.subarray(L.codesAt));
    return out;
  },

  decode(payload: Uint8Array, shape: Shape, dtype: DType, p: Nf4Params) {
    const L = layout(shape, p);
    checkPayloadLength(NAME, payload, nf4.payloadBytes(shape, dtype, p));
    let absmax: Float32Array;
    if (p.doubleQuant) absmax = decodeAbsmax(payload, 0, L.nBlocks, NAME);
    else {
      absmax = readF32s(payload, 0, L.nBlocks);
      for (let b = 0; b < L.nBlocks; b++) {
        const a = absmax[b];
        if (!(a >= 0 && a <= F32_MAX)) throw new FormatError(`${NAME}.absmax[${b}]`, `must be finite and >= 0, got ${a}`);
      }
    }
    const out = new Float32Array(L.n);
    const codes = payload.subarray(L.codesAt);
    const bs = p.blockSize;
    if (kernels.nf4Dequantize) kernels.nf4Dequantize(codes, absmax, bs, out); // absmax validated above
    else dequantizeNf4(codes, absmax, bs, out);
    return Tensor.fromF32(out, shape);
  },
};

/**
 * The reference NF4 decoder: codes (first element in the high nibble) and an
 * absmax per block of `blockSize`, into `dst` (its length is the element count).
 */
export function dequantizeNf4(codes: Uint8Array, absmax: Float32Array, blockSize: number, dst: Float32Array): void {
  const n = dst.length;
  for (let b = 0; b * blockSize < n; b++) {
    const a = absmax[b];
    const hi = Math.min(n, (b + 1) * blockSize);
    for (let i = b * blockSize; i < hi; i += 2) {
      const byte = codes[i >> 1];
      dst[i] = NF4_CODE[byte >> 4] * a;
      if (i + 1 < hi) dst[i + 1] = NF4_CODE[byte & 15] * a;
    }
  }
}

// The kernels layer composes its f16/bf16 fallbacks from this reference.
registerNf4ReferenceDecoder(dequantizeNf4);
