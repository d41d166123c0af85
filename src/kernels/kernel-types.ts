/**
 * The shapes of the kernel table's entries (src/kernels/table.ts): what each
 * native override takes and returns. The codecs call them through `kernels`.
 */

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

/**
 * Byte planes → elements (native/src/planes.cc, src/codecs/lossless/planes.ts):
 * out (n·P bytes) from P = planes.length (1..8) planes, each n bytes or one
 * constant byte 0..255; `rotate` (P 2 or 4 only) undoes the sign rotation.
 */
export type PlanesMergeKernel = (planes: readonly (Uint8Array | number)[], rotate: boolean, out: Uint8Array) => void;
/** Elements → byte planes: `planes` (P·n bytes) from n elements of P (1..8) bytes; `rotate` as above. */
export type PlanesSplitKernel = (src: Uint8Array, P: number, rotate: boolean, planes: Uint8Array) => void;

/** The narrow float dtypes the casts write. */
export type CastDType = 'F16' | 'BF16' | 'F8_E4M3' | 'F8_E5M2';
/**
 * f32 → a cast dtype's little-endian bytes (dst any alignment, exactly
 * src.length × 2 or × 1 bytes): bit-exact with f32ToBytes (round to nearest
 * even, NaN quiet keeping sign and top payload bits, fp8 saturating).
 */
export type CastFromF32Kernel = (src: Float32Array, dst: Uint8Array) => void;
/**
 * NF4 encode (src/codecs/nf4.ts): codes of x against `absmax` (first element
 * of a pair in the high nibble, an odd tail padded with code 7); with
 * computeAbsmax, absmax[b] = max|x| of each block is written first. false =
 * x holds NaN/±Infinity (then nothing is guaranteed about the outputs).
 */
export type Nf4QuantizeKernel = (x: Float32Array, blockSize: number, absmax: Float32Array, codes: Uint8Array, computeAbsmax: boolean) => boolean;
/** absmax[b] = max|x| of each NF4 block; false = x holds NaN/±Infinity. */
export type Nf4AbsmaxKernel = (x: Float32Array, blockSize: number, absmax: Float32Array) => boolean;
/**
 * INT8 encode, pass 1: lowers mins[g] / raises maxs[g] to each group's min /
 * max, g = floor(i / run) % mins.length; false = x holds NaN/±Infinity.
 */
export type Int8MinMaxKernel = (x: Float32Array, run: number, mins: Float64Array, maxs: Float64Array) => boolean;
/**
 * INT8 encode, pass 2: q[i] = clamp(roundHalfAway(x[i] / s), qlo − zp, 127 − zp) + zp
 * (float64, as src/codecs/int8.ts), s = scales[g], qlo = −127 (zps null) or −128;
 * a group with s = 0 is all zp.
 */
export type Int8QuantizeKernel = (x: Float32Array, scales: Float32Array, zps: Int32Array | null, run: number, q: Int8Array) => void;

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
  planesMerge?: PlanesMergeKernel;
  planesSplit?: PlanesSplitKernel;
  /** Encode kernels (src/kernels/fill-encode.ts); absent without the addon or with an older build. */
  castFromF32?: Partial<Record<CastDType, CastFromF32Kernel>>;
  nf4Quantize?: Nf4QuantizeKernel;
  nf4Absmax?: Nf4AbsmaxKernel;
  int8MinMax?: Int8MinMaxKernel;
  int8Quantize?: Int8QuantizeKernel;
}
