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

/** Decode whole blocks; false = malformed payload (run the reference to get its error). */
export type DequantizeKernel = (src: Uint8Array, dst: Float32Array) => boolean;
/** Quantize whole blocks; false = input the reference refuses (run it to get its error). */
export type QuantizeKernel = (src: Float32Array, dst: Uint8Array) => boolean;
/** y = W·x, W `rows`×`cols` in the codec's blocks, f32 activations; false = malformed W. */
export type MatVecKernel = (w: Uint8Array, rows: number, cols: number, x: Float32Array, y: Float32Array) => boolean;
/** 16-bit float bytes (little-endian, any alignment) to f32. */
export type CastKernel = (src: Uint8Array, dst: Float32Array) => void;
/** NF4 codes (first element in the high nibble) · per-block absmax; absmax already validated. */
export type Nf4DequantizeKernel = (codes: Uint8Array, absmax: Float32Array, blockSize: number, dst: Float32Array) => void;
export type Nf4MatVecKernel = (
  codes: Uint8Array,
  absmax: Float32Array,
  blockSize: number,
  rows: number,
  cols: number,
  x: Float32Array,
  y: Float32Array,
) => void;

export interface KernelTable {
  readonly dequantize: Partial<Record<number, DequantizeKernel>>;
  readonly quantize: Partial<Record<number, QuantizeKernel>>;
  readonly matvec: Partial<Record<number, MatVecKernel>>;
  readonly castToF32: Partial<Record<'F16' | 'BF16', CastKernel>>;
  nf4Dequantize?: Nf4DequantizeKernel;
  nf4MatVec?: Nf4MatVecKernel;
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
export const NATIVE_QUANTIZE: readonly number[] = [8, 2];

function dims(fn: string, rows: number, cols: number): void {
  for (const [k, v] of [['rows', rows], ['cols', cols]] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw new ArgumentError(`${fn}: ${k} must be a non-negative integer, got ${v}`);
  }
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

function fill(t: KernelTable, a: NativeAddon): void {
  for (const [key, g] of Object.entries(NATIVE_GGML)) {
    const type = Number(key);
    t.dequantize[type] = (src, dst) => {
      blocksOf(`dequantize ${g.name}`, g, dst.length, src.byteLength);
      return a.dequantize(type, src, dst) === 0;
    };
    if (NATIVE_QUANTIZE.includes(type)) {
      t.quantize[type] = (src, dst) => {
        blocksOf(`quantize ${g.name}`, g, src.length, dst.byteLength);
        return a.quantize(type, src, dst) === 0;
      };
    }
    if (NATIVE_MATVEC.includes(type)) {
      t.matvec[type] = (w, rows, cols, x, y) => {
        const fn = `matvec ${g.name}`;
        dims(fn, rows, cols);
        if (x.length !== cols) throw new ArgumentError(`${fn}: x.length must be cols = ${cols}, got ${x.length}`);
        if (y.length !== rows) throw new ArgumentError(`${fn}: y.length must be rows = ${rows}, got ${y.length}`);
        blocksOf(fn, g, rows * cols, w.byteLength);
        return a.matvec(type, w, rows, cols, x, y) === 0;
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
  t.nf4Dequantize = (codes, absmax, blockSize, dst) => {
    nf4Layout('nf4 dequantize', dst.length, codes, absmax, blockSize);
    a.nf4Dequantize(codes, absmax, blockSize, dst);
  };
  t.nf4MatVec = (codes, absmax, blockSize, rows, cols, x, y) => {
    const fn = 'nf4 matvec';
    dims(fn, rows, cols);
    if (cols % 2 !== 0) throw new ArgumentError(`${fn}: cols must be even, got ${cols}`);
    if (x.length !== cols) throw new ArgumentError(`${fn}: x.length must be cols = ${cols}, got ${x.length}`);
    if (y.length !== rows) throw new ArgumentError(`${fn}: y.length must be rows = ${rows}, got ${y.length}`);
    nf4Layout(fn, rows * cols, codes, absmax, blockSize);
    a.nf4Matvec(codes, absmax, blockSize, rows, cols, x, y);
  };
}

function clear(t: KernelTable): void {
  for (const rec of [t.dequantize, t.quantize, t.matvec, t.castToF32] as Record<string, unknown>[]) {
    for (const k of Object.keys(rec)) delete rec[k];
  }
  t.nf4Dequantize = undefined;
  t.nf4MatVec = undefined;
}

/** The one kernel table, filled once at load when the addon is present. */
export const kernels: KernelTable = { dequantize: {}, quantize: {}, matvec: {}, castToF32: {} };

let enabled = false;

/**
 * Use native kernels (true, the default when the addon loads) or the TS
 * reference kernels only (false). Returns whether native kernels are now in
 * use. For parity tests and benchmarks; process-wide.
 */
export function setNativeKernels(on: boolean): boolean {
  const a = on ? nativeAddon() : null;
  clear(kernels);
  if (a) fill(kernels, a);
  enabled = a !== null;
  return enabled;
}

/** Whether the table currently holds native kernels. */
export function nativeKernelsEnabled(): boolean {
  return enabled;
}

setNativeKernels(true);
