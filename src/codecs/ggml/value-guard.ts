/**
 * What GGML block codecs refuse. GGML itself has no answer for NaN/Inf (its
 * reference code hits undefined behaviour) nor for values whose block scale
 * overflows fp16 (it stores Inf and decodes garbage), so tensorhive rejects
 * both with a CodecError instead of producing bytes that decode to wrong
 * numbers. Every finite input whose scales fit fp16 is encoded byte-exactly.
 */
import { CodecError, FormatError } from '../../errors/index.js';
import { F16_TABLE, f16IsNonFinite } from './fp16-io.js';

/**
 * Largest |x| accepted: 2^28. No GGML type here can represent more (Q6_K tops
 * out at 32·128·65504 ≈ 2.68e8), and below it the K-quant scale searches never
 * produce NaN in float32.
 */
export const MAX_ABS_INPUT = 268435456;

/** Throw for the element `src[index]` that failed `|x| <= MAX_ABS_INPUT`. */
export function rejectValue(codec: string, index: number, value: number): never {
  const why = Number.isNaN(value) || !Number.isFinite(value) ? 'values must be finite' : `|x| must be at most 2^28`;
  throw new CodecError(`${codec} cannot encode element ${index} = ${value}: ${why}`);
}

/** Check `src[start..start+n)`; throws CodecError naming the first bad element. */
export function guardValues(codec: string, src: Float32Array, start: number, n: number): void {
  for (let i = start, end = start + n; i < end; i++) {
    const v = src[i];
    if (!(v <= MAX_ABS_INPUT && v >= -MAX_ABS_INPUT)) rejectValue(codec, i, v);
  }
}

/** Throw when an encoded fp16 scale overflowed (values too large for the type). */
export function guardScale(codec: string, field: string, block: number, blockSize: number, bits: number, value: number): void {
  if (!f16IsNonFinite(bits)) return;
  const first = block * blockSize;
  throw new CodecError(
    `${codec} block ${block} (elements ${first}..${first + blockSize - 1}): scale ${field} = ${value} overflows fp16 ` +
      `(max 65504); values this large cannot be represented in ${codec}`,
  );
}

/** Read an fp16 scale for decoding; a non-finite stored scale is a malformed payload. */
export function decodeScale(codec: string, field: string, block: number, bits: number): number {
  if (f16IsNonFinite(bits)) {
    throw new FormatError(`payload.block[${block}].${field}`, `${codec} scale is not finite (fp16 0x${bits.toString(16)})`);
  }
  return F16_TABLE[bits];
}
