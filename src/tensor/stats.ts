/**
 * Error and content statistics that every codec report uses. Sums accumulate
 * in float64. A NaN anywhere in the difference makes every error figure NaN
 * (never a plausible-looking wrong number).
 *
 * Conventions at the edges: empty inputs compare as exact (errors 0, dB
 * figures +Infinity); a zero reference with a non-zero error gives SQNR/PSNR
 * −Infinity and relative error +Infinity.
 */
import { ArgumentError, ShapeError } from '../errors/index.js';

export type Values = Float32Array | ArrayLike<number>;

/** All error figures of `test` against `ref`, from one pass. */
export interface ErrorStats {
  /** Number of elements compared. */
  readonly n: number;
  /** Mean squared error. */
  readonly mse: number;
  /** Largest |ref − test|. */
  readonly maxAbsError: number;
  /** 10·log10(Σref² / Σ(ref − test)²); +Infinity when exact. */
  readonly sqnrDb: number;
  /** 10·log10(peak² / mse) with peak = max|ref|; +Infinity when exact. */
  readonly psnrDb: number;
  /** ‖ref − test‖₂ / ‖ref‖₂. */
  readonly relativeError: number;
}

function checkValues(x: unknown, what: string): asserts x is Values {
  if (x === null || typeof x !== 'object' || typeof (x as { length?: unknown }).length !== 'number') {
    throw new ArgumentError(`${what} must be a Float32Array or an array-like of numbers`);
  }
}

function checkPair(ref: unknown, test: unknown): asserts test is Values {
  checkValues(ref, 'ref');
  checkValues(test, 'test');
  if (ref.length !== test.length) {
    throw new ShapeError(`ref has ${ref.length} elements but test has ${test.length}; they must match`);
  }
}

/** 10·log10(num / den) for den > 0 (a zero signal gives −Infinity). */
function dB(num: number, den: number): number {
  return 10 * Math.log10(num / den);
}

/** Every error figure at once, in one pass over both arrays. */
export function compare(ref: Values, test: Values): ErrorStats {
  checkPair(ref, test);
  const n = ref.length;
  let sumRef2 = 0;
  let sumErr2 = 0;
  let maxErr = 0;
  let peak = 0;
  let nan = false;
  for (let i = 0; i < n; i++) {
    const r = +ref[i];
    const e = Math.abs(r - test[i]);
    if (e !== e) nan = true;
    else if (e > maxErr) maxErr = e;
    const a = Math.abs(r);
    if (a > peak) peak = a;
    sumRef2 += r * r;
    sumErr2 += e * e;
  }
  if (nan || Number.isNaN(sumRef2)) {
    return { n, mse: NaN, maxAbsError: NaN, sqnrDb: NaN, psnrDb: NaN, relativeError: NaN };
  }
  const mse = n === 0 ? 0 : sumErr2 / n;
  return {
    n,
    mse,
    maxAbsError: maxErr,
    // 0 error is exact (+Infinity) even for a zero signal; otherwise dB(0, e) is −Infinity.
    sqnrDb: sumErr2 === 0 ? Infinity : dB(sumRef2, sumErr2),
    psnrDb: mse === 0 ? Infinity : dB(peak * peak, mse),
    relativeError: sumErr2 === 0 ? 0 : sumRef2 === 0 ? Infinity : Math.sqrt(sumErr2 / sumRef2),
  };
}

/** Mean squared error. */
export function mse(ref: Values, test: Values): number {
  return compare(ref, test).mse;
}

/** Signal-to-quantization-noise ratio in dB: 10·log10(Σref² / Σ(ref − test)²). */
export function sqnrDb(ref: Values, test: Values): number {
  return compare(ref, test).sqnrDb;
}

/** Peak signal-to-noise ratio in dB with peak = max|ref|. */
export function psnrDb(ref: Values, test: Values): number {
  return compare(ref, test).psnrDb;
}

/** Largest |ref − test|. */
export function maxAbsError(ref: Values, test: Values): number {
  return compare(ref, test).maxAbsError;
}

/** ‖ref − test‖₂ / ‖ref‖₂. */
export function relativeError(ref: Values, test: Values): number {
  return compare(ref, test).relativeError;
}

/** Fraction of elements that are exactly zero (either sign); 0 for an empty input. */
export function sparsity(x: Values): number {
  checkValues(x, 'x');
  const n = x.length;
  if (n === 0) return 0;
  let zeros = 0;
  for (let i = 0; i < n; i++) if (x[i] === 0) zeros++;
  return zeros / n;
}

/** Largest |x|; NaN if any element is NaN; 0 for an empty input. */
export function absmax(x: Values): number {
  checkValues(x, 'x');
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]);
    if (a > m) m = a;
    else if (a !== a) return NaN;
  }
  return m;
}

/** Shannon entropy of the byte histogram, in bits per byte (0..8); 0 for an empty input. */
export function byteEntropy(bytes: Uint8Array): number {
  if (!(bytes instanceof Uint8Array)) throw new ArgumentError('bytes must be a Uint8Array');
  const n = bytes.length;
  if (n === 0) return 0;
  const counts = new Float64Array(256);
  for (let i = 0; i < n; i++) counts[bytes[i]]++;
  let h = 0;
  for (let v = 0; v < 256; v++) {
    const c = counts[v];
    if (c > 0) {
      const p = c / n;
      h -= p * Math.log2(p);
    }
  }
  // Float error can leave −0 or a hair above 8; keep the documented range.
  return h <= 0 ? 0 : h > 8 ? 8 : h;
}
