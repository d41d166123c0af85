/** Shapes: validation, element counts, strides. */
import { ShapeError } from '../errors/index.js';

export type Shape = readonly number[];

/** Largest number of dimensions a shape may have (GGUF allows 4; we allow 8). */
export const MAX_DIMS = 8;

export function checkShape(shape: unknown, what = 'shape'): Shape {
  if (!Array.isArray(shape)) throw new ShapeError(`${what} must be an array of non-negative integers`);
  if (shape.length > MAX_DIMS) throw new ShapeError(`${what} has ${shape.length} dimensions; at most ${MAX_DIMS}`);
  for (const [i, d] of shape.entries()) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new ShapeError(`${what}[${i}] must be a non-negative integer, got ${String(d)}`);
    }
  }
  numel(shape as Shape); // checks for overflow
  return shape as Shape;
}

/** Number of elements. Throws if it is not a safe integer. */
export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) {
    n *= d;
    if (!Number.isSafeInteger(n)) throw new ShapeError(`shape [${shape.join(', ')}] has too many elements`);
  }
  return n;
}

/** Length of the innermost dimension (the "row"); 1 for a scalar. */
export function rowLength(shape: Shape): number {
  return shape.length === 0 ? 1 : shape[shape.length - 1];
}

export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}
