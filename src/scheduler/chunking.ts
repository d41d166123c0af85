/**
 * Splitting a tensor into chunks that load and unload independently, and the
 * inverse map for reassembly. Chunk boundaries fall on codec block
 * boundaries, and on row boundaries when the codec is row-blocked (GGML
 * rows: a chunk holds whole rows), so each chunk encodes on its own. Chunks
 * are balanced (sizes differ by at most one unit) and never exceed
 * `chunkBytes` of uncompressed data.
 */
import { ArgumentError, ShapeError } from '../errors/index.js';

export interface ChunkingInput {
  /** Elements in the tensor. */
  readonly elements: number;
  /** Uncompressed bytes per element. */
  readonly elementBytes: number;
  /** Most uncompressed bytes one chunk may hold. */
  readonly chunkBytes: number;
  /** The codec's block size along the innermost dimension. Default 1. */
  readonly blockSize?: number;
  /** Elements per row when the codec is row-blocked: chunks then hold whole rows. */
  readonly rowElements?: number;
  /** Refuse plans with more chunks than this. Default 1 Mi. */
  readonly maxChunks?: number;
}

export interface ChunkDescriptor {
  readonly index: number;
  readonly elementOffset: number;
  readonly elements: number;
  /** Uncompressed byte offset and length. */
  readonly byteOffset: number;
  readonly bytes: number;
}

const positive = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n > 0;

export function planChunks(input: ChunkingInput): ChunkDescriptor[] {
  const { elements, elementBytes, chunkBytes } = input;
  const blockSize = input.blockSize ?? 1;
  const maxChunks = input.maxChunks ?? 1 << 20;
  if (!Number.isSafeInteger(elements) || elements < 0) throw new ArgumentError(`elements must be a non-negative integer, got ${String(elements)}`);
  if (!positive(elementBytes)) throw new ArgumentError(`elementBytes must be a positive integer, got ${String(elementBytes)}`);
  if (!positive(chunkBytes)) throw new ArgumentError(`chunkBytes must be a positive integer, got ${String(chunkBytes)}`);
  if (!positive(blockSize)) throw new ArgumentError(`blockSize must be a positive integer, got ${String(blockSize)}`);
  if (!positive(maxChunks)) throw new ArgumentError(`maxChunks must be a positive integer, got ${String(maxChunks)}`);
  if (!Number.isSafeInteger(elements * elementBytes)) throw new ArgumentError(`elements × elementBytes overflows: ${elements} × ${elementBytes}`);

  // The indivisible unit: a row for row-blocked codecs, else a block (the tail block may be partial).
  let unit = blockSize;
  if (input.rowElements !== undefined) {
    const row = input.rowElements;
    if (!positive(row)) throw new ArgumentError(`rowElements must be a positive integer, got ${String(row)}`);
    if (row % blockSize !== 0) throw new ShapeError(`rowElements ${row} is not a multiple of the codec block size ${blockSize}`);
    if (elements % row !== 0) throw new ShapeError(`elements ${elements} is not a whole number of rows of ${row}`);
    unit = row;
  }
  if (elements === 0) return [];
  const unitBytes = unit * elementBytes;
  if (unitBytes > chunkBytes) {
    const what = input.rowElements !== undefined ? 'one row' : 'one codec block';
    throw new ArgumentError(`chunkBytes ${chunkBytes} is smaller than ${what} (${unitBytes} bytes)`);
  }
  const units = Math.ceil(elements / unit);
  const unitsPerChunk = Math.floor(chunkBytes / unitBytes);
  const count = Math.ceil(units / unitsPerChunk);
  if (count > maxChunks) throw new ArgumentError(`chunkBytes ${chunkBytes} gives ${count} chunks, more than maxChunks ${maxChunks}`);
  const base = Math.floor(units / count);
  const extra = units % count;
  const out = new Array<ChunkDescriptor>(count);
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const n = Math.min((base + (i < extra ? 1 : 0)) * unit, elements - offset);
    out[i] = { index: i, elementOffset: offset, elements: n, byteOffset: offset * elementBytes, bytes: n * elementBytes };
    offset += n;
  }
  return out;
}

/** The chunk holding element `element` (binary search), or -1 when out of range. */
export function chunkOfElement(chunks: readonly Pick<ChunkDescriptor, 'elementOffset' | 'elements'>[], element: number): number {
  let lo = 0;
  let hi = chunks.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = chunks[mid];
    if (element < c.elementOffset) hi = mid - 1;
    else if (element >= c.elementOffset + c.elements) lo = mid + 1;
    else return mid;
  }
  return -1;
}

export interface ChunkSlice {
  /** Chunk index. */
  readonly chunk: number;
  /** Element range inside the chunk, [from, to). */
  readonly from: number;
  readonly to: number;
  /** Where the slice lands in the requested range. */
  readonly outOffset: number;
}

/**
 * The chunk slices that make up elements [start, end): what to copy from
 * which decoded chunk into which place of the output. Reassembling a whole
 * tensor is `sliceRange(chunks, 0, total)`.
 */
export function sliceRange(
  chunks: readonly Pick<ChunkDescriptor, 'elementOffset' | 'elements'>[],
  start: number,
  end: number,
): ChunkSlice[] {
  const total = chunks.length === 0 ? 0 : chunks[chunks.length - 1].elementOffset + chunks[chunks.length - 1].elements;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end > total) {
    throw new ArgumentError(`range [${String(start)}, ${String(end)}) must lie within [0, ${total})`);
  }
  const out: ChunkSlice[] = [];
  if (start === end) return out;
  for (let i = chunkOfElement(chunks, start); i < chunks.length; i++) {
    const c = chunks[i];
    if (c.elementOffset >= end) break;
    const from = Math.max(start, c.elementOffset) - c.elementOffset;
    const to = Math.min(end, c.elementOffset + c.elements) - c.elementOffset;
    out.push({ chunk: i, from, to, outOffset: c.elementOffset + from - start });
  }
  return out;
}
