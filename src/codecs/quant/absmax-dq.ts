/**
 * Double quantization of per-block absmax values (bitsandbytes
 * `compress_statistics`), with one documented difference: the centered
 * absmaxes are quantized with a LINEAR signed 8-bit quantizer (scale =
 * max|c|/127, q = round-half-away(c/scale) in [-127, 127]) instead of
 * bitsandbytes' dynamic 8-bit code map. The storage cost is the same:
 *
 *   mean  f32                    the mean of all absmax values (subtracted first)
 *   scale f32[ceil(nb / 256)]    one per group of 256 absmax values
 *   q     int8[nb]               absmax'_i = fround(q_i · scale_g + mean)
 *
 * i.e. 8 + 32/256 bits per block (+32 bits once), which at block 64 gives
 * 4 + 8/64 + 32/(64·256) = 4.127 bits per weight.
 *
 * The dequantized absmax is computed by one function (`dequantAbsmax`) used
 * by both encoder and decoder, so the encoder picks NF4 codes against exactly
 * the absmax the decoder will multiply by.
 */
import { FormatError } from '../../errors/index.js';
import { F32_MAX, readF32s } from './payload.js';
import { roundClamp } from './round.js';

export const DQ_GROUP = 256;

export function dqGroups(nBlocks: number): number {
  return Math.ceil(nBlocks / DQ_GROUP);
}

/** Bytes taken by the double-quantized statistics of `nBlocks` blocks. */
export function dqBytes(nBlocks: number): number {
  return 4 + 4 * dqGroups(nBlocks) + nBlocks;
}

/** The one dequantization formula; saturates so a huge scale cannot yield ±Infinity. */
function dequantAbsmax(q: number, scale: number, mean: number): number {
  const a = q * scale + mean;
  return Math.fround(a > F32_MAX ? F32_MAX : a < -F32_MAX ? -F32_MAX : a);
}

/**
 * Write the double-quantized form of `absmax` into `out` at `offset`
 * (dqBytes(absmax.length) bytes) and overwrite `absmax` with the values the
 * decoder will reconstruct.
 */
export function encodeAbsmax(absmax: Float32Array, out: Uint8Array, offset: number): void {
  const nb = absmax.length;
  const ng = dqGroups(nb);
  let sum = 0;
  for (let i = 0; i < nb; i++) sum += absmax[i];
  const mean = Math.fround(nb > 0 ? sum / nb : 0);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setFloat32(offset, mean, true);
  const qOff = offset + 4 + 4 * ng;
  for (let g = 0; g < ng; g++) {
    const lo = g * DQ_GROUP;
    const hi = Math.min(nb, lo + DQ_GROUP);
    let amax = 0;
    for (let i = lo; i < hi; i++) amax = Math.max(amax, Math.abs(absmax[i] - mean));
    const scale = Math.fround(amax / 127);
    view.setFloat32(offset + 4 + 4 * g, scale, true);
    const inv = scale > 0 ? 1 / scale : 0;
    for (let i = lo; i < hi; i++) {
      const q = roundClamp((absmax[i] - mean) * inv, -127, 127);
      out[qOff + i] = q & 0xff;
      absmax[i] = dequantAbsmax(q, scale, mean);
    }
  }
}

/** Read and dequantize `nBlocks` absmax values; FormatError on a non-finite mean or a bad scale. */
export function decodeAbsmax(payload: Uint8Array, offset: number, nBlocks: number, codec: string): Float32Array {
  const ng = dqGroups(nBlocks);
  const head = readF32s(payload, offset, 1 + ng);
  const mean = head[0];
  if (!Number.isFinite(mean)) throw new FormatError(`${codec}.absmaxMean`, `must be finite, got ${mean}`);
  const absmax = new Float32Array(nBlocks);
  const qOff = payload.byteOffset + offset + 4 + 4 * ng;
  const qs = new Int8Array(payload.buffer, qOff, nBlocks);
  for (let g = 0; g < ng; g++) {
    const scale = head[1 + g];
    if (!(scale >= 0 && scale <= F32_MAX)) {
      throw new FormatError(`${codec}.absmaxScale[${g}]`, `must be finite and >= 0, got ${scale}`);
    }
    const hi = Math.min(nBlocks, (g + 1) * DQ_GROUP);
    for (let i = g * DQ_GROUP; i < hi; i++) absmax[i] = dequantAbsmax(qs[i], scale, mean);
  }
  return absmax;
}
