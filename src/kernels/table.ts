/**
 * The kernel table: native overrides that codec rows consult before running
 * their TypeScript reference kernels, keyed like the registry (GGML type id;
 * NF4 and the 16-bit casts by name). An entry is absent when the addon is
 * not loaded, so a codec does `kernels.dequantize[type]?.(src, dst)` and
 * falls back to its reference on `undefined`.
 *
 * Every entry validates lengths and shapes here (ArgumentError) before the
 * addon is called; the addon re-checks them. GGML entries return false when
 * a stored fp16 scale is NaN/Inf: the caller then runs the TS reference,
 * which throws the precise FormatError — the same outcome as without native.
 */
import { ArgumentError } from '../errors/index.js';
import { type NativeAddon, nativeAddon } from './native.js';
import { bytesToF32 } from '../tensor/convert.js';
import { type F32BlockDecoder, type Nf4F32Decoder, composeHalfKernel, composeNf4HalfKernel } from './half-fallback.js';

/** Decode whole blocks; false = malformed payload (run the reference to get its error). */
export type DequantizeKernel = (src: Uint8Array, dst: Float32Array) => boolean;
/**
 * Decode whole blocks straight to 16-bit float bits (f16 or bf16, round to
 * nearest even, NaN quiet): bit-exact with f32 decode then f32ToF16Bits /
 * f32ToBf16Bits, without materializing the f32 tensor. false = malformed payload.
 */
export type DequantizeHalfKernel = (src: Uint8Array, dst: Uint16Array) => boolean;
/** NF4 codes · absmax straight to f16/bf16 bits; absmax already validated. */
export type Nf4DequantizeHalfKernel = (codes: Uint8Array, absmax: Float32Array, blockSize: number, dst: Uint16Array) => void;
/** dequantize on a thread-pool thread: the event loop keeps running meanwhile. */
export type DequantizeAsyncKernel = (src: Uint8Array, dst: Float32Array) => Promise<boolean>;
/** Quantize whole blocks; false = input the reference refuses (run it to get its error). */
export type QuantizeKernel = (src: Float32Array, dst: Uint8Array) => boolean;
/**
 * Options of the fused products.
 * - `activations`: 'int8' (default, as ggml does) quantizes each activation
 *   vector to 8 bits per 32-element block (scale max|x|/127, round to
 *   nearest even; Q4_K: per 256-element block, ggml's Q8_K) and multiplies
 *   with integer dot products; 'f32' keeps the
 *   activations in f32 (slower, closer to decode-then-multiply). An x with
 *   NaN/Inf always takes the f32 path, so they propagate.
 * - `batch`: how many activation vectors (default 1): x is batch × cols and
 *   y is batch × rows, both row-major; the weights are read once per call.
 */
export interface MatVecOptions {
  readonly activations?: 'int8' | 'f32';
  readonly batch?: number;
}
/** y = W·x, W `rows`×`cols` in the codec's blocks; false = malformed W. */
export type MatVecKernel = (
  w: Uint8Array,
  rows: number,
  cols: number,
  x: Float32Array,
  y: Float32Array,
  options?: MatVecOptions,
) => boolean;
/** 16-bit float bytes (little-endian, any alignment) or fp8 bytes to f32. */
export type CastKernel = (src: Uint8Array, dst: Float32Array) => void;
/**
 * INT8 decode (src/codecs/int8.ts): dst[i] = (q[i] − zp[g])·scale[g] with
 * g = floor(i / run) % scales.length (tensor: run ≥ n; block: run = block
 * size; channel: run = product of the dims after the axis). Scales already
 * validated; saturates at ±f32 max like the reference.
 */
export type Int8DequantizeKernel = (q: Int8Array, scales: Float32Array, zps: Int32Array | null, run: number, dst: Float32Array) => void;
/** NF4 codes (first element in the high nibble) · per-block absmax; absmax already validated. */
export type Nf4DequantizeKernel = (codes: Uint8Array, absmax: Float32Array, blockSize: number, dst: Float32Array) => void;
/**
 * NF4 y = W·x. `activations`: 'int8' (default) quantizes x to 8 bits per
 * 32-block as above and replaces the 16 NF4 code values by the int8
 * codebook round(code·127) (ggml's IQ4_NL trick: pshufb lookups, integer
 * dots); it applies when cols and blockSize are multiples of 64 and x is
 * finite, otherwise the 'f32' path runs. 'f32' keeps the exact code values
 * and f32 activations (the result of decode-then-multiply up to summation order).
 */
export type Nf4MatVecKernel = (
  codes: Uint8Array,
  absmax: Float32Array,
  blockSize: number,
  rows: number,
  cols: number,
  x: Float32Array,
  y: Float32Array,
  options?: MatVecOptions,
) => void;

