import { describe, expect, it } from 'vitest';
import { ArgumentError, ShapeError } from '../../src/errors/index.js';
import { Rng } from '../../src/random/rng.js';
import { chunkOfElement, planChunks, sliceRange, type ChunkDescriptor } from '../../src/scheduler/index.js';

/** Every element in exactly one chunk, chunks contiguous and in order. */
function expectTiling(chunks: ChunkDescriptor[], elements: number): void {
  const seen = new Uint8Array(elements);
  let next = 0;
  chunks.forEach((c, i) => {
    expect(c.index).toBe(i);
    expect(c.elementOffset).toBe(next);
    for (let e = c.elementOffset; e < c.elementOffset + c.elements; e++) seen[e]++;
    next += c.elements;
  });
  expect(next).toBe(elements);
  expect(seen.every((v) => v === 1)).toBe(true);
}

describe('planChunks', () => {
  it('splits into balanced chunks no larger than chunkBytes, aligned to the block size', () => {
    const chunks = planChunks({ elements: 10_000, elementBytes: 4, chunkBytes: 4096, blockSize: 32 });
    expectTiling(chunks, 10_000);
    for (const c of chunks) {
      expect(c.bytes).toBeLessThanOrEqual(4096);
      expect(c.elementOffset % 32).toBe(0);
      expect(c.byteOffset).toBe(c.elementOffset * 4);
    }
    // 10000 elements = 312.5 blocks → 313 units; 32 blocks per chunk → 10 chunks of 31 or 32 blocks.
    expect(chunks).toHaveLength(10);
    const sizes = chunks.slice(0, -1).map((c) => c.elements / 32);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    // The tail holds the partial block.
    expect(chunks[9].elements % 32).toBe(16);
  });

  it('keeps whole rows together for row-blocked codecs', () => {
    const rowElements = 256;
    const chunks = planChunks({ elements: 256 * 37, elementBytes: 2, chunkBytes: 256 * 2 * 5 + 100, blockSize: 256, rowElements });
    expectTiling(chunks, 256 * 37);
    for (const c of chunks) {
      expect(c.elementOffset % rowElements).toBe(0);
      expect(c.elements % rowElements).toBe(0);
      expect(c.bytes).toBeLessThanOrEqual(256 * 2 * 5 + 100);
    }
    expect(chunks).toHaveLength(8); // 37 rows, at most 5 per chunk
  });

  it('tiles random geometries exactly', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 200; trial++) {
      const blockSize = [1, 32, 64, 256][rng.int(4)];
      const rows = 1 + rng.int(50);
      const rowElements = blockSize * (1 + rng.int(4));
      const elementBytes = [1, 2, 4][rng.int(3)];
      const chunkBytes = rowElements * elementBytes * (1 + rng.int(6)) + rng.int(100);
      const chunks = planChunks({ elements: rows * rowElements, elementBytes, chunkBytes, blockSize, rowElements });
      expectTiling(chunks, rows * rowElements);
      for (const c of chunks) {
        expect(c.bytes).toBeLessThanOrEqual(chunkBytes);
        expect(c.elements % rowElements).toBe(0);
      }
    }
  });

  it('handles edge cases', () => {
    expect(planChunks({ elements: 0, elementBytes: 4, chunkBytes: 16 })).toEqual([]);
    expect(planChunks({ elements: 1, elementBytes: 4, chunkBytes: 4 })).toEqual([{ index: 0, elementOffset: 0, elements: 1, byteOffset: 0, bytes: 4 }]);
    // A tensor smaller than one chunk is one chunk.
    expect(planChunks({ elements: 100, elementBytes: 4, chunkBytes: 1 << 20, blockSize: 32 })).toHaveLength(1);
    // Exactly one chunk's worth.
    expect(planChunks({ elements: 64, elementBytes: 4, chunkBytes: 256, blockSize: 32 })).toHaveLength(1);
  });

  it('rejects bad input with typed errors naming the problem', () => {
    expect(() => planChunks({ elements: 100, elementBytes: 4, chunkBytes: 64, blockSize: 32 })).toThrow(/smaller than one codec block \(128 bytes\)/);
    expect(() => planChunks({ elements: 512, elementBytes: 4, chunkBytes: 1000, rowElements: 512 })).toThrow(/smaller than one row/);
    expect(() => planChunks({ elements: 100, elementBytes: 4, chunkBytes: 1 << 20, blockSize: 32, rowElements: 48 })).toThrow(ShapeError);
    expect(() => planChunks({ elements: 100, elementBytes: 4, chunkBytes: 1 << 20, rowElements: 64 })).toThrow(/not a whole number of rows/);
    expect(() => planChunks({ elements: -1, elementBytes: 4, chunkBytes: 64 })).toThrow(ArgumentError);
    expect(() => planChunks({ elements: 10, elementBytes: 0, chunkBytes: 64 })).toThrow(/elementBytes/);
    expect(() => planChunks({ elements: 10, elementBytes: 4, chunkBytes: 1.5 })).toThrow(/chunkBytes/);
    expect(() => planChunks({ elements: 10, elementBytes: 4, chunkBytes: 64, blockSize: 0 })).toThrow(/blockSize/);
    expect(() => planChunks({ elements: 2 ** 40, elementBytes: 1, chunkBytes: 1 })).toThrow(/maxChunks/);
  });
});

describe('reassembly map', () => {
  const chunks = planChunks({ elements: 1000, elementBytes: 4, chunkBytes: 400 }); // 10 chunks of 100

  it('finds the chunk of any element', () => {
    expect(chunkOfElement(chunks, 0)).toBe(0);
    expect(chunkOfElement(chunks, 99)).toBe(0);
    expect(chunkOfElement(chunks, 100)).toBe(1);
    expect(chunkOfElement(chunks, 999)).toBe(9);
    expect(chunkOfElement(chunks, 1000)).toBe(-1);
    expect(chunkOfElement(chunks, -1)).toBe(-1);
  });

  it('reassembles a whole tensor and any range from chunk slices, each element once', () => {
    const source = Float32Array.from({ length: 1000 }, (_, i) => i * 0.5);
    const decoded = chunks.map((c) => source.slice(c.elementOffset, c.elementOffset + c.elements));
    const rng = new Rng(3);
    for (let trial = 0; trial < 50; trial++) {
      const a = rng.int(1001);
      const b = a + rng.int(1001 - a);
      const out = new Float32Array(b - a).fill(NaN);
      for (const s of sliceRange(chunks, a, b)) out.set(decoded[s.chunk].subarray(s.from, s.to), s.outOffset);
      expect(out).toEqual(source.subarray(a, b));
    }
    const whole = sliceRange(chunks, 0, 1000);
    expect(whole).toHaveLength(10);
    expect(whole.reduce((n, s) => n + s.to - s.from, 0)).toBe(1000);
    expect(() => sliceRange(chunks, 10, 1001)).toThrow(ArgumentError);
    expect(() => sliceRange(chunks, 5, 4)).toThrow(/range/);
  });
});
