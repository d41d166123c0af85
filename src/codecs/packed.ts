/**
 * packed — lossless entropy coding on top of a quantized payload (id 38).
 *
 * Params: { inner: 'q8_0' (default) | 'q4_0' | 'q4_1' | 'q5_0' | 'q5_1' |
 * 'q4_k' | 'q6_k' | 'nf4' | 'int8', ...the inner codec's own params }.
 * The tensor is encoded with the inner codec (for GGML types: GGUF's exact
 * block bytes); that payload is then split into streams of like bytes (per
 * field of the block: scale low bytes, scale high bytes, code bytes, …; see
 * lossless/code-streams.ts and LAYOUTS below) and each stream is coded with
 * byteplane (one Huffman-coded plane, raw or constant). Decoding rebuilds the
 * inner payload byte for byte and hands it to the inner decoder, so the
 * numbers are exactly the inner codec's — smaller files at identical numbers.
 *
 * Payload:
 *   u8 mode   0 = stored: the inner payload follows unchanged (1 + inner bytes)
 *             1 = coded: per stream, in layout order:
 *                  varint len, then a byteplane payload of len bytes coding the
 *                  stream as a U8 tensor of its length
 * The encoder stores when coding is not smaller, so the payload is at most
 * 1 + the inner payload (variableSize).
 */
import { FormatError } from '../errors/index.js';
import type { DType } from '../tensor/dtype.js';
import { type Shape, checkShape, numel } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import type { AnyCodec, Codec, CodecParams } from './codec.js';
import { byteplane } from './byteplane.js';
import { int8 } from './int8.js';
import { ByteReader, ByteWriter, varintBytes } from './lossless/byte-io.js';
import { type Region, gatherStream, scatterStream, streamsOf } from './lossless/code-streams.js';
import { nf4 } from './nf4.js';
import { q4_0 } from './q4_0.js';
import { q4_1 } from './q4_1.js';
import { q4_k } from './q4_k.js';
import { q5_0 } from './q5_0.js';
import { q5_1 } from './q5_1.js';
import { q6_k } from './q6_k.js';
import { q8_0 } from './q8_0.js';
import { enumParam, paramObject } from './quant/params.js';

const NAME = 'packed';
const STORED = 0;
const CODED = 1;

type Group = readonly [number, number];
/** Record columns one by one: [0,1], [1,2], … */
const columns = (k: number, from = 0): Group[] => Array.from({ length: k }, (_, i) => [from + i, from + i + 1] as const);
const f32s = (count: number): Region => ({ bytes: 4 * count, period: 4, groups: columns(4) });
const bytesOf = (count: number): Region => ({ bytes: count, period: 1, groups: [[0, 1]] });

interface Inner {
  codec: AnyCodec;
  /** Regions of the inner payload (`bytes` long) for n elements and the inner params. */
  layout(bytes: number, n: number, p: CodecParams): Region[];
}

/** A GGML block type: one region of blocks; each fp16 scale byte alone, each code field whole. */
function ggml(codec: AnyCodec, groups: Group[]): Inner {
  return { codec, layout: (bytes) => [{ bytes, period: groups[groups.length - 1][1], groups }] };
}

/** The block fields of each inner format (REFERENCE.md, docs/codecs.md): formats are data. */
const INNERS: Record<string, Inner> = {
  q8_0: ggml(q8_0, [...columns(2), [2, 34]]), // d, qs[32]
  q4_0: ggml(q4_0, [...columns(2), [2, 18]]), // d, qs[16]
  q4_1: ggml(q4_1, [...columns(4), [4, 20]]), // d, m, qs[16]
  q5_0: ggml(q5_0, [...columns(2), [2, 6], [6, 22]]), // d, qh[4], qs[16]
  q5_1: ggml(q5_1, [...columns(4), [4, 8], [8, 24]]), // d, m, qh[4], qs[16]
  q4_k: ggml(q4_k, [...columns(4), [4, 16], [16, 144]]), // d, dmin, scales[12], qs[128]
  q6_k: ggml(q6_k, [[0, 128], [128, 192], [192, 208], ...columns(2, 208)]), // ql, qh, sc[16], d
  nf4: {
    codec: nf4,
    layout(bytes, n, p) {
      const nb = Math.ceil(n / (p.blockSize as number));
      const codes = bytesOf(Math.ceil(n / 2));
      if (p.doubleQuant !== true) return [f32s(nb), codes];
      return [f32s(1 + Math.ceil(nb / 256)), bytesOf(nb), codes]; // mean + scales, qabsmax, codes
    },
  },
  int8: {
    codec: int8,
    layout(bytes, n, p) {
      const asym = p.scheme === 'asymmetric';
      const groups = (bytes - n) / (asym ? 8 : 4);
      return asym ? [f32s(groups), f32s(groups), bytesOf(n)] : [f32s(groups), bytesOf(n)];
    },
  },
};
const INNER_NAMES = Object.keys(INNERS);
/** Codecs `packed` can wrap (its `inner` param). */
export const PACKED_INNERS: readonly string[] = INNER_NAMES;

