/**
 * raw — pass-through (id 0). The payload is the tensor's bytes unchanged
 * (little-endian, row-major), for every dtype. Encode copies (the payload owns
 * its buffer); decode returns a tensor of the source dtype that shares the
 * payload's bytes (no copy). This is what
 * auto-selection falls back to when no codec earns its keep.
 */
import type { Codec } from './codec.js';
import { Tensor } from '../tensor/tensor.js';
import { type DType, DTYPES, dtypeInfo } from '../tensor/dtype.js';
import { type Shape, checkShape, numel } from '../tensor/shape.js';
import { paramObject } from './quant/params.js';
import { checkPayloadLength } from './quant/payload.js';

export type RawParams = Record<string, never>;

const ALL_DTYPES = Object.keys(DTYPES) as DType[];

export const raw: Codec<RawParams> = {
  id: 0,
  name: 'raw',
  family: 'raw',
  lossless: true,
  exactFor: ALL_DTYPES,
  blockSize: 1,
  summary: 'pass-through: the tensor bytes unchanged',

  params(rawParams) {
    paramObject('raw', rawParams, []);
    return {};
  },
  check(shape: Shape, dtype: DType) {
    checkShape(shape);
    dtypeInfo(dtype);
  },
  payloadBytes(shape: Shape, dtype: DType) {
    return numel(checkShape(shape)) * dtypeInfo(dtype).bytes;
  },
  encode(tensor: Tensor) {
    // A copy: the payload owns its buffer, so it can be transferred without
    // detaching (or aliasing) the caller's tensor.
    return tensor.bytes.slice();
  },
  decode(payload: Uint8Array, shape: Shape, dtype: DType) {
    checkPayloadLength('raw', payload, raw.payloadBytes(shape, dtype, {}));
    return new Tensor(dtype, shape, payload);
  },
};
