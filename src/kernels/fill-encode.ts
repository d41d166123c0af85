/**
 * The encode entries of the kernel table (casts from f32, NF4, INT8), filled
 * from the addon's native/src/encode_napi.cc exports when this build has
 * them. Each entry checks lengths first (ArgumentError naming what is wrong);
 * the addon re-checks them.
 */
import { ArgumentError } from '../errors/index.js';
import type { NativeAddon } from './native.js';
import type { CastDType, CastFromF32Kernel, KernelTable } from './kernel-types.js';
import { nf4Layout } from './checks.js';

/** The addon's cast codes (native/src/cast_encode.h CastTo) and bytes per value. */
const CASTS: readonly (readonly [CastDType, number, number])[] = [
  ['F16', 0, 2],
  ['BF16', 1, 2],
  ['F8_E4M3', 2, 1],
  ['F8_E5M2', 3, 1],
];

function nf4Shape(fn: string, x: Float32Array, blockSize: number, absmax: Float32Array): void {
  if (!Number.isSafeInteger(blockSize) || blockSize < 2 || blockSize % 2 !== 0) {
    throw new ArgumentError(`${fn}: blockSize must be a positive even integer, got ${blockSize}`);
  }
  const nb = Math.ceil(x.length / blockSize);
  if (absmax.length !== nb) throw new ArgumentError(`${fn}: ${x.length} values in blocks of ${blockSize} need ${nb} absmax, got ${absmax.length}`);
}

function runArg(fn: string, run: number): void {
  if (!Number.isSafeInteger(run) || run < 1) throw new ArgumentError(`${fn}: run must be a positive integer, got ${run}`);
}

// Entries call `a.<export>(…)` at call time (not a captured function), so a spy on the addon sees them.
export function fillEncode(t: KernelTable, a: NativeAddon): void {
  if (typeof a.castFromF32 === 'function') {
    const rec: Partial<Record<CastDType, CastFromF32Kernel>> = {};
    for (const [dtype, to, bytes] of CASTS) {
      rec[dtype] = (src, dst) => {
        if (dst.byteLength !== bytes * src.length) {
          throw new ArgumentError(`cast f32 → ${dtype}: ${src.length} values need ${bytes * src.length} bytes, got ${dst.byteLength}`);
        }
        a.castFromF32!(to, src, dst);
      };
    }
    t.castFromF32 = rec;
  }
  if (typeof a.nf4Quantize === 'function' && typeof a.nf4Absmax === 'function') {
    t.nf4Quantize = (x, blockSize, absmax, codes, computeAbsmax) => {
      nf4Layout('nf4 quantize', x.length, codes, absmax, blockSize);
      return a.nf4Quantize!(x, blockSize, absmax, codes, computeAbsmax) === 0;
    };
    t.nf4Absmax = (x, blockSize, absmax) => {
      nf4Shape('nf4 absmax', x, blockSize, absmax);
      return a.nf4Absmax!(x, blockSize, absmax) === 0;
    };
  }
  if (typeof a.int8MinMax === 'function' && typeof a.int8Quantize === 'function') {
    t.int8MinMax = (x, run, mins, maxs) => {
      const fn = 'int8 min/max';
      runArg(fn, run);
      if (mins.length < 1) throw new ArgumentError(`${fn}: mins must not be empty`);
      if (maxs.length !== mins.length) throw new ArgumentError(`${fn}: maxs.length must be mins.length = ${mins.length}, got ${maxs.length}`);
      return a.int8MinMax!(x, run, mins, maxs) === 0;
    };
    t.int8Quantize = (x, scales, zps, run, q) => {
      const fn = 'int8 quantize';
      runArg(fn, run);
      if (q.length !== x.length) throw new ArgumentError(`${fn}: q.length must be x.length = ${x.length}, got ${q.length}`);
      if (scales.length < 1) throw new ArgumentError(`${fn}: scales must not be empty`);
      if (zps && zps.length !== scales.length) throw new ArgumentError(`${fn}: zps.length must be scales.length = ${scales.length}, got ${zps.length}`);
      a.int8Quantize!(x, scales, zps, run, q);
    };
  }
}

export function clearEncode(t: KernelTable): void {
  t.castFromF32 = undefined;
  t.nf4Quantize = undefined;
  t.nf4Absmax = undefined;
  t.int8MinMax = undefined;
  t.int8Quantize = undefined;
}
