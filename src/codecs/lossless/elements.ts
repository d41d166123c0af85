/**
 * Elements as bit patterns. The lossless codecs never interpret values: an
 * element is its P little-endian bytes (P = 1, 2, 4 or 8), so NaN payloads,
 * -0 and subnormals survive untouched. "Zero" means all bits zero (+0 only).
 */
import { DTypeError } from '../../errors/index.js';
import { DTYPES, type DType, dtypeInfo } from '../../tensor/dtype.js';

/** Every dtype a lossless codec can return as itself (read-only dtypes are never codec outputs). */
export const LOSSLESS_DTYPES: readonly DType[] = (Object.keys(DTYPES) as DType[]).filter((d) => DTYPES[d].readOnly !== true);

/** Bytes per element of a dtype the lossless codecs accept; DTypeError otherwise. */
export function losslessElementBytes(codec: string, dtype: DType): number {
  const info = dtypeInfo(dtype);
  if (info.readOnly === true) {
    throw new DTypeError(`${codec} stores tensors in their own dtype; ${dtype} is read-only (convert it first); accepted: ${LOSSLESS_DTYPES.join(', ')}`);
  }
  return info.bytes;
}

/** True when element i (P bytes) is all zero bits. */
export function isZeroElement(b: Uint8Array, i: number, P: number): boolean {
  const o = i * P;
  for (let k = 0; k < P; k++) if (b[o + k] !== 0) return false;
  return true;
}

/** Low 32 bits of element i's pattern. */
export function patternLo(b: Uint8Array, i: number, P: number): number {
  const o = i * P;
  if (P === 1) return b[o];
  if (P === 2) return b[o] | (b[o + 1] << 8);
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}

/** High 32 bits of element i's pattern (0 unless P = 8). */
export function patternHi(b: Uint8Array, i: number, P: number): number {
  if (P < 8) return 0;
  const o = i * P + 4;
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}
