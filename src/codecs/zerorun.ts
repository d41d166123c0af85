/**
 * zerorun — run-length coding of exact zeros (id 31), for post-ReLU
 * activations and pruned weights. Zero means all bits zero (+0; -0 is a
 * literal). Any dtype.
 *
 * Payload: u8 mode (lossless/frame.ts; 0 = stored raw), then for mode 1 a
 * sequence of segments covering the n elements in order:
 *   varint zeros      elements of +0
 *   varint literals   elements stored as they are
 *   u8[literals·P]    their bytes
 * Every segment covers at least one element and the segments end exactly at
 * n. The encoder keeps zero runs shorter than ceil(3/P) elements inside a
 * literal stretch (a new segment costs ≥ 2 bytes).
 */
import { FormatError } from '../errors/index.js';
import type { ByteWriter } from './lossless/byte-io.js';
import { varintBytes } from './lossless/byte-io.js';
import { isZeroElement } from './lossless/elements.js';
import { losslessCodec } from './lossless/frame.js';

const NAME = 'zerorun';

/** Walk the segments; with `w` write them, always return the body size. */
function segments(src: Uint8Array, n: number, P: number, w: ByteWriter | undefined): number {
  const minRun = Math.ceil(3 / P);
  let size = 0;
  let i = 0;
  while (i < n) {
    const zStart = i;
    while (i < n && isZeroElement(src, i, P)) i++;
    const zeros = i - zStart;
    const lStart = i;
    // Extend the literal stretch until a zero run long enough to be worth a segment.
    while (i < n) {
      if (!isZeroElement(src, i, P)) {
        i++;
        continue;
      }
      let j = i;
      while (j < n && j - i < minRun && isZeroElement(src, j, P)) j++;
      if (j - i >= minRun || j === n) break;
      i = j;
    }
    const literals = i - lStart;
    size += varintBytes(zeros) + varintBytes(literals) + literals * P;
    if (w) {
      w.varint(zeros);
      w.varint(literals);
      w.copy(src.subarray(lStart * P, i * P));
    }
  }
  return size;
}

export const zerorun = losslessCodec({
  id: 31,
  name: NAME,
  summary: 'lossless run-length coding of exact zeros (post-ReLU activations, pruned weights)',

  plan(src, n, P) {
    return { bytes: segments(src, n, P, undefined), write: (w) => void segments(src, n, P, w) };
  },

  read(r, out, n, P) {
    let i = 0;
    while (i < n) {
      const zeros = r.varint('zeros', n - i);
      const literals = r.varint('literals', n - i - zeros);
      if (zeros + literals === 0) throw new FormatError(`${NAME}.segment`, `at element ${i} covers no elements`);
      i += zeros;
      out.set(r.take(literals * P, 'literals'), i * P);
      i += literals;
    }
  },
});
