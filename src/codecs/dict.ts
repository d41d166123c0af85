/**
 * dict — value dictionary (id 33): when a tensor holds few distinct bit
 * patterns (masks, quantized-then-dequantized weights, embeddings of a small
 * vocabulary of values), each element becomes a b-bit code into a table of
 * the k distinct patterns, b = ceil(log2 k) (0 when k = 1). Up to 65,536
 * distinct values; any dtype, bit-exact (NaN payloads and -0 are their own
 * entries).
 *
 * Payload: u8 mode (lossless/frame.ts; 0 = stored raw), then for mode 1:
 *   varint k          distinct values, 1..min(n, 65536)
 *   u8 b              bits per code; must equal ceil(log2 k)
 *   u8[k·P]           the table: element bytes of each value, in first-seen order
 *   u8[ceil(n·b/8)]   codes, packed LSB first (element i at bit i·b); every code < k,
 *                     bits past the last code 0
 */
import { FormatError } from '../errors/index.js';
import type { DType } from '../tensor/dtype.js';
import type { ByteWriter } from './lossless/byte-io.js';
import { varintBytes } from './lossless/byte-io.js';
import { patternHi, patternLo } from './lossless/elements.js';
import { losslessCodec } from './lossless/frame.js';
import { PatternTable } from './lossless/pattern-table.js';

const NAME = 'dict';
export const DICT_MAX_DISTINCT = 65536;

export function codeBits(k: number): number {
  let b = 0;
  while (1 << b < k) b++;
  return b;
}

/** Distinct patterns of a tensor's elements, counting stops past `max` (-1 then). */
export function countDistinct(src: Uint8Array, n: number, P: number, max: number): number {
  const t = new PatternTable(max, n);
  for (let i = 0; i < n; i++) if (t.codeOf(patternLo(src, i, P), patternHi(src, i, P)) < 0) return -1;
  return t.size;
}

function writeTable(w: ByteWriter, t: PatternTable, P: number): void {
  for (let c = 0; c < t.size; c++) {
    const lo = t.codesLo[c];
    const hi = t.codesHi[c];
    for (let k = 0; k < P; k++) w.u8(k < 4 ? (lo >>> (8 * k)) & 255 : (hi >>> (8 * (k - 4))) & 255);
  }
}

export const dict = losslessCodec({
  id: 33,
  name: NAME,
  summary: 'lossless value dictionary: few distinct values become packed b-bit codes + a table',

  plan(src, n, P, _dtype: DType) {
    const t = new PatternTable(DICT_MAX_DISTINCT, n);
    for (let i = 0; i < n; i++) if (t.codeOf(patternLo(src, i, P), patternHi(src, i, P)) < 0) return undefined;
    const k = t.size;
    const b = codeBits(k);
    const codeBytes = Math.ceil((n * b) / 8);
    return {
      bytes: varintBytes(k) + 1 + k * P + codeBytes,
      write(w) {
        w.varint(k);
        w.u8(b);
        writeTable(w, t, P);
        const codes = w.reserve(codeBytes);
        if (b === 0) return;
        let acc = 0;
        let bits = 0;
        let pos = 0;
        for (let i = 0; i < n; i++) {
          acc |= t.codeOf(patternLo(src, i, P), patternHi(src, i, P)) << bits;
          bits += b;
          while (bits >= 8) {
            codes[pos++] = acc & 255;
            acc >>>= 8;
            bits -= 8;
          }
        }
        if (bits > 0) codes[pos] = acc & 255;
      },
    };
  },

  read(r, out, n, P) {
    const k = r.varint('k', Math.min(n, DICT_MAX_DISTINCT));
    if (k === 0) throw new FormatError(`${NAME}.k`, 'is 0; a non-empty tensor has at least one value');
    const b = r.u8('bits');
    if (b !== codeBits(k)) throw new FormatError(`${NAME}.bits`, `is ${b}; ${k} values need ${codeBits(k)}`);
    const table = r.take(k * P, 'table');
    const codes = r.take(Math.ceil((n * b) / 8), 'codes');
    const mask = (1 << b) - 1;
    let acc = 0;
    let bits = 0;
    let pos = 0;
    for (let i = 0; i < n; i++) {
      while (bits < b) {
        acc |= codes[pos++] << bits;
        bits += 8;
      }
      const c = acc & mask;
      acc >>>= b;
      bits -= b;
      if (c >= k) throw new FormatError(`${NAME}.codes`, `code ${c} of element ${i} is not below k = ${k}`);
      for (let q = 0, o = i * P, t = c * P; q < P; q++) out[o + q] = table[t + q];
    }
    if (acc !== 0) throw new FormatError(`${NAME}.codes`, 'bits past the last code must be 0');
  },
});