/**
 * One Huffman section's symbols (src/codecs/lossless/huffman.ts): `table` is
 * the 4096-entry decode table (symbol·16 + length), `out` receives exactly
 * out.length symbols. Returns the bits consumed, or −(i+1) when symbol i hits
 * an unassigned code or runs past the stream (+ two zero bytes): the TS
 * decodeSymbols contract, bit-exact.
 */
export type HuffmanDecodeKernel = (stream: Uint8Array, table: Uint16Array, out: Uint8Array) => number;

/** The addon's Huffman export (native/src/huffman.cc); absent from older builds. */
type HuffmanAddon = { huffmanDecode?: (stream: Uint8Array, table: Uint16Array, out: Uint8Array) => number };

export interface KernelTable {
  readonly dequantize: Partial<Record<number, DequantizeKernel>>;
  readonly dequantizeAsync: Partial<Record<number, DequantizeAsyncKernel>>;
  /** GGML type id → decode to f16 bits / to bf16 bits. */
  readonly dequantizeF16: Partial<Record<number, DequantizeHalfKernel>>;
  readonly dequantizeBf16: Partial<Record<number, DequantizeHalfKernel>>;
  readonly quantize: Partial<Record<number, QuantizeKernel>>;
  readonly matvec: Partial<Record<number, MatVecKernel>>;
  readonly castToF32: Partial<Record<'F16' | 'BF16' | 'F8_E4M3' | 'F8_E5M2', CastKernel>>;
  int8Dequantize?: Int8DequantizeKernel;
  nf4Dequantize?: Nf4DequantizeKernel;
  nf4MatVec?: Nf4MatVecKernel;
  nf4DequantizeF16?: Nf4DequantizeHalfKernel;
  nf4DequantizeBf16?: Nf4DequantizeHalfKernel;
  huffmanDecode?: HuffmanDecodeKernel;
}

interface BlockGeometry {
  readonly name: string;
  readonly qk: number;
  readonly bytes: number;
}

/** GGML block geometry by GGML type id (the types the addon decodes). */
export const NATIVE_GGML: Readonly<Record<number, BlockGeometry>> = {
  8: { name: 'q8_0', qk: 32, bytes: 34 },
  2: { name: 'q4_0', qk: 32, bytes: 18 },
  3: { name: 'q4_1', qk: 32, bytes: 20 },
  6: { name: 'q5_0', qk: 32, bytes: 22 },
  7: { name: 'q5_1', qk: 32, bytes: 24 },
  12: { name: 'q4_k', qk: 256, bytes: 144 },
  14: { name: 'q6_k', qk: 256, bytes: 210 },
};
/** GGML types with a fused mat-vec kernel, and with a quantize kernel. */
export const NATIVE_MATVEC: readonly number[] = [8, 2, 12];
/** Types the addon can quantize (Q4_K / Q6_K since native/src/quant_k.cc; an older build lacks them and is probed at load). */
export const NATIVE_QUANTIZE: readonly number[] = [8, 2, 12, 14];

function dims(fn: string, rows: number, cols: number): void {
  for (const [k, v] of [['rows', rows], ['cols', cols]] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw new ArgumentError(`${fn}: ${k} must be a non-negative integer, got ${v}`);
  }
}

/** Checks the activation/result shapes of a fused product; returns the batch. */
function operands(fn: string, rows: number, cols: number, x: Float32Array, y: Float32Array, o: MatVecOptions | undefined): number {
  dims(fn, rows, cols);
  const batch = o?.batch ?? 1;
  if (!Number.isSafeInteger(batch) || batch < 1) throw new ArgumentError(`${fn}: options.batch must be a positive integer, got ${batch}`);
  const act = o?.activations ?? 'int8';
  if (act !== 'int8' && act !== 'f32') throw new ArgumentError(`${fn}: options.activations must be 'int8' or 'f32', got ${JSON.stringify(act)}`);
  if (x.length !== batch * cols) throw new ArgumentError(`${fn}: x.length must be batch × cols = ${batch * cols}, got ${x.length}`);
  if (y.length !== batch * rows) throw new ArgumentError(`${fn}: y.length must be batch × rows = ${batch * rows}, got ${y.length}`);
  return batch;
}

function blocksOf(fn: string, g: BlockGeometry, values: number, bytes: number): void {
  if (values % g.qk !== 0) throw new ArgumentError(`${fn}: ${values} values is not a whole number of ${g.qk}-element blocks`);
  const want = (values / g.qk) * g.bytes;
  if (bytes !== want) throw new ArgumentError(`${fn}: ${values / g.qk} blocks need ${want} bytes, got ${bytes}`);
}

