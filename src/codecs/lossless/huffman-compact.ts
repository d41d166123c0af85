/**
 * Byte-stream Huffman section with a compact length table (byteplane format
 * v2). Only the range of byte values that have a code is stored, at 4 bits a
 * length: a typical exponent plane uses ~22 values in one contiguous band, so
 * its table is ~13 bytes instead of v1's 128 — which lets tensors of a few
 * hundred values be coded instead of stored raw.
 *
 * Layout:
 *   first    u8        the first byte value of the range
 *   last     u8        the last byte value of the range (≥ first)
 *   lengths  u8[⌈(last−first+1)/2⌉]  code length of value first+i in the low
 *                      nibble of byte i/2 (even i) or the high nibble (odd i);
 *                      0 = absent, 1..12 otherwise; a trailing pad nibble is 0
 *   bytes    varint    length of the bit stream that follows (LEB128)
 *   stream   u8[bytes] canonical codes, MSB first, zero-padded to a byte;
 *                      it must end in its last byte (no spare bytes)
 *
 * The codes, the stream and its checks are those of huffman.ts
 * (encodeStream / decodeStream): Kraft, lengths ≤ 12, no unassigned code.
 */
import { FormatError } from '../../errors/index.js';
import { type ByteReader, type ByteWriter, varintBytes } from './byte-io.js';
import { huffmanLengths } from './huffman-lengths.js';
import { decodeStream, encodeStream } from './huffman.js';

/** A planned compact section: lengths, the coded value range and exact sizes. */
export interface CompactPlan {
  lens: Uint8Array;
  first: number;
  last: number;
  streamBytes: number;
  /** first + last + lengths + varint + stream. */
  sectionBytes: number;
}

/** Plan a section for the byte histogram `counts` (at least one non-zero count). */
export function planCompact(counts: Float64Array): CompactPlan {
  const lens = huffmanLengths(counts);
  let first = 0;
  while (first < 255 && lens[first] === 0) first++;
  let last = 255;
  while (last > first && lens[last] === 0) last--;
  let bits = 0;
  for (let s = first; s <= last; s++) bits += counts[s] * lens[s];
  const streamBytes = Math.ceil(bits / 8);
  const tableBytes = 2 + ((last - first + 2) >> 1);
  return { lens, first, last, streamBytes, sectionBytes: tableBytes + varintBytes(streamBytes) + streamBytes };
}

export function writeCompact(w: ByteWriter, src: Uint8Array, plan: CompactPlan): void {
  const { lens, first, last, streamBytes } = plan;
  w.u8(first);
  w.u8(last);
  const packed = w.reserve((last - first + 2) >> 1);
  for (let i = 0; first + i <= last; i++) packed[i >> 1] |= lens[first + i] << ((i & 1) * 4);
  w.varint(streamBytes);
  encodeStream(src, lens, w.reserve(streamBytes));
}

/** Decode a compact section from `r` into `out` (exactly out.length symbols). */
export function readCompact(r: ByteReader, out: Uint8Array): void {
  const codec = r.codec;
  const first = r.u8('huffman.first');
  const last = r.u8('huffman.last');
  if (last < first) throw new FormatError(`${codec}.huffman.last`, `is ${last}, below huffman.first ${first}`);
  const count = last - first + 1;
  const packed = r.take((count + 1) >> 1, 'huffman.lengths');
  if ((count & 1) === 1 && packed[packed.length - 1] >> 4 !== 0) {
    throw new FormatError(`${codec}.huffman.lengths`, 'the pad nibble after the last length is not 0');
  }
  const lens = new Uint8Array(256);
  for (let i = 0; i < count; i++) lens[first + i] = (packed[i >> 1] >> ((i & 1) * 4)) & 15;
  // A stream of n symbols of ≤ 12 bits needs at most ⌈12n/8⌉ bytes; the reader bounds it by the payload too.
  const streamBytes = r.varint('huffman.bytes', Math.ceil((out.length * 12) / 8) + 1);
  decodeStream(r.take(streamBytes, 'huffman.stream'), lens, out, codec);
}
