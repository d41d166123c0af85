/**
 * Which elements share one INT8 scale ("group"): the whole tensor, one
 * channel (an index along `axis`), or a block of `blockSize` consecutive
 * elements of the flattened tensor (the last block may be short).
 *
 * `forEachRun` walks the tensor once as contiguous runs [start, end) that
 * all belong to one group, so kernels never divide per element.
 */
import { ShapeError } from '../../errors/index.js';
import { type Shape, checkShape, formatShape, numel } from '../../tensor/shape.js';

export type Granularity = 'tensor' | 'channel' | 'block';

export interface Groups {
  readonly n: number;
  /** Number of groups (scales). */
  readonly count: number;
  forEachRun(fn: (group: number, start: number, end: number) => void): void;
}

/** Normalize `axis` (negative counts from the end) against `shape`; ShapeError when out of range. */
export function normalizeAxis(shape: Shape, axis: number): number {
  const r = shape.length;
  if (r === 0) throw new ShapeError(`params.granularity 'channel' needs a tensor with at least 1 dimension, got shape []`);
  if (axis < -r || axis >= r) {
    throw new ShapeError(`params.axis ${axis} is out of range for shape ${formatShape(shape)} (rank ${r})`);
  }
  return axis < 0 ? axis + r : axis;
}

export function groupsOf(shape: Shape, granularity: Granularity, axis: number, blockSize: number): Groups {
  const n = numel(checkShape(shape));
  if (granularity === 'tensor') {
    return { n, count: 1, forEachRun: (fn) => fn(0, 0, n) };
  }
  if (granularity === 'block') {
    const count = Math.ceil(n / blockSize);
    return {
      n,
      count,
      forEachRun(fn) {
        for (let g = 0; g < count; g++) fn(g, g * blockSize, Math.min(n, (g + 1) * blockSize));
      },
    };
  }
  const a = normalizeAxis(shape, axis);
  const channels = shape[a];
  let inner = 1;
  for (let d = a + 1; d < shape.length; d++) inner *= shape[d];
  const outer = channels * inner === 0 ? 0 : n / (channels * inner);
  return {
    n,
    count: channels,
    forEachRun(fn) {
      let at = 0;
      for (let o = 0; o < outer; o++) {
        for (let c = 0; c < channels; c++, at += inner) fn(c, at, at + inner);
      }
    },
  };
}