function nf4Layout(fn: string, n: number, codes: Uint8Array, absmax: Float32Array, blockSize: number): void {
  if (!Number.isSafeInteger(blockSize) || blockSize < 2 || blockSize % 2 !== 0) {
    throw new ArgumentError(`${fn}: blockSize must be a positive even integer, got ${blockSize}`);
  }
  if (absmax.length !== Math.ceil(n / blockSize)) {
    throw new ArgumentError(`${fn}: ${n} values in blocks of ${blockSize} need ${Math.ceil(n / blockSize)} absmax, got ${absmax.length}`);
  }
  if (codes.byteLength !== Math.ceil(n / 2)) {
    throw new ArgumentError(`${fn}: ${n} values need ${Math.ceil(n / 2)} code bytes, got ${codes.byteLength}`);
  }
}

/** Whether this build of the addon has a quantizer for `type` (zero blocks: a no-op when it does); probed once. */
const quantizeProbe = new Map<number, boolean>();
function quantizes(a: NativeAddon, type: number): boolean {
  let ok = quantizeProbe.get(type);
  if (ok === undefined) {
    try {
      ok = a.quantize(type, new Float32Array(0), new Uint8Array(0)) === 0;
    } catch {
      ok = false;
    }
    quantizeProbe.set(type, ok);
  }
  return ok;
}

function fill(t: KernelTable, a: NativeAddon): void {
  for (const [key, g] of Object.entries(NATIVE_GGML)) {
    const type = Number(key);
    t.dequantize[type] = (src, dst) => {
      blocksOf(`dequantize ${g.name}`, g, dst.length, src.byteLength);
      return a.dequantize(type, src, dst) === 0;
    };
    t.dequantizeAsync[type] = async (src, dst) => {
      blocksOf(`dequantizeAsync ${g.name}`, g, dst.length, src.byteLength);
      return (await a.dequantizeAsync(type, src, dst)) === 0;
    };
    for (const [rec, bf16, label] of [[t.dequantizeF16, false, 'f16'], [t.dequantizeBf16, true, 'bf16']] as const) {
      rec[type] = (src, dst) => {
        blocksOf(`dequantize ${g.name} → ${label}`, g, dst.length, src.byteLength);
        return a.dequantizeHalf(type, src, dst, bf16) === 0;
      };
    }
    if (NATIVE_QUANTIZE.includes(type) && quantizes(a, type)) {
      t.quantize[type] = (src, dst) => {
        blocksOf(`quantize ${g.name}`, g, src.length, dst.byteLength);
        return a.quantize(type, src, dst) === 0;
      };
    }
    if (NATIVE_MATVEC.includes(type)) {
      t.matvec[type] = (w, rows, cols, x, y, o) => {
        const fn = `matvec ${g.name}`;
        const batch = operands(fn, rows, cols, x, y, o);
        blocksOf(fn, g, rows * cols, w.byteLength);
        return a.matmul(type, w, rows, cols, x, y, batch, (o?.activations ?? 'int8') === 'int8') === 0;
      };
    }
  }
  for (const [dtype, kind] of [['F16', 1], ['BF16', 30]] as const) {
    t.castToF32[dtype] = (src, dst) => {
      if (src.byteLength !== 2 * dst.length) {
        throw new ArgumentError(`cast ${dtype}: ${dst.length} values need ${2 * dst.length} bytes, got ${src.byteLength}`);
      }
      a.dequantize(kind, src, dst);
    };
  }
  for (const dtype of ['F8_E4M3', 'F8_E5M2'] as const) {
    // The table is the TS reference's decode of all 256 patterns: bit-exact by construction.
    const table = bytesToF32(dtype, Uint8Array.from({ length: 256 }, (_, i) => i));
    t.castToF32[dtype] = (src, dst) => {
      if (src.byteLength !== dst.length) {
        throw new ArgumentError(`cast ${dtype}: ${dst.length} values need ${dst.length} bytes, got ${src.byteLength}`);
      }
      a.lutDequantize(src, table, dst);
    };
  }
  t.int8Dequantize = (q, scales, zps, run, dst) => {
    const fn = 'int8 dequantize';
    if (q.length !== dst.length) throw new ArgumentError(`${fn}: q.length must be dst.length = ${dst.length}, got ${q.length}`);
    if (!Number.isSafeInteger(run) || run < 1) throw new ArgumentError(`${fn}: run must be a positive integer, got ${run}`);
    if (scales.length < 1) throw new ArgumentError(`${fn}: scales must not be empty`);
    if (zps && zps.length !== scales.length) {
      throw new ArgumentError(`${fn}: zps.length must be scales.length = ${scales.length}, got ${zps.length}`);
    }
    a.int8Dequantize(q, scales, zps, run, dst);
  };
  t.nf4Dequantize = (codes, absmax, blockSize, dst) => {
    nf4Layout('nf4 dequantize', dst.length, codes, absmax, blockSize);
    a.nf4Dequantize(codes, absmax, blockSize, dst);
  };
  t.nf4DequantizeF16 = (codes, absmax, blockSize, dst) => {
    nf4Layout('nf4 dequantize → f16', dst.length, codes, absmax, blockSize);
    a.nf4DequantizeHalf(codes, absmax, blockSize, dst, false);
  };
  t.nf4DequantizeBf16 = (codes, absmax, blockSize, dst) => {
    nf4Layout('nf4 dequantize → bf16', dst.length, codes, absmax, blockSize);
    a.nf4DequantizeHalf(codes, absmax, blockSize, dst, true);
  };
  const huff = (a as NativeAddon & HuffmanAddon).huffmanDecode;
  if (typeof huff === 'function') {
    t.huffmanDecode = (stream, table, out) => {
      if (table.length !== 4096) throw new ArgumentError(`huffman decode: table.length must be 4096, got ${table.length}`);
      return huff(stream, table, out);
    };
  }
  t.nf4MatVec = (codes, absmax, blockSize, rows, cols, x, y, o) => {
    const fn = 'nf4 matvec';
    const batch = operands(fn, rows, cols, x, y, o);
    if (cols % 2 !== 0) throw new ArgumentError(`${fn}: cols must be even, got ${cols}`);
    nf4Layout(fn, rows * cols, codes, absmax, blockSize);
    a.nf4Matvec(codes, absmax, blockSize, rows, cols, x, y, batch, (o?.activations ?? 'int8') === 'int8');
  };
}

