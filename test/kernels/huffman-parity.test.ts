/**
 * The native Huffman kernel (kernels.huffmanDecode, native/src/huffman.cc)
 * against the TS loop it replaces (decodeSymbols): the same return value
 * (bits consumed or −(i+1)) and the same symbols on seeded streams of many
 * lengths and alphabets — across the 16384-symbol switch to the multi-symbol
 * table — and the same outcome on malformed streams; the byteplane codec
 * decodes to the same bytes and throws the same FormatError either way. The
 * boundary checks (table length, argument types) are exercised directly.
 */
import { describe, expect, it } from 'vitest';
import { byteplane } from '../../src/codecs/byteplane.js';
import { ByteWriter } from '../../src/codecs/lossless/byte-io.js';
import { buildTable, decodeSymbols, histogram, planHuffman, writeHuffman } from '../../src/codecs/lossless/huffman.js';
import { huffmanLengths } from '../../src/codecs/lossless/huffman-lengths.js';
import { ArgumentError } from '../../src/errors/index.js';
import { kernels } from '../../src/kernels/index.js';
import { nativeAddon } from '../../src/kernels/native.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { LEVELS, thrown, withReference } from './native-helpers.js';

const required = process.env.TENSORHIVE_REQUIRE_NATIVE === '1';
/** Parity cases exist only with the addon (native-status.test.ts says when it is missing). */
function itNative(name: string, fn: () => void): void {
  if (LEVELS.length > 0) it(name, fn);
}
const LENGTHS = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 100, 1000, 16383, 16384, 16385, 50_003];
const ALPHABETS = [1, 2, 3, 5, 16, 64, 200, 256];

/** n symbols from an alphabet of `size` byte values with a skewed (geometric-ish) distribution. */
function symbols(n: number, size: number, rng: Rng): Uint8Array {
  const values = Uint8Array.from({ length: size }, (_, k) => (k * 167 + rng.int(256)) & 255);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let k = 0;
    while (k < size - 1 && rng.next() < 0.55) k++;
    out[i] = values[k];
  }
  return out;
}

/** A Huffman section body for `src`: its 4096-entry table and its stream. */
function section(src: Uint8Array): { table: Uint16Array; stream: Uint8Array; bits: number } {
  const counts = histogram(src);
  // A single-symbol plane still needs a code: give it (and one spare value) 1 bit.
  let distinct = 0;
  for (let v = 0; v < 256; v++) if (counts[v] > 0) distinct++;
  if (distinct < 2) counts[(src.length ? src[0] + 1 : 1) & 255] = 1;
  const plan = planHuffman(counts);
  const w = new ByteWriter(plan.sectionBytes);
  writeHuffman(w, src, plan);
  let bits = 0;
  for (let i = 0; i < src.length; i++) bits += plan.lens[src[i]];
  return { table: buildTable(plan.lens, 'test'), stream: w.bytes.subarray(132), bits };
}

/** Both kernels on the same input; returns [native, ts] results and outputs. */
function both(stream: Uint8Array, table: Uint16Array, n: number) {
  const outN = new Uint8Array(n);
  const outT = new Uint8Array(n);
  const rN = kernels.huffmanDecode!(stream, table, outN);
  const rT = decodeSymbols(stream, table, outT);
  return { rN, rT, outN, outT };
}

/** Same result; same symbols (all of them, or those before the failing one). */
function expectSame(stream: Uint8Array, table: Uint16Array, n: number, label: string): number {
  const { rN, rT, outN, outT } = both(stream, table, n);
  expect(rN, label).toBe(rT);
  const upTo = rT < 0 ? -rT - 1 : n;
  expect(Buffer.compare(Buffer.from(outN.subarray(0, upTo)), Buffer.from(outT.subarray(0, upTo))), label).toBe(0);
  return rT;
}