export type PackedParams = CodecParams & { inner: string };

function split(p: PackedParams): { inner: Inner; innerParams: CodecParams } {
  const { inner, ...rest } = p;
  return { inner: INNERS[inner], innerParams: rest };
}

function bound(shape: Shape, dtype: DType, p: PackedParams): number {
  const { inner, innerParams } = split(p);
  return 1 + inner.codec.payloadBytes(shape, dtype, innerParams);
}

export const packed: Codec<PackedParams> = {
  id: 38,
  name: NAME,
  family: 'quant',
  lossless: false,
  variableSize: true,
  exactFor: [],
  blockSize: q8_0.blockSize,
  summary: 'a quantized payload (q8_0, q4_0, …, nf4, int8) with its code bytes entropy-coded: smaller than GGUF, identical numbers',

  params(raw) {
    const o = paramObject(NAME, raw, ['inner', ...new Set(Object.keys(raw ?? {}).filter((k) => k !== 'inner'))]);
    const inner = enumParam(o, 'inner', INNER_NAMES, 'q8_0');
    const { inner: _drop, ...rest } = o;
    return { inner, ...INNERS[inner].codec.params(rest) };
  },
  check(shape: Shape, dtype: DType, p: PackedParams) {
    const { inner, innerParams } = split(p);
    inner.codec.check(shape, dtype, innerParams);
  },
  payloadBytes: bound,

  encode(tensor: Tensor, p: PackedParams) {
    const { inner, innerParams } = split(p);
    const raw = inner.codec.encode(tensor, innerParams);
    const streams = streamsOf(NAME, inner.layout(raw.length, tensor.numel, innerParams), raw.length);
    const coded = streams.map((s) => {
      const bytes = new Uint8Array(s.bytes);
      gatherStream(raw, s, bytes);
      return byteplane.encode(new Tensor('U8', [s.bytes], bytes), {});
    });
    const size = coded.reduce((a, c) => a + varintBytes(c.length) + c.length, 0);
    const w = new ByteWriter(1 + Math.min(size, raw.length));
    if (size >= raw.length) {
      w.u8(STORED);
      w.copy(raw);
    } else {
      w.u8(CODED);
      for (const c of coded) {
        w.varint(c.length);
        w.copy(c);
      }
    }
    return w.result();
  },

  decode(payload: Uint8Array, shape: Shape, dtype: DType, p: PackedParams) {
    const { inner, innerParams } = split(p);
    const max = bound(shape, dtype, p);
    if (payload.byteLength > max) throw new FormatError('payload', `${NAME} payload is ${payload.byteLength} bytes; at most ${max} for this shape and inner ${p.inner}`);
    const innerBytes = max - 1;
    const r = new ByteReader(payload, NAME);
    const mode = r.u8('mode');
    let raw: Uint8Array;
    if (mode === STORED) {
      raw = r.take(innerBytes, 'stored');
    } else if (mode === CODED) {
      raw = new Uint8Array(innerBytes);
      const streams = streamsOf(NAME, inner.layout(innerBytes, numel(checkShape(shape)), innerParams), innerBytes);
      streams.forEach((s, i) => {
        const len = r.varint(`stream[${i}].bytes`, payload.length - r.pos);
        const back = byteplane.decode(r.take(len, `stream[${i}]`), [s.bytes], 'U8', {});
        scatterStream(back.bytes, s, raw);
      });
    } else throw new FormatError(`${NAME}.mode`, `is ${mode}; expected 0 (stored) or 1 (coded)`);
    r.end();
    return inner.codec.decode(raw, shape, dtype, innerParams);
  },
};
