import { describe, expect, it } from 'vitest';
import { DTypeError, ShapeError } from '../../src/errors/index.js';
import * as tensorLayer from '../../src/tensor/index.js';
import {
  DTYPES,
  type DType,
  MAX_DIMS,
  checkShape,
  dtypeByGgmlType,
  dtypeById,
  dtypeInfo,
  formatShape,
  isDType,
  numel,
  rowLength,
  sameShape,
  stridesOf,
} from '../../src/tensor/index.js';

describe('dtype table', () => {
  it('has unique permanent ids, and lookups by id / GGML type agree with the table', () => {
    const rows = Object.values(DTYPES);
    expect(new Set(rows.map((d) => d.id)).size).toBe(rows.length);
    for (const d of rows) {
      expect(dtypeById(d.id)).toBe(d);
      expect(dtypeInfo(d.name)).toBe(d);
      if (d.ggmlType !== undefined) expect(dtypeByGgmlType(d.ggmlType)).toBe(d);
    }
    expect(DTYPES.F32.id).toBe(0);
    expect(DTYPES.BF16.ggmlType).toBe(30);
    expect(dtypeById(99)).toBeUndefined();
    expect(dtypeByGgmlType(2)).toBeUndefined(); // Q4_0 is a codec, not a dtype
  });

  it('rejects unknown names', () => {
    expect(isDType('F32')).toBe(true);
    expect(isDType('toString')).toBe(false);
    expect(isDType(3)).toBe(false);
    expect(() => dtypeInfo('Q4_0' as DType)).toThrow(DTypeError);
  });
});

describe('shape', () => {
  it('counts, strides and formats', () => {
    expect(numel([2, 3, 4])).toBe(24);
    expect(numel([])).toBe(1);
    expect(numel([5, 0])).toBe(0);
    expect(stridesOf([2, 3, 4])).toEqual([12, 4, 1]);
    expect(rowLength([2, 7])).toBe(7);
    expect(rowLength([])).toBe(1);
    expect(sameShape([2, 3], [2, 3])).toBe(true);
    expect(sameShape([2, 3], [3, 2])).toBe(false);
    expect(formatShape([2, 3])).toBe('[2, 3]');
  });

  it('rejects bad shapes naming the bad entry', () => {
    expect(() => checkShape([2, -1])).toThrow(/shape\[1\] must be a non-negative integer, got -1/);
    expect(() => checkShape([NaN])).toThrow(ShapeError);
    expect(() => checkShape('2x3')).toThrow(ShapeError);
    expect(() => checkShape(new Array(MAX_DIMS + 1).fill(1))).toThrow(ShapeError);
    expect(() => checkShape([2 ** 40, 2 ** 40])).toThrow(/too many elements/);
  });
});

describe('tensor barrel', () => {
  it('exports every part of the tensor layer', () => {
    for (const name of [
      'Tensor', 'DTYPES', 'checkShape', 'f32ToF16Bits', 'f32ToBf16Bits', 'bytesToF32', 'f32ToBytes',
      'f32ToE4M3Bits', 'e4m3BitsToF32', 'f32ToE5M2Bits', 'e5m2BitsToF32', 'compare', 'sqnrDb', 'byteEntropy',
    ]) {
      expect(typeof (tensorLayer as Record<string, unknown>)[name], name).not.toBe('undefined');
    }
  });
});
