/**
 * byteplane — ZipNN-style lossless coding of floats (id 30).
 *
 * Each element's bytes are split into planes (plane k = byte k of every
 * element). For F32/F16/BF16 the sign bit is rotated to the bottom first, so
 * the top plane holds the exponent: it has ~2.5–3 bits of entropy on trained
 * weights and is Huffman-coded (12-bit length-limited canonical codes); the
 * mantissa planes are near-random and stored raw. Each plane is coded,
 * stored or (when every byte is the same) reduced to one byte, whichever is
 * smallest; the choice is recorded per plane. Any dtype is accepted (integer
 * dtypes are split without rotation).
 *
 * Decode parses here and leaves the byte work to lossless/planes.ts and
 * lossless/huffman.ts, which run the native kernels when they are on (the TS
 * reference otherwise): raw planes are merged straight from the payload.
 *
 * Payload: u8 mode (lossless/frame.ts; 0 = stored raw), then for mode 1:
 *   u8 flags        bit 0: sign rotated (set for F32, F16, BF16); others 0
 *   u8 planes       = bytes per element P
 *   u8 method[P]    per plane: 0 raw, 1 huffman, 2 constant
 *   per plane, in order 0..P-1:
 *     raw       u8[n]
 *     huffman   a Huffman section (lossless/huffman.ts: 128 B lengths, u32 bytes, stream)
 *     constant  u8 value
 */
import { FormatError } from '../errors/index.js';
import type { DType } from '../tensor/dtype.js';
import type { ByteReader, ByteWriter } from './lossless/byte-io.js';
import { losslessCodec } from './lossless/frame.js';
import { histogram, planHuffman, readHuffman, writeHuffman } from './lossless/huffman.js';
import { type PlaneSource, mergePlaneSources, splitPlanesFast } from './lossless/planes.js';

const NAME = 'byteplane';
const RAW = 0;
const HUFFMAN = 1;
const CONSTANT = 2;
const ROTATED = 1;

/**
 * Buffers for decoded Huffman planes, reused across decodes up to 16 MiB
 * (a fresh zeroed allocation costs page faults on every decode); a plane is
 * fully overwritten by its decode before the merge reads it. Per module
 * instance, so per worker thread; decode is synchronous, so never shared.
 */
const KEEP_SCRATCH = 1 << 24;
let scratch = new Uint8Array(0);
function decodedPlane(n: number, index: number): Uint8Array {
  const need = (index + 1) * n;
  if (need > KEEP_SCRATCH) return new Uint8Array(n);
  if (scratch.length < need) {
    scratch = new Uint8Array(Math.min(KEEP_SCRATCH, Math.max(need, 2 * scratch.length)));
  }
  return scratch.subarray(index * n, need);
}

function rotates(dtype: DType): boolean {
  return dtype === 'F32' || dtype === 'F16' || dtype === 'BF16';
}

export const byteplane = losslessCodec({
  id: 30,
  name: NAME,
  summary: 'lossless byte planes (ZipNN-style): Huffman-coded exponent plane, raw mantissa planes',

  plan(src, n, P, dtype) {
    const rotate = rotates(dtype);
    const planes = new Uint8Array(n * P);
    splitPlanesFast(src, n, P, rotate, planes);
    const methods = new Uint8Array(P);
    const writers: ((w: ByteWriter) => void)[] = [];
    let bytes = 2 + P;
    for (let k = 0; k < P; k++) {
      const plane = planes.subarray(k * n, (k + 1) * n);
      const counts = histogram(plane);
      let distinct = 0;
      for (let v = 0; v < 256; v++) if (counts[v] > 0) distinct++;
      if (distinct === 1) {
        methods[k] = CONSTANT;
        bytes += 1;
        writers.push((w) => w.u8(plane[0]));
        continue;
      }
      const h = planHuffman(counts);
      if (h.sectionBytes < n) {
        methods[k] = HUFFMAN;
        bytes += h.sectionBytes;
        writers.push((w) => writeHuffman(w, plane, h));
      } else {
        methods[k] = RAW;
        bytes += n;
        writers.push((w) => w.copy(plane));
      }
    }
    return {
      bytes,
      write(w) {
        w.u8(rotate ? ROTATED : 0);
        w.u8(P);
        w.copy(methods);
        for (const write of writers) write(w);
      },
    };
  },

  read(r: ByteReader, out, n, P, dtype) {
    const flags = r.u8('flags');
    if (flags !== 0 && flags !== ROTATED) throw new FormatError(`${NAME}.flags`, `is ${flags}; only bit 0 (sign rotated) is defined`);
    const rotate = flags === ROTATED;
    if (rotate && !rotates(dtype)) throw new FormatError(`${NAME}.flags`, `sign rotation is only defined for F32, F16 and BF16, not ${dtype}`);
    const planesCount = r.u8('planes');
    if (planesCount !== P) throw new FormatError(`${NAME}.planes`, `is ${planesCount}; a ${dtype} element has ${P} bytes`);
    const methods = r.take(P, 'methods');
    // Raw planes stay in the payload and constants stay one byte: only coded
    // planes are materialized, and the merge writes each output byte once.
    const sources: PlaneSource[] = [];
    let coded = 0;
    for (let k = 0; k < P; k++) {
      const m = methods[k];
      if (m === RAW) sources.push(r.take(n, `plane[${k}]`));
      else if (m === HUFFMAN) {
        const plane = decodedPlane(n, coded++);
        readHuffman(r, plane);
        sources.push(plane);
      } else if (m === CONSTANT) sources.push(r.u8(`plane[${k}].value`));
      else throw new FormatError(`${NAME}.methods[${k}]`, `is ${m}; expected 0 (raw), 1 (huffman) or 2 (constant)`);
    }
    mergePlaneSources(sources, n, rotate, out);
  },
});
