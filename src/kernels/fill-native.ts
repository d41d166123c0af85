/**
 * Fills the kernel table from the native addon (every entry checks its
 * arguments first, src/kernels/checks.ts) and clears it again. GGML entries
 * return false when a stored fp16 scale is NaN/Inf: the caller then runs the
 * TS reference, which throws the precise FormatError.
 */
import { ArgumentError } from '../errors/index.js';
import type { NativeAddon } from './native.js';
import type { KernelTable } from './kernel-types.js';
import { NATIVE_GGML, NATIVE_MATVEC, NATIVE_QUANTIZE } from './geometry.js';
import { blocksOf, nf4Layout, operands } from './checks.js';
import { bytesToF32 } from '../tensor/convert.js';
import { clearEncode, fillEncode } from './fill-encode.js';

/** The addon's Huffman export (native/src/huffman.cc); absent from older builds. */
type HuffmanAddon = { huffmanDecode?: (stream: Uint8Array, table: Uint16Array, out: Uint8Array) => number };

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

export function fillNative(t: KernelTable, a: NativeAddon): void {
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
  if (typeof a.planesMerge === 'function' && typeof a.planesSplit === 'function') fillPlanes(t, a.planesMerge, a.planesSplit);
  fillEncode(t, a);
  t.nf4MatVec = (codes, absmax, blockSize, rows, cols, x, y, o) => {
    const fn = 'nf4 matvec';
    const batch = operands(fn, rows, cols, x, y, o);
    if (cols % 2 !== 0) throw new ArgumentError(`${fn}: cols must be even, got ${cols}`);
    nf4Layout(fn, rows * cols, codes, absmax, blockSize);
    a.nf4Matvec(codes, absmax, blockSize, rows, cols, x, y, batch, (o?.activations ?? 'int8') === 'int8');
  };
}

type PlanesMerge = NonNullable<NativeAddon['planesMerge']>;
type PlanesSplit = NonNullable<NativeAddon['planesSplit']>;

/** The byte-plane entries (native/src/planes.cc: 1..8 planes; rotation for 2- and 4-byte elements). */
function fillPlanes(t: KernelTable, merge: PlanesMerge, split: PlanesSplit): void {
  const planeCount = (fn: string, P: number, rotate: boolean): void => {
    if (!Number.isSafeInteger(P) || P < 1 || P > 8) throw new ArgumentError(`${fn}: the plane count must be 1..8, got ${P}`);
    if (rotate && P !== 2 && P !== 4) throw new ArgumentError(`${fn}: rotate needs 2- or 4-byte elements, got ${P}`);
  };
  t.planesMerge = (planes, rotate, out) => {
    const fn = 'planes merge';
    const P = planes.length;
    planeCount(fn, P, rotate);
    if (out.length % P !== 0) throw new ArgumentError(`${fn}: out.length must be a multiple of ${P} planes, got ${out.length}`);
    const n = out.length / P;
    planes.forEach((s, k) => {
      if (typeof s === 'number') {
        if (!Number.isInteger(s) || s < 0 || s > 255) throw new ArgumentError(`${fn}: constant plane ${k} must be a byte 0..255, got ${s}`);
      } else if (s.length !== n) {
        throw new ArgumentError(`${fn}: plane ${k} must hold out.length / ${P} = ${n} bytes, got ${s.length}`);
      }
    });
    merge(planes, rotate, out);
  };
  t.planesSplit = (src, P, rotate, planes) => {
    const fn = 'planes split';
    planeCount(fn, P, rotate);
    if (src.length % P !== 0) throw new ArgumentError(`${fn}: src.length must be a multiple of ${P}, got ${src.length}`);
    if (planes.length !== src.length) throw new ArgumentError(`${fn}: planes.length must be src.length = ${src.length}, got ${planes.length}`);
    split(src, P, rotate, planes);
  };
}

export function clearKernels(t: KernelTable): void {
  for (const rec of [t.dequantize, t.dequantizeAsync, t.dequantizeF16, t.dequantizeBf16, t.quantize, t.matvec, t.castToF32] as Record<string, unknown>[]) {
    for (const k of Object.keys(rec)) delete rec[k];
  }
  t.nf4Dequantize = undefined;
  t.nf4MatVec = undefined;
  t.nf4DequantizeF16 = undefined;
  t.nf4DequantizeBf16 = undefined;
  t.int8Dequantize = undefined;
  t.huffmanDecode = undefined;
  t.planesMerge = undefined;
  t.planesSplit = undefined;
  clearEncode(t);
}
