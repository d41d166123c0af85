/**
 * Argument checks of the kernel table's entries: each entry validates lengths
 * and shapes here (ArgumentError naming what is wrong) before the addon is
 * called; the addon re-checks them.
 */
import { ArgumentError } from '../errors/index.js';
import type { MatVecOptions } from './kernel-types.js';
import type { BlockGeometry } from './geometry.js';

export function dims(fn: string, rows: number, cols: number): void {
  for (const [k, v] of [['rows', rows], ['cols', cols]] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw new ArgumentError(`${fn}: ${k} must be a non-negative integer, got ${v}`);
  }
}

/** Checks the activation/result shapes of a fused product; returns the batch. */
export function operands(fn: string, rows: number, cols: number, x: Float32Array, y: Float32Array, o: MatVecOptions | undefined): number {
  dims(fn, rows, cols);
  const batch = o?.batch ?? 1;
  if (!Number.isSafeInteger(batch) || batch < 1) throw new ArgumentError(`${fn}: options.batch must be a positive integer, got ${batch}`);
  const act = o?.activations ?? 'int8';
  if (act !== 'int8' && act !== 'f32') throw new ArgumentError(`${fn}: options.activations must be 'int8' or 'f32', got ${JSON.stringify(act)}`);
  if (x.length !== batch * cols) throw new ArgumentError(`${fn}: x.length must be batch × cols = ${batch * cols}, got ${x.length}`);
  if (y.length !== batch * rows) throw new ArgumentError(`${fn}: y.length must be batch × rows = ${batch * rows}, got ${y.length}`);
  return batch;
}

export function blocksOf(fn: string, g: BlockGeometry, values: number, bytes: number): void {
  if (values % g.qk !== 0) throw new ArgumentError(`${fn}: ${values} values is not a whole number of ${g.qk}-element blocks`);
  const want = (values / g.qk) * g.bytes;
  if (bytes !== want) throw new ArgumentError(`${fn}: ${values / g.qk} blocks need ${want} bytes, got ${bytes}`);
}

export function nf4Layout(fn: string, n: number, codes: Uint8Array, absmax: Float32Array, blockSize: number): void {
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
