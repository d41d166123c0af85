/**
 * The shared frame of the lossless codecs and the codec object they all
 * become. Every payload starts with one mode byte:
 *
 *   0  stored: the n·P element bytes follow unchanged (payload = 1 + n·P)
 *   1  coded:  the scheme's own body follows (documented per codec)
 *
 * The encoder plans the coded body's exact size first and stores raw when
 * coding would not be smaller, so a payload is never more than 1 + n·P bytes:
 * that is the codec's `payloadBytes` bound (`variableSize: true`).
 */
import type { Codec, CodecParams } from '../codec.js';
import { CodecError, FormatError } from '../../errors/index.js';
import type { DType } from '../../tensor/dtype.js';
import { type Shape, checkShape, numel } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { paramObject } from '../quant/params.js';
import { ByteReader, ByteWriter } from './byte-io.js';
import { LOSSLESS_DTYPES, losslessElementBytes } from './elements.js';

export const MODE_STORED = 0;
export const MODE_CODED = 1;

/** A coded body, planned: its exact size and how to write it. */
export interface BodyPlan {
  bytes: number;
  write(w: ByteWriter): void;
}

export type LosslessParams = Record<string, never>;

export interface LosslessScheme<Q extends CodecParams = LosslessParams> {
  id: number;
  name: string;
  summary: string;
  /**
   * Validate encode-side params (defaults filled in); absent: the scheme takes
   * none. Decoding never needs them: a payload describes itself.
   */
  params?(raw: Readonly<Record<string, unknown>>): Q;
  /** Plan the coded body for n elements of P bytes, or undefined when the scheme does not apply. */
  plan(src: Uint8Array, n: number, P: number, dtype: DType, params: Q): BodyPlan | undefined;
  /** Decode a coded body from `r` into `out` (n·P bytes, zero-filled); throw FormatError on anything malformed. */
  read(r: ByteReader, out: Uint8Array, n: number, P: number, dtype: DType): void;
}

export function losslessCodec<Q extends CodecParams = LosslessParams>(s: LosslessScheme<Q>): Codec<Q> {
  const bound = (shape: Shape, dtype: DType): number => 1 + numel(checkShape(shape)) * losslessElementBytes(s.name, dtype);
  return {
    id: s.id,
    name: s.name,
    family: 'lossless',
    lossless: true,
    variableSize: true,
    exactFor: LOSSLESS_DTYPES,
    blockSize: 1,
    summary: s.summary,
    params(raw) {
      if (s.params) return s.params(raw ?? {});
      paramObject(s.name, raw, []);
      return {} as Q;
    },
    check(shape: Shape, dtype: DType) {
      bound(shape, dtype);
    },
    payloadBytes: bound,
    encode(tensor: Tensor, params: Q) {
      const P = losslessElementBytes(s.name, tensor.dtype);
      const n = tensor.numel;
      const src = tensor.bytes;
      const plan = n === 0 ? undefined : s.plan(src, n, P, tensor.dtype, params ?? ({} as Q));
      if (plan === undefined || plan.bytes >= n * P) {
        const out = new Uint8Array(1 + n * P);
        out[0] = MODE_STORED;
        out.set(src, 1);
        return out;
      }
      const w = new ByteWriter(1 + plan.bytes);
      w.u8(MODE_CODED);
      plan.write(w);
      if (w.pos !== w.bytes.length) throw new CodecError(`${s.name}: planned ${plan.bytes} body bytes, wrote ${w.pos - 1}`);
      return w.bytes;
    },
    decode(payload: Uint8Array, shape: Shape, dtype: DType) {
      const max = bound(shape, dtype);
      if (payload.byteLength > max) {
        throw new FormatError('payload', `${s.name} payload is ${payload.byteLength} bytes; at most ${max} for this shape and dtype`);
      }
      const n = numel(shape);
      const P = losslessElementBytes(s.name, dtype);
      const r = new ByteReader(payload, s.name);
      const mode = r.u8('mode');
      if (mode === MODE_STORED) {
        const body = r.take(n * P, 'stored');
        r.end();
        return new Tensor(dtype, shape, body.slice());
      }
      if (mode !== MODE_CODED) throw new FormatError(`${s.name}.mode`, `is ${mode}; expected 0 (stored) or 1 (coded)`);
      const out = new Uint8Array(n * P);
      s.read(r, out, n, P, dtype);
      r.end();
      return new Tensor(dtype, shape, out);
    },
  };
}
