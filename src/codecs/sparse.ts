/**
 * sparse — positions + values of the non-zero elements (id 32). Zero means
 * all bits zero (+0). Any dtype; values are stored raw (bit-exact).
 *
 * Two position layouts; the encoder computes both sizes exactly and keeps the
 * smaller (and stores raw when neither beats n·P):
 *   bitmap  ceil(n/8) bytes, bit i%8 (LSB first) of byte i/8 set for non-zero i
 *   coo     one varint per non-zero: its gap to the previous one (index − prev − 1;
 *           the first is its index)
 * Break-even: bitmap costs n/8 bytes, coo ≥ 1 byte per non-zero, so coo wins
 * below density 1/8 (12.5 %); it needs 2 bytes per gap once gaps pass 127
 * (density < 1/128), where it stays far below n/8. Against raw, the bitmap
 * layout wins below density 1 − 1/(8P): 96.9 % for F32, 93.8 % for F16/BF16.
 *
 * Payload: u8 mode (lossless/frame.ts; 0 = stored raw), then for mode 1:
 *   u8 layout      1 bitmap, 2 coo
 *   varint nnz     non-zero count (≤ n)
 *   positions      as above (bitmap bits past n must be 0; its popcount must be nnz)
 *   u8[nnz·P]      the non-zero elements' bytes, in index order
 */
import { FormatError } from '../errors/index.js';
import type { ByteWriter } from './lossless/byte-io.js';
import { varintBytes } from './lossless/byte-io.js';
import { isZeroElement } from './lossless/elements.js';
import { losslessCodec } from './lossless/frame.js';

const NAME = 'sparse';
const BITMAP = 1;
const COO = 2;

const POPCOUNT = Uint8Array.from({ length: 256 }, (_, v) => {
  let c = 0;
  for (let b = v; b !== 0; b >>= 1) c += b & 1;
  return c;
});

function writeValues(w: ByteWriter, src: Uint8Array, n: number, P: number, nnz: number): void {
  const values = w.reserve(nnz * P);
  let o = 0;
  for (let i = 0; i < n; i++) {
    if (isZeroElement(src, i, P)) continue;
    for (let q = 0; q < P; q++) values[o++] = src[i * P + q];
  }
}

export const sparse = losslessCodec({
  id: 32,
  name: NAME,
  summary: 'lossless sparse: bitmap or gap-coded (COO) positions of non-zeros + their raw values, by density',

  plan(src, n, P) {
    let nnz = 0;
    let cooBytes = 0;
    let prev = -1;
    for (let i = 0; i < n; i++) {
      if (isZeroElement(src, i, P)) continue;
      nnz++;
      cooBytes += varintBytes(i - prev - 1);
      prev = i;
    }
    const bitmapBytes = Math.ceil(n / 8);
    const layout = cooBytes < bitmapBytes ? COO : BITMAP;
    const head = 1 + varintBytes(nnz);
    return {
      bytes: head + (layout === COO ? cooBytes : bitmapBytes) + nnz * P,
      write(w) {
        w.u8(layout);
        w.varint(nnz);
        if (layout === COO) {
          let last = -1;
          for (let i = 0; i < n; i++) {
            if (isZeroElement(src, i, P)) continue;
            w.varint(i - last - 1);
            last = i;
          }
        } else {
          const bits = w.reserve(bitmapBytes);
          for (let i = 0; i < n; i++) if (!isZeroElement(src, i, P)) bits[i >> 3] |= 1 << (i & 7);
        }
        writeValues(w, src, n, P, nnz);
      },
    };
  },

  read(r, out, n, P) {
    const layout = r.u8('layout');
    if (layout !== BITMAP && layout !== COO) throw new FormatError(`${NAME}.layout`, `is ${layout}; expected 1 (bitmap) or 2 (coo)`);
    const nnz = r.varint('nnz', n);
    if (layout === BITMAP) {
      const bits = r.take(Math.ceil(n / 8), 'bitmap');
      let count = 0;
      for (let b = 0; b < bits.length; b++) count += POPCOUNT[bits[b]];
      if (n % 8 !== 0 && bits[bits.length - 1] >> (n % 8) !== 0) throw new FormatError(`${NAME}.bitmap`, `has bits set past element ${n - 1}`);
      if (count !== nnz) throw new FormatError(`${NAME}.bitmap`, `marks ${count} non-zeros; nnz says ${nnz}`);
      const values = r.take(nnz * P, 'values');
      let v = 0;
      for (let i = 0; i < n; i++) {
        if ((bits[i >> 3] >> (i & 7)) & 1) {
          for (let q = 0; q < P; q++) out[i * P + q] = values[v * P + q];
          v++;
        }
      }
    } else {
      // Positions first, into a scratch list: nnz is ≤ n and each position and
      // value takes payload bytes, so a hostile nnz fails before this allocation.
      if (r.bytes.length - r.pos < nnz * (1 + P)) throw new FormatError(`${NAME}.nnz`, `is ${nnz}; the payload is too short for that many positions and values`);
      const at = new Float64Array(nnz);
      let prev = -1;
      for (let k = 0; k < nnz; k++) {
        const gap = r.varint('positions', n - prev - 2 < 0 ? 0 : n - prev - 2);
        prev += gap + 1;
        if (prev >= n) throw new FormatError(`${NAME}.positions`, `position ${prev} is past element ${n - 1}`);
        at[k] = prev;
      }
      const values = r.take(nnz * P, 'values');
      for (let k = 0; k < nnz; k++) {
        const o = at[k] * P;
        for (let q = 0; q < P; q++) out[o + q] = values[k * P + q];
      }
    }
  },
});
