/**
 * The reference a batch delta is taken against. A delta blob names what it
 * needs in its params — `{ ref, refChecksum }` (a caller-chosen name and the
 * CRC-32 of the reference's bytes) — so decoding without the right reference
 * is a typed error naming it, never wrong numbers.
 *
 * `ref: ''` means the zero reference (all bits zero): XOR against it is the
 * identity and an arithmetic delta is the tensor itself, so the registry rows
 * round-trip on their own (the default params).
 */
import { crc32 } from 'node:zlib';
import { ArgumentError, CodecError, DTypeError, IntegrityError, ShapeError } from '../../errors/index.js';
import type { DType } from '../../tensor/dtype.js';
import { type Shape, formatShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { paramObject } from '../quant/params.js';

export type DeltaParams = { ref: string; refChecksum: number };

/** Finds the reference tensor a blob names, or undefined when it is not at hand. */
export type ReferenceResolver = (ref: string) => Tensor | undefined;

export const NO_REFERENCES: ReferenceResolver = () => undefined;
export const MAX_REF_NAME = 255;

export function deltaParams(codec: string, raw: Readonly<Record<string, unknown>> | undefined): DeltaParams {
  const o = paramObject(codec, raw, ['ref', 'refChecksum']);
  const ref = o.ref ?? '';
  if (typeof ref !== 'string' || ref.length > MAX_REF_NAME) {
    throw new ArgumentError(`params.ref must be a string of at most ${MAX_REF_NAME} characters ('' = zero reference), got ${JSON.stringify(ref)}`);
  }
  const sum = o.refChecksum ?? 0;
  if (typeof sum !== 'number' || !Number.isInteger(sum) || sum < 0 || sum > 0xffffffff) {
    throw new ArgumentError(`params.refChecksum must be a u32 (CRC-32 of the reference bytes), got ${JSON.stringify(sum)}`);
  }
  if (ref === '' && sum !== 0) throw new ArgumentError(`params.refChecksum must be 0 with the zero reference (params.ref ''), got ${sum}`);
  return { ref, refChecksum: sum };
}

/** CRC-32 of a reference's bytes, as stored in `refChecksum`. */
export function referenceChecksum(t: Tensor): number {
  return crc32(t.bytes) >>> 0;
}

const hex = (v: number): string => `0x${v.toString(16).padStart(8, '0')}`;

/**
 * The reference the params name, checked against the tensor's shape/dtype and
 * the stored checksum; undefined for the zero reference.
 */
export function resolveReference(codec: string, p: DeltaParams, shape: Shape, dtype: DType, resolve: ReferenceResolver): Tensor | undefined {
  if (p.ref === '') return undefined;
  const t = resolve(p.ref);
  if (t === undefined) {
    throw new CodecError(
      `${codec} needs reference tensor ${JSON.stringify(p.ref)} (crc32 ${hex(p.refChecksum)}); ` +
        'pass it to deltaEncode/deltaDecode or bind it with deltaCodecs(resolve)',
    );
  }
  if (!(t instanceof Tensor)) throw new ArgumentError(`reference ${JSON.stringify(p.ref)} must be a Tensor`);
  if (t.dtype !== dtype) throw new DTypeError(`reference ${JSON.stringify(p.ref)} is ${t.dtype}; the tensor is ${dtype} (a delta needs the same dtype)`);
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new ShapeError(`reference ${JSON.stringify(p.ref)} has shape ${formatShape(t.shape)}; the tensor has ${formatShape(shape)}`);
  }
  const sum = referenceChecksum(t);
  if (sum !== p.refChecksum) {
    throw new IntegrityError(`reference ${JSON.stringify(p.ref)}`, `crc32 is ${hex(sum)}; the delta was taken against ${hex(p.refChecksum)}`);
  }
  return t;
}
