/**
 * The optional native addon (native/build/Release/tensorhive_native.node):
 * loaded at most once, on first use. When it is missing or fails to load,
 * tensorhive runs on its TypeScript kernels and says so once, through one
 * process warning (code TENSORHIVE_NATIVE) and `nativeStatus()` — never per
 * call. TENSORHIVE_NATIVE=0 turns it off; TENSORHIVE_SIMD=scalar|avx2|avx512
 * (read by the addon) forces a dispatch level; TENSORHIVE_NATIVE_PATH loads
 * another build of the addon (scripts/asan.sh uses it for a sanitizer build).
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** What the addon exports (native/src/addon.cc). Statuses: 0, or 1 + first bad block. */
export interface NativeAddon {
  levels(): string[];
  level(): string;
  setLevel(name: string): boolean;
  readonly requestedLevel: string | null;
  dequantize(kind: number, src: Uint8Array, dst: Float32Array): number;
  /** The same on libuv's thread pool; the buffers must not be transferred until it settles. */
  dequantizeAsync(kind: number, src: Uint8Array, dst: Float32Array): Promise<number>;
  nf4Dequantize(codes: Uint8Array, absmax: Float32Array, blockSize: number, dst: Float32Array): number;
  /** Decode straight to f16 (bf16 false) or bf16 bits (RNE; NaN quiet). */
  dequantizeHalf(kind: number, src: Uint8Array, dst: Uint16Array, bf16: boolean): number;
  nf4DequantizeHalf(codes: Uint8Array, absmax: Float32Array, blockSize: number, dst: Uint16Array, bf16: boolean): number;
  matmul(kind: number, w: Uint8Array, rows: number, cols: number, x: Float32Array, y: Float32Array, batch: number, act8: boolean): number;
  nf4Matvec(
    codes: Uint8Array,
    absmax: Float32Array,
    blockSize: number,
    rows: number,
    cols: number,
    x: Float32Array,
    y: Float32Array,
    batch: number,
    /** 8-bit activations and the int8 codebook (used when cols and blockSize are multiples of 64 and x is finite). */
    act8?: boolean,
  ): number;
  quantize(kind: number, src: Float32Array, dst: Uint8Array): number;
  int8Dequantize(q: Int8Array, scales: Float32Array, zps: Int32Array | null, run: number, dst: Float32Array): number;
  lutDequantize(src: Uint8Array, table: Float32Array, dst: Float32Array): number;
  /** AVX-512 decodes with a larger f32 output use non-temporal stores (default: LLC size); returns the previous value. */
  setNtThreshold(bytes: number): number;
  /** Byte planes (native/src/planes.cc): out (n·P) from P planes of n bytes or constant bytes; absent from older builds. */
  planesMerge?(planes: readonly (Uint8Array | number)[], rotate: boolean, out: Uint8Array): number;
  /** Byte planes: planes (P·n) from n elements of P bytes; absent from older builds. */
  planesSplit?(src: Uint8Array, P: number, rotate: boolean, planes: Uint8Array): number;
  /** f32 → f16 (to 0), bf16 (1), fp8 E4M3 (2), E5M2 (3) bytes (native/src/cast_encode.cc); absent from older builds. */
  castFromF32?(to: number, src: Float32Array, dst: Uint8Array): number;
  /** NF4 codes of x (computeAbsmax: fill absmax first) -> 0 | 1 + first NaN/Inf index; absent from older builds. */
  nf4Quantize?(x: Float32Array, blockSize: number, absmax: Float32Array, codes: Uint8Array, computeAbsmax: boolean): number;
  /** NF4 block absmax -> 0 | 1 + first NaN/Inf index; absent from older builds. */
  nf4Absmax?(x: Float32Array, blockSize: number, absmax: Float32Array): number;
  /** INT8 group min/max (group of i: floor(i / run) % mins.length) -> 0 | 1 + first NaN/Inf index; absent from older builds. */
  int8MinMax?(x: Float32Array, run: number, mins: Float64Array, maxs: Float64Array): number;
  /** INT8 codes of x with the groups' scales (and zero points); absent from older builds. */
  int8Quantize?(x: Float32Array, scales: Float32Array, zps: Int32Array | null, run: number, q: Int8Array): number;
}

export interface NativeStatus {
  /** True when the addon is loaded and its kernels are in use. */
  readonly loaded: boolean;
  /** Where it was looked for (first candidate that exists, else the first candidate). */
  readonly path: string;
  /** Why it is not in use (missing, failed to load, disabled). */
  readonly reason?: string;
}

// src/kernels/ (tsx) and dist/src/kernels/ (built) both reach the package root.
const CANDIDATES = ['../../native/build/Release/tensorhive_native.node', '../../../native/build/Release/tensorhive_native.node'].map(
  (rel) => fileURLToPath(new URL(rel, import.meta.url)),
);

let addon: NativeAddon | null | undefined;
let status: NativeStatus | undefined;

function warnOnce(message: string): void {
  process.emitWarning(message, { code: 'TENSORHIVE_NATIVE' });
}

function load(): NativeAddon | null {
  const override = process.env.TENSORHIVE_NATIVE_PATH;
  const path = override ? (existsSync(override) ? override : undefined) : CANDIDATES.find((p) => existsSync(p));
  if (process.env.TENSORHIVE_NATIVE === '0') {
    status = { loaded: false, path: path ?? CANDIDATES[0], reason: 'disabled by TENSORHIVE_NATIVE=0' };
    return null;
  }
  if (!path) {
    status = { loaded: false, path: override ?? CANDIDATES[0], reason: override ? `${override} does not exist` : 'not built (run `npm run build:native`)' };
    warnOnce(`tensorhive: native kernels ${status.reason}; using the TypeScript kernels`);
    return null;
  }
  try {
    const mod = createRequire(import.meta.url)(path) as NativeAddon;
    status = { loaded: true, path };
    const req = mod.requestedLevel;
    if (req !== null && mod.level() !== req) {
      warnOnce(
        `tensorhive: TENSORHIVE_SIMD=${req} is not available here (levels: ${mod.levels().join(', ')}); using ${mod.level()}`,
      );
    }
    return mod;
  } catch (err) {
    status = { loaded: false, path, reason: `failed to load: ${(err as Error).message.split('\n')[0]}` };
    warnOnce(`tensorhive: native kernels ${status.reason}; using the TypeScript kernels`);
    return null;
  }
}

/** The addon, or null when tensorhive runs on TS kernels. Loads once. */
export function nativeAddon(): NativeAddon | null {
  if (addon === undefined) addon = load();
  return addon;
}

/** Whether native kernels are in use, and if not, why. */
export function nativeStatus(): NativeStatus {
  nativeAddon();
  return status!;
}