describe('huffman decode kernel: native vs TS', () => {
  it('is present exactly when the addon is loaded', () => {
    if (required) expect(LEVELS.length).toBeGreaterThan(0);
    expect(kernels.huffmanDecode === undefined).toBe(LEVELS.length === 0);
  });

  itNative('decodes seeded streams of every length and alphabet bit-exactly', () => {
    const rng = new Rng(41);
    for (const size of ALPHABETS) {
      for (const n of LENGTHS) {
        const src = symbols(n, size, rng);
        const { table, stream, bits } = section(src);
        const r = expectSame(stream, table, n, `alphabet ${size}, n ${n}`);
        expect(r).toBe(bits);
        const out = new Uint8Array(n);
        kernels.huffmanDecode!(stream, table, out);
        expect(Buffer.compare(Buffer.from(out), Buffer.from(src))).toBe(0);
      }
    }
  });

  itNative('reports the same failing symbol on truncated, extended and corrupted streams', () => {
    const rng = new Rng(42);
    for (const size of [2, 16, 256]) {
      for (const n of [1, 9, 100, 20_000]) {
        const src = symbols(n, size, rng);
        const { table, stream } = section(src);
        // Too short (down to empty), or asked for more symbols than coded.
        for (const cut of [0, 1, 2, 3, 9]) expectSame(stream.subarray(0, Math.max(0, stream.length - cut)), table, n, `cut ${cut}`);
        for (const extra of [1, 2, 17, 5000]) expectSame(stream, table, n + extra, `extra ${extra}`);
        // Random bytes flipped.
        for (let t = 0; t < 4; t++) {
          const bad = stream.slice();
          for (let k = 0; k < 3 && bad.length; k++) bad[rng.int(bad.length)] ^= 1 << rng.int(8);
          expectSame(bad, table, n, `flipped, alphabet ${size}`);
        }
      }
    }
  });

  itNative('stops at unassigned codes of an incomplete code exactly where TS does', () => {
    const rng = new Rng(43);
    for (const lenOfOnly of [1, 3, 12]) {
      // A code with one symbol (Kraft < 1): every other pattern is unassigned.
      const lens = new Uint8Array(256);
      lens[65] = lenOfOnly;
      const table = buildTable(lens, 'test');
      for (const n of [1, 5, 16, 40_000]) {
        expectSame(new Uint8Array(Math.ceil((n * lenOfOnly) / 8)), table, n, `all-zero, len ${lenOfOnly}`);
        expectSame(rng.bytes(Math.ceil((n * lenOfOnly) / 8)), table, n, `random, len ${lenOfOnly}`);
      }
    }
    // A near-complete code of random lengths with random streams.
    const lens = huffmanLengths(Float64Array.from({ length: 256 }, (_, v) => (v < 40 ? 1 + rng.int(1000) : 0)));
    lens[lens.indexOf(Math.max(...lens))] = 0; // drop one symbol: its codes become unassigned
    const table = buildTable(lens, 'test');
    for (const n of [7, 3000, 30_000]) for (let t = 0; t < 3; t++) expectSame(rng.bytes(n), table, n, 'random stream');
  });

  itNative('works on views over SharedArrayBuffers at odd offsets', () => {
    const src = symbols(30_000, 16, new Rng(44));
    const { table, stream } = section(src);
    const sab = new SharedArrayBuffer(stream.length + 3);
    const view = new Uint8Array(sab, 3, stream.length);
    view.set(stream);
    const outBuf = new Uint8Array(new SharedArrayBuffer(src.length + 1), 1, src.length);
    expect(kernels.huffmanDecode!(view, table, outBuf)).toBe(decodeSymbols(stream, table, new Uint8Array(src.length)));
    expect(Buffer.compare(Buffer.from(outBuf), Buffer.from(src))).toBe(0);
  });

  itNative('checks every length at the JS boundary and in C++', () => {
    const out = new Uint8Array(4);
    const stream = new Uint8Array(4);
    expect(() => kernels.huffmanDecode!(stream, new Uint16Array(4095), out)).toThrow(ArgumentError);
    expect(() => kernels.huffmanDecode!(stream, new Uint16Array(4095), out)).toThrow(/table.length must be 4096, got 4095/);
    const a = nativeAddon() as unknown as { huffmanDecode: (...args: unknown[]) => number };
    expect(() => a.huffmanDecode(stream, new Uint16Array(4097), out)).toThrow(RangeError);
    expect(() => a.huffmanDecode(stream, new Uint32Array(4096), out)).toThrow(RangeError);
    expect(() => a.huffmanDecode([1, 2], new Uint16Array(4096), out)).toThrow(RangeError);
    expect(() => a.huffmanDecode(stream, new Uint16Array(4096), new Int8Array(4))).toThrow(RangeError);
    // Entries whose length is 0 or over 12 would break the TS contract: refused.
    for (const bad of [(7 << 4) | 13, 7 << 4]) {
      const table = new Uint16Array(4096).fill((1 << 4) | 1);
      table[100] = bad;
      expect(() => a.huffmanDecode(stream, table, out)).toThrow(/code length outside 1\.\.12/);
    }
  });
});

// Empty without the addon, so declared only with it (an empty suite fails).
if (LEVELS.length > 0) describe('byteplane decode: native Huffman vs TS', () => {
  const rng = new Rng(45);
  const cases: [string, Tensor][] = [];
  const w = rng.normalArray(20_000).map((x) => x * 0.02);
  cases.push(['weight-like F32', Tensor.fromF32(w, [20_000])]);
  cases.push(['coarse F32 (all planes coded)', Tensor.fromF32(w.map((x) => Math.round(x * 64) / 64), [100, 200])]);
  cases.push(['small F32', Tensor.fromF32(w.subarray(0, 7), [7])]);

  for (const [label, t] of cases) {
    it(`${label}: same bytes, and the same error on every corruption`, () => {
      const p = byteplane.params();
      const payload = byteplane.encode(t, p);
      const dN = byteplane.decode(payload, t.shape, 'F32', p);
      const dT = withReference(() => byteplane.decode(payload, t.shape, 'F32', p));
      expect(Buffer.compare(Buffer.from(dN.bytes), Buffer.from(t.bytes))).toBe(0);
      expect(Buffer.compare(Buffer.from(dT.bytes), Buffer.from(t.bytes))).toBe(0);
      const r = new Rng(46);
      for (let k = 0; k < 40; k++) {
        const bad = payload.slice();
        bad[r.int(bad.length)] ^= 1 << r.int(8);
        const cut = k % 5 === 0 ? bad.subarray(0, r.int(bad.length)) : bad;
        const outN = thrown(() => byteplane.decode(cut, t.shape, 'F32', p));
        const outT = thrown(() => withReference(() => byteplane.decode(cut, t.shape, 'F32', p)));
        expect(outN).toEqual(outT);
      }
    });
  }
});
