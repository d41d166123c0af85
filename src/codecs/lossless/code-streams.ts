/**
 * Streams of a quantized payload: where the bytes that share a distribution
 * lie (all fp16 scale low bytes, all scale high bytes, all code bytes, …), so
 * each stream gets its own entropy code.
 *
 * A layout is a list of regions that tile the payload in order. A region of
 * `bytes` bytes repeats a record of `period` bytes (a GGML block, an f32
 * scale, one code byte); each group [start, end) of record columns becomes
 * one stream: those columns of every record, record by record.
 */
import { CodecError } from '../../errors/index.js';

export interface Region {
  bytes: number;
  period: number;
  groups: readonly (readonly [number, number])[];
}

export interface Stream {
  region: number;
  start: number;
  end: number;
  /** Payload offset of the region. */
  offset: number;
  records: number;
  period: number;
  /** Stream length: records · (end − start). */
  bytes: number;
}

/** The streams of `layout` over a payload of `total` bytes; CodecError when they do not tile it (a layout bug). */
export function streamsOf(codec: string, layout: readonly Region[], total: number): Stream[] {
  const out: Stream[] = [];
  let offset = 0;
  layout.forEach((r, k) => {
    if (r.period < 1 || r.bytes % r.period !== 0) throw new CodecError(`${codec}: region ${k} of ${r.bytes} bytes is not whole ${r.period}-byte records`);
    let col = 0;
    for (const [a, b] of r.groups) {
      if (a !== col || b <= a) throw new CodecError(`${codec}: region ${k} groups must tile its ${r.period}-byte record in order`);
      col = b;
    }
    if (col !== r.period) throw new CodecError(`${codec}: region ${k} groups cover ${col} of ${r.period} record bytes`);
    const records = r.bytes / r.period;
    for (const [a, b] of r.groups) out.push({ region: k, start: a, end: b, offset, records, period: r.period, bytes: records * (b - a) });
    offset += r.bytes;
  });
  if (offset !== total) throw new CodecError(`${codec}: layout covers ${offset} bytes; the payload has ${total}`);
  return out;
}

/** Copy stream `s` out of `payload` into `dst` (s.bytes long). */
export function gatherStream(payload: Uint8Array, s: Stream, dst: Uint8Array): void {
  const w = s.end - s.start;
  if (w === s.period) {
    dst.set(payload.subarray(s.offset, s.offset + s.bytes));
    return;
  }
  for (let i = 0, src = s.offset + s.start, o = 0; i < s.records; i++, src += s.period, o += w) {
    for (let j = 0; j < w; j++) dst[o + j] = payload[src + j];
  }
}

/** Inverse of gatherStream. */
export function scatterStream(src: Uint8Array, s: Stream, payload: Uint8Array): void {
  const w = s.end - s.start;
  if (w === s.period) {
    payload.set(src, s.offset);
    return;
  }
  for (let i = 0, dst = s.offset + s.start, o = 0; i < s.records; i++, dst += s.period, o += w) {
    for (let j = 0; j < w; j++) payload[dst + j] = src[o + j];
  }
}
