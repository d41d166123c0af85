/**
 * delta — batch delta by XOR of bit patterns against a reference (id 36,
 * lossless). For near-identical states (a checkpoint vs the previous one, a
 * fine-tune vs its base) the XOR of each element with its reference element
 * has zero sign/exponent bits and mostly zero high mantissa bits, which the
 * byteplane coder squeezes; the low mantissa planes stay raw.
 *
 * Params: { ref: string, refChecksum: u32 } (lossless/delta-reference.ts):
 * the reference's name and the CRC-32 of its bytes; ref '' = zero reference
 * (XOR is the identity: the payload is byteplane's). The reference has the
 * tensor's shape and dtype and must be supplied at encode AND decode: through
 * `deltaEncode` / `deltaDecode` below, or a codec bound to a resolver with
 * `deltaCodecs(resolve)`. The registry row has no references at hand: a
 * payload that names one throws CodecError naming it.
 *
 * Payload: exactly a byteplane payload (codecs-lossless.md) of the XOR
 * pattern x ⊕ ref, element by element, in the source dtype.
 */
import { ArgumentError } from '../errors/index.js';
import type { DType } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import type { AnyCodec, Codec } from './codec.js';
import { byteplane } from './byteplane.js';
import { deltaQ8Codec } from './delta-q8.js';
import { LOSSLESS_DTYPES } from './lossless/elements.js';
import {
  type DeltaParams,
  MAX_REF_NAME,
  NO_REFERENCES,
  type ReferenceResolver,
  deltaParams,
  referenceChecksum,
  resolveReference,
} from './lossless/delta-reference.js';

const NAME = 'delta';

function xorInto(dst: Uint8Array, ref: Uint8Array): void {
  for (let i = 0; i < dst.length; i++) dst[i] ^= ref[i];
}

export function deltaCodec(resolve: ReferenceResolver): Codec<DeltaParams> {
  return {
    id: 36,
    name: NAME,
    family: 'lossless',
    lossless: true,
    variableSize: true,
    exactFor: LOSSLESS_DTYPES,
    blockSize: 1,
    summary: 'lossless batch delta: XOR with a named reference tensor, then byteplane-coded (near-identical states)',
    params: (raw) => deltaParams(NAME, raw),
    check(shape: Shape, dtype: DType) {
      byteplane.check(shape, dtype, {});
    },
    payloadBytes: (shape: Shape, dtype: DType) => byteplane.payloadBytes(shape, dtype, {}),
    encode(tensor: Tensor, p: DeltaParams) {
      const ref = resolveReference(NAME, p, tensor.shape, tensor.dtype, resolve);
      if (ref === undefined) return byteplane.encode(tensor, {});
      const x = tensor.bytes.slice();
      xorInto(x, ref.bytes);
      return byteplane.encode(new Tensor(tensor.dtype, tensor.shape, x), {});
    },
    decode(payload: Uint8Array, shape: Shape, dtype: DType, p: DeltaParams) {
      // The reference first: a missing one is reported before any work.
      const ref = resolveReference(NAME, p, shape, dtype, resolve);
      const back = byteplane.decode(payload, shape, dtype, {}); // fresh bytes: safe to XOR in place
      if (ref !== undefined) xorInto(back.bytes, ref.bytes);
      return back;
    },
  };
}

/** The registry rows: no reference at hand, only the zero reference (ref ''). */
export const delta = deltaCodec(NO_REFERENCES);

/** Both delta codecs bound to a resolver (e.g. the previous checkpoint by name). */
export function deltaCodecs(resolve: ReferenceResolver): { delta: Codec<DeltaParams>; delta_q8: Codec<DeltaParams> } {
  return { delta: deltaCodec(resolve), delta_q8: deltaQ8Codec(resolve) };
}

export type DeltaMode = 'xor' | 'q8';

/** A delta blob's parts: the codec row it decodes with, its params (naming the reference) and payload. */
export interface DeltaEncoded {
  codec: AnyCodec;
  params: DeltaParams;
  payload: Uint8Array;
}

/**
 * Encode `tensor` as a delta against `reference` (same shape and dtype),
 * named `name` in the params. mode 'xor' is bit-exact; 'q8' stores the
 * arithmetic difference quantized with Q8_0 blocks (lossy, decodes to F32).
 */
export function deltaEncode(tensor: Tensor, reference: { name: string; tensor: Tensor }, mode: DeltaMode = 'xor'): DeltaEncoded {
  if (!(tensor instanceof Tensor)) throw new ArgumentError('tensor must be a Tensor');
  if (typeof reference !== 'object' || reference === null || !(reference.tensor instanceof Tensor)) {
    throw new ArgumentError('reference must be { name, tensor } with a Tensor');
  }
  const { name } = reference;
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_REF_NAME) {
    throw new ArgumentError(`reference.name must be a non-empty string of at most ${MAX_REF_NAME} characters, got ${JSON.stringify(name)}`);
  }
  if (mode !== 'xor' && mode !== 'q8') throw new ArgumentError(`mode must be 'xor' or 'q8', got ${JSON.stringify(mode)}`);
  const bound = deltaCodecs((r) => (r === name ? reference.tensor : undefined));
  const codec = mode === 'xor' ? bound.delta : bound.delta_q8;
  const params = codec.params({ ref: name, refChecksum: referenceChecksum(reference.tensor) });
  return { codec: codec as AnyCodec, params, payload: codec.encode(tensor, params) };
}

/**
 * Decode a delta blob against `reference` (the tensor it was taken against:
 * its shape and dtype are the result's; the checksum in the params must match
 * or IntegrityError). Returns the source dtype for 'delta', F32 for 'delta_q8'.
 */
export function deltaDecode(encoded: Pick<DeltaEncoded, 'params' | 'payload'> & { codec: Pick<AnyCodec, 'name'> }, reference: Tensor): Tensor {
  if (!(reference instanceof Tensor)) throw new ArgumentError('reference must be a Tensor');
  const p = deltaParams(encoded.codec.name, encoded.params);
  const bound = deltaCodecs((r) => (r === p.ref ? reference : undefined));
  const codec = encoded.codec.name === NAME ? bound.delta : encoded.codec.name === 'delta_q8' ? bound.delta_q8 : undefined;
  if (codec === undefined) throw new ArgumentError(`encoded.codec must be delta or delta_q8, got ${JSON.stringify(encoded.codec.name)}`);
  const max = codec.payloadBytes(reference.shape, reference.dtype, p);
  const ok = codec.variableSize === true ? encoded.payload.byteLength <= max : encoded.payload.byteLength === max;
  if (!ok) {
    throw new ArgumentError(`encoded.payload is ${encoded.payload.byteLength} bytes; ${codec.name} allows ${codec.variableSize === true ? 'at most ' : ''}${max} for the reference's shape`);
  }
  return codec.decode(encoded.payload, reference.shape, reference.dtype, p);
}
