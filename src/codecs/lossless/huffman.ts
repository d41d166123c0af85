/**
 * Byte-stream Huffman section: a self-describing block that codes `n` bytes.
 * This is the full-table layout of byteplane format v1 (still decoded; new
 * byteplane payloads use the compact table of huffman-compact.ts, which
 * shares this file's stream coder, table and decoder).
 *
 * Layout (little-endian):
 *   lengths  u8[128]   code length of byte value v in the low nibble of byte
 *                      v/2 (even v) or the high nibble (odd v); 0 = absent,
 *                      1..12 otherwise; must satisfy Kraft (Σ 2^-len ≤ 1)
 *   bytes    u32       length of the bit stream that follows
 *   stream   u8[bytes] canonical codes, MSB first, zero-padded to a byte;
 *                      it must end in its last byte (no spare bytes)
 *
 * Decoding is table-driven: one 4096-entry table (symbol·16 + length) built
 * from the lengths, one lookup per symbol, no allocation per symbol. Every
 * malformed section (bad lengths, an unassigned code, a stream that runs out
 * or has spare bytes) is a FormatError.
 */
import { FormatError } from '../../errors/index.js';
import { kernels } from '../../kernels/table.js';
import type { ByteReader, ByteWriter } from './byte-io.js';
import { MAX_CODE_BITS, canonicalCodes, huffmanLengths, kraftSum } from './huffman-lengths.js';

const TABLE = 1 << MAX_CODE_BITS;
if (MAX_CODE_BITS !== 12) throw new Error('decodeSymbols assumes 12-bit codes');
/** Fixed part of a section: lengths + stream length. */
export const HUFFMAN_OVERHEAD = 128 + 4;

/** Byte histogram of `src`. */
export function histogram(src: Uint8Array): Float64Array {
  const c = new Uint32Array(256);
  for (let i = 0; i < src.length; i++) c[src[i]]++;
  return Float64Array.from(c);
}

/** A planned Huffman section: its lengths and exact size, before writing. */
export interface HuffmanPlan {
  lens: Uint8Array;
  streamBytes: number;
  sectionBytes: number;
}

export function planHuffman(counts: Float64Array): HuffmanPlan {
  const lens = huffmanLengths(counts);
  let bits = 0;
  for (let s = 0; s < 256; s++) bits += counts[s] * lens[s];
  const streamBytes = Math.ceil(bits / 8);
  return { lens, streamBytes, sectionBytes: HUFFMAN_OVERHEAD + streamBytes };
}

export function writeHuffman(w: ByteWriter, src: Uint8Array, plan: HuffmanPlan): void {
  const { lens, streamBytes } = plan;
  const packed = w.reserve(128);
  for (let v = 0; v < 256; v += 2) packed[v >> 1] = lens[v] | (lens[v + 1] << 4);
  w.u32(streamBytes);
  encodeStream(src, lens, w.reserve(streamBytes));
}

