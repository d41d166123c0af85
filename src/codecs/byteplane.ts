/**
 * byteplane — ZipNN-style lossless coding of floats (id 30).
 *
 * Each element's bytes are split into planes (plane k = byte k of every
 * element). For F32/F16/BF16 the sign bit is rotated to the bottom first, so
 * the top plane holds the exponent: it has ~2.5–3 bits of entropy on trained
 * weights and is Huffman-coded (12-bit length-limited canonical codes); the
 * mantissa planes are near-random and stored raw. Each plane is coded,
 * stored or (when every byte is the same) reduced to one byte; the choice is
 * recorded per plane. A plane is Huffman-coded only when that saves at least
 * `minGain` of its bytes: decoding a coded plane costs a Huffman pass, which
 * a 1 % saving does not repay. Any dtype is accepted (integer dtypes are
 * split without rotation).
 *
 * Decode parses here and leaves the byte work to lossless/planes.ts and
 * lossless/huffman.ts, which run the native kernels when they are on (the TS
 * reference otherwise): raw planes are merged straight from the payload.
 *
 * Params: { minGain: number in [0, 1), default DEFAULT_MIN_GAIN } — encode
 * only; a payload decodes without params.
 *
 * Payload: u8 mode (lossless/frame.ts; 0 = stored raw), then for mode 1:
 *   u8 header       low nibble: flags, bit 0 = sign rotated (set for F32,
 *                   F16, BF16), bits 1–3 = 0; high nibble: format version —
 *                   2 = v2 (written now), 0 = v1 (written before the field
 *                   existed, whose flags byte was 0 or 1), others refused
 *   u8 planes       = bytes per element P
 *   u8 method[P]    per plane: 0 raw, 1 huffman, 2 constant
 *   per plane, in order 0..P-1:
 *     raw       u8[n]
 *     huffman   v2: a compact section (lossless/huffman-compact.ts: value
 *               range, 4-bit lengths, varint bytes, stream); v1: a full
 *               section (lossless/huffman.ts: 128 B lengths, u32 bytes, stream)
 *     constant  u8 value
 */
import { ArgumentError, FormatError } from '../errors/index.js';
import type { DType } from '../tensor/dtype.js';
import type { ByteReader, ByteWriter } from './lossless/byte-io.js';
import { losslessCodec } from './lossless/frame.js';
import { planCompact, readCompact, writeCompact } from './lossless/huffman-compact.js';
import { histogram, readHuffman } from './lossless/huffman.js';
import { type PlaneSource, mergePlaneSources, splitPlanesFast } from './lossless/planes.js';
import { paramObject } from './quant/params.js';

const NAME = 'byteplane';
const RAW = 0;
const HUFFMAN = 1;
const CONSTANT = 2;
const ROTATED = 1;
/** Format versions, in the header byte's high nibble. */
const V1 = 0;
const V2 = 2;

/**
 * Default share of a plane's bytes that Huffman coding must save before the
 * plane is coded (docs/codecs-lossless.md § byteplane has the measurement).
 */
export const DEFAULT_MIN_GAIN = 0.02;

/** minGain is optional so library callers (delta, packed) can pass {}: the default then applies. */
export type ByteplaneParams = { minGain?: number };

function parseParams(raw: Readonly<Record<string, unknown>>): ByteplaneParams {
  const p = paramObject(NAME, raw, ['minGain']);
  const v = p.minGain === undefined ? DEFAULT_MIN_GAIN : p.minGain;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v >= 1) {
    throw new ArgumentError(`params.minGain must be a number in [0, 1), got ${typeof v === 'number' ? v : JSON.stringify(v)}`);
  }
  return { minGain: v };
}

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

export const byteplane = losslessCodec<ByteplaneParams>({
  id: 30,
  name: NAME,
  summary: 'lossless byte planes (ZipNN-style): Huffman-coded exponent plane, raw mantissa planes',
  params: parseParams,

  plan(src, n, P, dtype, params) {
    const minGain = params.minGain ?? DEFAULT_MIN_GAIN;
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
      const h = planCompact(counts);
      const gain = n - h.sectionBytes;
      if (gain > 0 && gain >= minGain * n) {
        methods[k] = HUFFMAN;
        bytes += h.sectionBytes;
        writers.push((w) => writeCompact(w, plane, h));
      } else {
        methods[k] = RAW;
        bytes += n;
        writers.push((w) => w.copy(plane));
      }
    }
    return {
      bytes,
      write(w) {
        w.u8((V2 << 4) | (rotate ? ROTATED : 0));
        w.u8(P);
        w.copy(methods);
        for (const write of writers) write(w);
      },
    };
  },

  read(r: ByteReader, out, n, P, dtype) {
    const header = r.u8('header');
    const version = header >> 4;
    if (version !== V1 && version !== V2) throw new FormatError(`${NAME}.header`, `format version ${version} is unknown; this build reads 0 (v1) and 2 (v2)`);
    const flags = header & 15;
    if (flags !== 0 && flags !== ROTATED) throw new FormatError(`${NAME}.flags`, `is ${flags}; only bit 0 (sign rotated) is defined`);
    const rotate = flags === ROTATED;
    if (rotate && !rotates(dtype)) throw new FormatError(`${NAME}.flags`, `sign rotation is only defined for F32, F16 and BF16, not ${dtype}`);
    const planesCount = r.u8('planes');
    if (planesCount !== P) throw new FormatError(`${NAME}.planes`, `is ${planesCount}; a ${dtype} element has ${P} bytes`);
    const methods = r.take(P, 'methods');
    const readSection = version === V2 ? readCompact : readHuffman;
    // Raw planes stay in the payload and constants stay one byte: only coded
    // planes are materialized, and the merge writes each output byte once.
    const sources: PlaneSource[] = [];
    let coded = 0;
    for (let k = 0; k < P; k++) {
      const m = methods[k];
      if (m === RAW) sources.push(r.take(n, `plane[${k}]`));
      else if (m === HUFFMAN) {
        const plane = decodedPlane(n, coded++);
        readSection(r, plane);
        sources.push(plane);
      } else if (m === CONSTANT) sources.push(r.u8(`plane[${k}].value`));
      else throw new FormatError(`${NAME}.methods[${k}]`, `is ${m}; expected 0 (raw), 1 (huffman) or 2 (constant)`);
    }
    mergePlaneSources(sources, n, rotate, out);
  },
});
