/**
 * Casts (ids 1–4): the payload is the tensor converted to a narrower float
 * dtype — f16, bf16, fp8 E4M3 (FN, saturating) or fp8 E5M2 (saturating) —
 * as that dtype's little-endian bytes. Rounding is to nearest even (see
 * src/tensor/half.ts and fp8.ts). Decode returns a Tensor of the cast dtype;
 * the caller converts it back to the source dtype if it wants to.
 *
 * `exactFor` lists the source dtypes whose every value is exactly
 * representable in the cast dtype, so tensor → cast → source is bit-exact:
 *   f16:      F16, F8_E4M3, F8_E5M2 (fewer exponent and mantissa bits), I8, U8
 *             (integers up to 2^11 are exact), BOOL.
 *   bf16:     BF16, F8_E4M3, F8_E5M2, I8, U8 (|v| <= 255 needs 8 significant
 *             bits, bf16 has 8), BOOL. Not F16: 11 significant bits.
 *   f8_e4m3:  F8_E4M3, BOOL. Not E5M2 (wider exponent range, infinities).
 *   f8_e5m2:  F8_E5M2, BOOL. Not E4M3 (4 significant bits).
 * Caveats of "exact": NaN stays NaN, but its sign and payload bits are not
 * kept (they are canonicalized by the f32 conversions); BOOL means 0/1 bytes.
 */
import type { Codec } from './codec.js';
import { Tensor } from '../tensor/tensor.js';
import { f32ToBytes } from '../tensor/convert.js';
import { type DType, dtypeInfo } from '../tensor/dtype.js';
import { type Shape, checkShape, numel } from '../tensor/shape.js';
import { paramObject } from './quant/params.js';
import { checkPayloadLength } from './quant/payload.js';
import { type CastDType, kernels } from '../kernels/table.js';

export type CastParams = Record<string, never>;

function castCodec(id: number, name: string, to: CastDType, exactFor: readonly DType[], summary: string): Codec<CastParams> {
  const outBytes = dtypeInfo(to).bytes;
  const codec: Codec<CastParams> = {
    id,
    name,
    family: 'cast',
    lossless: false,
    exactFor,
    blockSize: 1,
    storage: to,
    summary,
    params(rawParams) {
      paramObject(name, rawParams, []);
      return {};
    },
    check(shape: Shape, dtype: DType) {
      checkShape(shape);
      dtypeInfo(dtype);
    },
    payloadBytes(shape: Shape, dtype: DType) {
      dtypeInfo(dtype);
      return numel(checkShape(shape)) * outBytes;
    },
    encode(tensor: Tensor) {
      if (tensor.dtype === to) return tensor.bytes.slice();
      const src = tensor.toF32();
      // Native override (bit-exact with f32ToBytes) when the addon has it.
      const k = kernels.castFromF32?.[to];
      if (!k) return f32ToBytes(to, src);
      const out = new Uint8Array(src.length * outBytes);
      k(src, out);
      return out;
    },
    decode(payload: Uint8Array, shape: Shape, dtype: DType) {
      checkPayloadLength(name, payload, codec.payloadBytes(shape, dtype, {}));
      return new Tensor(to, shape, payload);
    },
  };
  return codec;
}

export const f16 = castCodec(1, 'f16', 'F16', ['F16', 'F8_E4M3', 'F8_E5M2', 'I8', 'U8', 'BOOL'], 'cast to IEEE float16');
export const bf16 = castCodec(2, 'bf16', 'BF16', ['BF16', 'F8_E4M3', 'F8_E5M2', 'I8', 'U8', 'BOOL'], 'cast to bfloat16');
export const f8e4m3 = castCodec(3, 'f8_e4m3', 'F8_E4M3', ['F8_E4M3', 'BOOL'], 'cast to fp8 E4M3 (FN, saturating at ±448)');
export const f8e5m2 = castCodec(4, 'f8_e5m2', 'F8_E5M2', ['F8_E5M2', 'BOOL'], 'cast to fp8 E5M2 (saturating at ±57344)');