/** Write the canonical codes of `src` under `lens` into `out` (exactly ⌈Σ len / 8⌉ bytes), MSB first, zero-padded. */
export function encodeStream(src: Uint8Array, lens: Uint8Array, out: Uint8Array): void {
  const codes = canonicalCodes(lens);
  let acc = 0;
  let bits = 0;
  let pos = 0;
  for (let i = 0; i < src.length; i++) {
    const s = src[i];
    acc = (acc << lens[s]) | codes[s];
    bits += lens[s];
    while (bits >= 8) {
      bits -= 8;
      out[pos++] = (acc >>> bits) & 255;
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out[pos++] = (acc << (8 - bits)) & 255;
}

/** The 4096-entry decode table (symbol·16 + length) of valid lengths; FormatError otherwise. */
export function buildTable(lens: Uint8Array, codec: string): Uint16Array {
  const kraft = kraftSum(lens);
  if (kraft === 0) throw new FormatError(`${codec}.huffman.lengths`, 'no symbol has a code');
  if (kraft > TABLE) throw new FormatError(`${codec}.huffman.lengths`, 'code lengths over-subscribe the code space (not a prefix code)');
  const codes = canonicalCodes(lens);
  const table = new Uint16Array(TABLE);
  for (let s = 0; s < 256; s++) {
    const len = lens[s];
    if (len === 0) continue;
    const lo = codes[s] << (MAX_CODE_BITS - len);
    table.fill((s << 4) | len, lo, lo + (1 << (MAX_CODE_BITS - len)));
  }
  return table;
}

/** Decode a section from `r` into `out` (exactly out.length symbols). */
export function readHuffman(r: ByteReader, out: Uint8Array): void {
  const packed = r.take(128, 'huffman.lengths');
  const lens = new Uint8Array(256);
  for (let v = 0; v < 256; v += 2) {
    lens[v] = packed[v >> 1] & 15;
    lens[v + 1] = packed[v >> 1] >> 4;
  }
  const streamBytes = r.u32('huffman.bytes');
  decodeStream(r.take(streamBytes, 'huffman.stream'), lens, out, r.codec);
}

/**
 * Decode `out.length` symbols of `stream` coded with the canonical code of
 * `lens` (256 entries, 0 = unused): the part every section layout shares.
 * Checks the lengths (≤ 12, Kraft), that no code is unassigned and that the
 * stream ends in its last byte; FormatError otherwise.
 */
export function decodeStream(stream: Uint8Array, lens: Uint8Array, out: Uint8Array, codec: string): void {
  for (let v = 0; v < 256; v++) {
    if (lens[v] > MAX_CODE_BITS) throw new FormatError(`${codec}.huffman.lengths`, `code length ${lens[v]} of byte ${v} exceeds ${MAX_CODE_BITS}`);
  }
  const table = buildTable(lens, codec);
  const end = stream.length;
  const n = out.length;
  // The native twin (native/src/huffman.cc) returns the same bits/−(i+1).
  const native = kernels.huffmanDecode;
  const r0 = native ? native(stream, table, out) : decodeSymbols(stream, table, out);
  if (r0 < 0) {
    const at = -r0 - 1;
    if (at >= n) throw new FormatError(`${codec}.huffman.stream`, `ran out before symbol ${n} of ${n}`);
    throw new FormatError(`${codec}.huffman.stream`, `invalid code at symbol ${at} or the stream ran out there`);
  }
  const used = r0;
  if (used > end * 8) throw new FormatError(`${codec}.huffman.stream`, `ran out: ${n} symbols need ${used} bits, the stream has ${end * 8}`);
  if (end * 8 - used >= 8) throw new FormatError(`${codec}.huffman.stream`, `${Math.floor((end * 8 - used) / 8)} spare bytes after ${n} symbols`);
}

/**
 * The hot loop, kept small so V8 optimizes it whole. Returns the bits
 * consumed, or −(i+1) when symbol i hits an unassigned code or the stream
 * runs more than a byte past its end (reads past the end see zero bytes).
 */
export function decodeSymbols(stream: Uint8Array, table: Uint16Array, out: Uint8Array): number {
  // Local literals: imported constants are live bindings V8 reloads per use.
  const BITS = 12; // = MAX_CODE_BITS
  const MASK = 4095;
  const end = stream.length;
  const n = out.length;
  let acc = 0;
  let bits = 0;
  let pos = 0;
  let i = 0;
  // Fast path while two whole stream bytes remain: refill 16 bits at a time
  // (acc keeps ≤ 27 valid bits), one table lookup per symbol.
  for (; i < n && pos + 2 <= end; i++) {
    if (bits < BITS) {
      acc = ((acc << 16) | (stream[pos] << 8) | stream[pos + 1]) & 0x7ffffff;
      pos += 2;
      bits += 16;
    }
    const e = table[(acc >>> (bits - BITS)) & MASK];
    if (e === 0) return -(i + 1);
    out[i] = e >> 4;
    bits -= e & 15;
  }
  acc &= (1 << bits) - 1;
  for (; i < n; i++) {
    while (bits < BITS) {
      if (pos > end + 1) return -(i + 1);
      acc = ((acc << 8) | (pos < end ? stream[pos] : 0)) & 0xffffff;
      pos++;
      bits += 8;
    }
    const e = table[(acc >>> (bits - BITS)) & MASK];
    if (e === 0) return -(i + 1);
    out[i] = e >> 4;
    bits -= e & 15;
  }
  return pos * 8 - bits;
}
