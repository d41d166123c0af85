/**
 * How the hive cuts a tensor into chunks that encode, load and unload on
 * their own, and glues decoded chunks back together. Chunks keep the
 * innermost dimension whole where they can (GGML codecs block along rows),
 * so each chunk is itself a valid input for the tensor's codec.
 */
import { ArgumentError } from '../errors/index.js';
import { planChunks, type ChunkDescriptor } from '../scheduler/index.js';
import { dtypeInfo, type DType } from '../tensor/dtype.js';
import { numel, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

export interface ChunkLayout {
  readonly chunks: readonly ChunkDescriptor[];
  /** The shape chunk `c` is encoded with. */
  shapeOf(c: ChunkDescriptor): Shape;
}

/** Lay out chunks of at most `chunkBytes` uncompressed bytes; `blockSize` is the codec's (1 when unblocked). */
export function layoutChunks(shape: Shape, dtype: DType, chunkBytes: number, blockSize: number): ChunkLayout {
  const eb = dtypeInfo(dtype).bytes;
  const n = numel(shape);
  if (n === 0) return { chunks: [], shapeOf: () => shape };
  if (n * eb <= chunkBytes || shape.length === 0) {
    const one: ChunkDescriptor = { index: 0, elementOffset: 0, elements: n, byteOffset: 0, bytes: n * eb };
    return { chunks: [one], shapeOf: () => shape };
  }
  const rank = shape.length;
  const last = shape[rank - 1];
  const block = last % blockSize === 0 ? blockSize : 1;
  if (rank >= 2) {
    // Whole outer rows keep every inner dimension: the chunk looks like a smaller tensor.
    const outer = n / shape[0];
    if (outer * eb <= chunkBytes) {
      const chunks = planChunks({ elements: n, elementBytes: eb, chunkBytes, blockSize: block, rowElements: outer });
      return { chunks, shapeOf: (c) => [c.elements / outer, ...shape.slice(1)] };
    }
    if (last * eb <= chunkBytes) {
      const chunks = planChunks({ elements: n, elementBytes: eb, chunkBytes, blockSize: block, rowElements: last });
      return { chunks, shapeOf: (c) => [c.elements / last, last] };
    }
  }
  // A single row is larger than a chunk: flat runs of whole codec blocks.
  if (block * eb > chunkBytes) throw new ArgumentError(`options.chunkSize ${chunkBytes} is smaller than one codec block (${block * eb} bytes)`);
  const chunks = planChunks({ elements: n, elementBytes: eb, chunkBytes, blockSize: block });
  return { chunks, shapeOf: (c) => [c.elements] };
}

/** The chunk's elements as a tensor of `shape` (a view, no copy). */
export function sliceChunk(t: Tensor, c: ChunkDescriptor, shape: Shape): Tensor {
  return new Tensor(t.dtype, shape, t.bytes.subarray(c.byteOffset, c.byteOffset + c.bytes));
}

/** Glue decoded chunks (each already in the tensor's dtype) into one tensor. */
export function assemble(shape: Shape, dtype: DType, parts: ReadonlyArray<{ elementOffset: number; tensor: Tensor }>): Tensor {
  if (parts.length === 1 && parts[0].elementOffset === 0 && parts[0].tensor.numel === numel(shape)) {
    return parts[0].tensor.reshape(shape);
  }
  const eb = dtypeInfo(dtype).bytes;
  const out = new Uint8Array(numel(shape) * eb);
  for (const p of parts) out.set(p.tensor.bytes, p.elementOffset * eb);
  return new Tensor(dtype, shape, out);
}
