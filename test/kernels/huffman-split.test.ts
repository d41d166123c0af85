/**
 * The multi-chain path of the native Huffman decode (streams of 64 KiB and
 * more; native/src/huffman.cc decode_split) against the TS decodeSymbols:
 * the same bits consumed / failing symbol and the same symbols, on streams
 * whose chains resynchronize at once, never (a fixed-length code whose
 * symbol starts never meet the next chain's), or outrun their scratch part
 * (short codes in one half, long codes in the other); and under damage in
 * every chain's region, truncation and symbol counts that do not match —
 * at every dispatch level.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ByteWriter } from '../../src/codecs/lossless/byte-io.js';
import { buildTable, decodeSymbols, histogram, planHuffman, writeHuffman } from '../../src/codecs/lossless/huffman.js';
import { kernels } from '../../src/kernels/index.js';
import { Rng } from '../../src/random/rng.js';
import { LEVELS, useLevel } from './native-helpers.js';

/** A Huffman section for `src` (lengths from its histogram, or the given ones). */
function section(src: Uint8Array, lens?: Uint8Array): { table: Uint16Array; stream: Uint8Array } {
  const plan = planHuffman(histogram(src));
  if (lens) {
    plan.lens = lens;
    let bits = 0;
    for (let i = 0; i < src.length; i++) bits += lens[src[i]];
    plan.streamBytes = Math.ceil(bits / 8);
    plan.sectionBytes = 132 + plan.streamBytes;
  }
  const w = new ByteWriter(plan.sectionBytes);
  writeHuffman(w, src, plan);
  return { table: buildTable(plan.lens, 'test'), stream: w.bytes.subarray(132) };
}

function expectSame(stream: Uint8Array, table: Uint16Array, n: number, label: string): number {
  const outN = new Uint8Array(n);
  const outT = new Uint8Array(n);
  const rN = kernels.huffmanDecode!(stream, table, outN);
  const rT = decodeSymbols(stream, table, outT);
  expect(rN, label).toBe(rT);
  const upTo = rT < 0 ? -rT - 1 : n;
  expect(Buffer.compare(Buffer.from(outN.subarray(0, upTo)), Buffer.from(outT.subarray(0, upTo))), label).toBe(0);
  return rT;
}

/** Skewed symbols over `size` values (exponent-plane-like for small sizes). */
function skewed(n: number, size: number, rng: Rng): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let k = 0;
    while (k < size - 1 && rng.next() < 0.5) k++;
    out[i] = (k * 37 + 11) & 255;
  }
  return out;
}

/** Parity cases exist only with the addon (native-status.test.ts says when it is missing). */
function itNative(name: string, fn: () => void): void {
  if (LEVELS.length > 0) it(name, fn);
}

describe('huffman decode, multi-chain path: native vs TS', () => {
  const rng = new Rng(61);

  it('has the kernel exactly when the addon is loaded', () => {
    if (process.env.TENSORHIVE_REQUIRE_NATIVE === '1') expect(LEVELS.length).toBeGreaterThan(0);
    expect(kernels.huffmanDecode === undefined).toBe(LEVELS.length === 0);
  });
  const streams: [string, Uint8Array, Uint8Array | undefined][] = [
    ['short codes', skewed(400_000, 24, rng), undefined],
    ['long codes', Uint8Array.from(rng.bytes(150_000), (b) => (b < 8 ? b : b | 1)), undefined],
    // Every code 3 bits: chains starting at a bit offset ≢ 0 (mod 3) never resynchronize.
    ['fixed 3-bit code', Uint8Array.from(rng.bytes(400_011), (b) => b & 7), Uint8Array.from({ length: 256 }, (_, v) => (v < 8 ? 3 : 0))],
    // First half 1-2 bit codes, second half 8+ bits: the later chains outrun their scratch part.
    ['non-stationary', Uint8Array.from({ length: 600_000 }, (_, i) => (i < 500_000 ? (rng.next() < 0.7 ? 0 : 1) : 2 + rng.int(200))), undefined],
  ];

  afterAll(() => {
    if (LEVELS.length > 0) useLevel(LEVELS[LEVELS.length - 1]);
  });

  // Every level: the SIMD levels take the BMI2 build of the chains, scalar the portable one.
  for (const [label, src, lens] of streams) for (const level of LEVELS) {
    itNative(`${level}, ${label}: decodes bit-exactly, and fails exactly where TS does when damaged`, () => {
      useLevel(level);
      const { table, stream } = section(src, lens);
      expect(stream.length).toBeGreaterThanOrEqual(1 << 16);
      const bits = expectSame(stream, table, src.length, `${label} intact`);
      expect(bits).toBeGreaterThan(0);
      const out = new Uint8Array(src.length);
      kernels.huffmanDecode!(stream, table, out);
      expect(Buffer.compare(Buffer.from(out), Buffer.from(src))).toBe(0);
      // Fewer or more symbols asked for than were coded.
      for (const n of [src.length - 1, src.length - 5000, src.length + 1, src.length + 40_000, (src.length / 2) | 0]) {
        expectSame(stream, table, n, `${label} n=${n}`);
      }
      // Truncated inside each chain's quarter, and just short of the end.
      for (const f of [0.1, 0.3, 0.55, 0.8, 0.999]) expectSame(stream.subarray(0, Math.floor(stream.length * f)), table, src.length, `${label} cut ${f}`);
      // Bits flipped in each quarter (the code may be complete: then only the symbols differ).
      const r = new Rng(62);
      for (let q = 0; q < 4; q++) {
        for (let t = 0; t < 3; t++) {
          const bad = stream.slice();
          const at = Math.floor(((q + r.next()) / 4) * bad.length);
          for (let k = 0; k < 4; k++) bad[Math.min(bad.length - 1, at + k)] ^= 1 << r.int(8);
          expectSame(bad, table, src.length, `${label} flipped in quarter ${q}`);
        }
      }
    });
  }

  itNative('stops at unassigned codes of an incomplete code in any quarter', () => {
    // One symbol of length 2 (Kraft 1/4): three quarters of all bit patterns are unassigned.
    const lens = new Uint8Array(256);
    lens[9] = 2;
    const table = buildTable(lens, 'test');
    const n = 400_000;
    const zeros = new Uint8Array(n / 4); // all-zero stream: n valid symbols
    expectSame(zeros, table, n, 'all zero');
    for (const f of [0.05, 0.3, 0.6, 0.9]) {
      const bad = zeros.slice();
      bad[Math.floor(f * bad.length)] = 0x40;
      expectSame(bad, table, n, `bad code at ${f}`);
    }
    expectSame(rng.bytes(n / 4), table, n, 'random');
  });
});