function clear(t: KernelTable): void {
  for (const rec of [t.dequantize, t.dequantizeAsync, t.dequantizeF16, t.dequantizeBf16, t.quantize, t.matvec, t.castToF32] as Record<string, unknown>[]) {
    for (const k of Object.keys(rec)) delete rec[k];
  }
  t.nf4Dequantize = undefined;
  t.nf4MatVec = undefined;
  t.nf4DequantizeF16 = undefined;
  t.nf4DequantizeBf16 = undefined;
  t.int8Dequantize = undefined;
  t.huffmanDecode = undefined;
}

/** The one kernel table, filled once at load when the addon is present. */
export const kernels: KernelTable = {
  dequantize: {},
  dequantizeAsync: {},
  dequantizeF16: {},
  dequantizeBf16: {},
  quantize: {},
  matvec: {},
  castToF32: {},
};

let enabled = false;

// Reference f32 decoders registered by the codecs (the layer above), from
// which the decode-to-f16/bf16 entries are composed when native is off.
const references = new Map<number, { decode: F32BlockDecoder; qk: number; bytes: number }>();
let nf4Reference: Nf4F32Decoder | undefined;

function fillFallback(t: KernelTable): void {
  for (const [type, r] of references) {
    t.dequantizeF16[type] = composeHalfKernel(r.decode, r.qk, r.bytes, 'F16');
    t.dequantizeBf16[type] = composeHalfKernel(r.decode, r.qk, r.bytes, 'BF16');
  }
  if (nf4Reference) {
    t.nf4DequantizeF16 = composeNf4HalfKernel(nf4Reference, 'F16');
    t.nf4DequantizeBf16 = composeNf4HalfKernel(nf4Reference, 'BF16');
  }
}

/**
 * Registers a codec's TS reference decoder of whole blocks, so that
 * `kernels.dequantizeF16/Bf16[ggmlType]` exist (composed in TS: decode a
 * chunk to f32, narrow) when the native addon is missing or turned off. The
 * TS fallback throws the reference's FormatError on a malformed block.
 */
export function registerReferenceDecoder(ggmlType: number, qk: number, bytes: number, decode: F32BlockDecoder): void {
  references.set(ggmlType, { decode, qk, bytes });
  if (!enabled) fillFallback(kernels);
}

/** The same for NF4 (codes with the first element in the high nibble, absmax per block). */
export function registerNf4ReferenceDecoder(decode: Nf4F32Decoder): void {
  nf4Reference = decode;
  if (!enabled) fillFallback(kernels);
}

/**
 * Use native kernels (true, the default when the addon loads) or the TS
 * reference kernels only (false). Returns whether native kernels are now in
 * use. For parity tests and benchmarks; process-wide.
 */
export function setNativeKernels(on: boolean): boolean {
  const a = on ? nativeAddon() : null;
  clear(kernels);
  if (a) fill(kernels, a);
  else fillFallback(kernels);
  enabled = a !== null;
  return enabled;
}

/** Whether the table currently holds native kernels. */
export function nativeKernelsEnabled(): boolean {
  return enabled;
}

setNativeKernels(true);
