/** The canonical Huffman coder on its own: lengths limited, codes prefix-free, sections (full and compact tables) exact. */
import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from '../../../src/codecs/lossless/byte-io.js';
import { MAX_CODE_BITS, canonicalCodes, huffmanLengths, kraftSum } from '../../../src/codecs/lossless/huffman-lengths.js';
import { planCompact, readCompact, writeCompact } from '../../../src/codecs/lossless/huffman-compact.js';
import { histogram, planHuffman, readHuffman, writeHuffman } from '../../../src/codecs/lossless/huffman.js';
import { FormatError } from '../../../src/errors/index.js';
import { Rng } from '../../../src/random/rng.js';

function section(src: Uint8Array): Uint8Array {
  const plan = planHuffman(histogram(src));
  const w = new ByteWriter(plan.sectionBytes);
  writeHuffman(w, src, plan);
  expect(w.pos).toBe(plan.sectionBytes);
  return w.bytes;
}

function decode(sec: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(n);
  const r = new ByteReader(sec, 'test');
  readHuffman(r, out);
  r.end();
  return out;
}

describe('huffman', () => {
  it('limits code lengths to 12 bits even for Fibonacci counts (unlimited depth would be ~40)', () => {
    const counts = new Float64Array(256);
    let a = 1;
    let b = 1;
    for (let s = 0; s < 40; s++) {
      counts[s] = a;
      [a, b] = [b, a + b];
    }
    const lens = huffmanLengths(counts);
    expect(Math.max(...lens)).toBe(MAX_CODE_BITS);
    expect(kraftSum(lens)).toBeLessThanOrEqual(1 << MAX_CODE_BITS);
    // The most frequent symbol still gets the shortest code.
    expect(lens[39]).toBe(Math.min(...Array.from(lens).filter((l) => l > 0)));
  });

  it('builds complete prefix-free canonical codes', () => {
    const rng = new Rng(3);
    const counts = new Float64Array(256);
    for (let s = 0; s < 256; s++) counts[s] = rng.int(1000);
    const lens = huffmanLengths(counts);
    expect(kraftSum(lens)).toBe(1 << MAX_CODE_BITS);
    const codes = canonicalCodes(lens);
    const seen = new Set<string>();
    for (let s = 0; s < 256; s++) if (lens[s] > 0) seen.add(codes[s].toString(2).padStart(lens[s], '0'));
    for (const c of seen) for (const d of seen) if (c !== d) expect(d.startsWith(c)).toBe(false);
  });

  it('round-trips skewed, uniform, single-symbol and Fibonacci-skewed streams', () => {
    const rng = new Rng(9);
    const n = 5000;
    const skewed = Uint8Array.from({ length: n }, () => Math.min(255, Math.floor(-Math.log2(rng.next() + 1e-12))));
    const uniform = rng.bytes(n);
    const single = new Uint8Array(n).fill(77);
    const fib = new Uint8Array(n);
    for (let i = 0; i < n; i++) fib[i] = Math.min(30, Math.floor(-Math.log(rng.next() + 1e-15) / Math.log(1.618)));
    for (const src of [skewed, uniform, single, fib, Uint8Array.of(5)]) {
      expect(decode(section(src), src.length)).toEqual(src);
    }
  });

  it('codes a low-entropy stream near its entropy', () => {
    const rng = new Rng(4);
    const src = Uint8Array.from({ length: 20000 }, () => (rng.next() < 0.9 ? 0 : 1 + rng.int(3)));
    // H = 0.469 + 0.1·log2(3) ≈ 0.63 bits; Huffman needs ≥ 1 bit per symbol.
    const bytes = section(src).length - 132;
    expect(bytes * 8 / src.length).toBeLessThan(1.25);
  });

  it('rejects over-subscribed lengths, lengths > 12, empty code sets, short and padded streams', () => {
    const src = new Rng(1).bytes(1000);
    const good = section(src);
    const bad = (mutate: (s: Uint8Array) => Uint8Array) => () => decode(mutate(good.slice()), 1000);
    expect(bad((s) => ((s[0] = 0x11), s))).toThrow(FormatError); // two codes of length 1 + the rest
    expect(bad((s) => ((s[3] = 0xd0 | (s[3] & 15)), s))).toThrow(/exceeds 12/);
    expect(bad((s) => (s.fill(0, 0, 128), s))).toThrow(/no symbol/);
    expect(bad((s) => s.subarray(0, s.length - 1))).toThrow(FormatError);
    const padded = new Uint8Array(good.length + 1);
    padded.set(good);
    new DataView(padded.buffer).setUint32(128, new DataView(good.buffer).getUint32(128, true) + 1, true);
    expect(() => decode(padded, 1000)).toThrow(/spare bytes/);
  });
});

function compact(src: Uint8Array): Uint8Array {
  const plan = planCompact(histogram(src));
  const w = new ByteWriter(plan.sectionBytes);
  writeCompact(w, src, plan);
  expect(w.pos).toBe(plan.sectionBytes);
  return w.bytes;
}

function decodeCompact(sec: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(n);
  const r = new ByteReader(sec, 'test');
  readCompact(r, out);
  r.end();
  return out;
}

describe('huffman, compact table (byteplane v2)', () => {
  it('stores only the used value range: 22 values in a band cost 2 + 11 table bytes', () => {
    const rng = new Rng(21);
    const src = Uint8Array.from({ length: 3000 }, () => 100 + Math.min(21, Math.floor(-Math.log2(rng.next() + 1e-12) * 2)));
    const sec = compact(src);
    expect([sec[0], sec[1]]).toEqual([100, 121]);
    const plan = planCompact(histogram(src));
    expect(plan.sectionBytes).toBe(2 + 11 + 2 + plan.streamBytes); // varint of a 2-byte-sized length
    // The same code as the 128-byte table: identical stream bytes.
    expect(sec.subarray(15)).toEqual(section(src).subarray(132));
    expect(decodeCompact(sec, src.length)).toEqual(src);
  });

  it('round-trips single values, full ranges, odd ranges and one-symbol streams', () => {
    const rng = new Rng(22);
    for (const src of [new Uint8Array(50).fill(255), rng.bytes(4000), Uint8Array.of(3, 5, 7, 3, 3), Uint8Array.of(0), Uint8Array.of(254, 255)]) {
      expect(decodeCompact(compact(src), src.length)).toEqual(src);
    }
  });

  it('rejects a range that ends before it starts, a non-zero pad nibble, bad lengths and padded streams', () => {
    const src = Uint8Array.of(3, 5, 7, 3, 3, 3, 5, 3); // range 3..7: 5 lengths, one pad nibble
    const good = compact(src);
    const bad = (mutate: (s: Uint8Array) => Uint8Array) => () => decodeCompact(mutate(good.slice()), src.length);
    expect(bad((s) => ((s[1] = 2), s))).toThrow(/below huffman.first/);
    expect(bad((s) => ((s[4] |= 0x10), s))).toThrow(/pad nibble/);
    expect(bad((s) => (s.fill(0, 2, 5), s))).toThrow(/no symbol/);
    expect(bad((s) => ((s[2] = 0xd1), s))).toThrow(/exceeds 12/);
    expect(bad((s) => ((s[5] += 1), s))).toThrow(FormatError);
    expect(bad((s) => ((s[5] = 0xff), s))).toThrow(FormatError);
    expect(bad((s) => s.subarray(0, s.length - 1))).toThrow(FormatError);
  });
});
