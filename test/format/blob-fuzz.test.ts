/**
 * Decoder fuzzing: seeded random mutations of valid blobs of every codec.
 * An untouched-checksum mutation must decode to exactly the original tensor
 * or throw FormatError/IntegrityError. A mutation whose checksums were forged
 * afterwards ("resealed") cannot be caught by the checksum; it must still end
 * in a TensorhiveError or a well-formed tensor no larger than the input
 * justifies — never another exception type (a RangeError would mean an
 * allocation sized by a claimed length), never a hang.
 * Each iteration uses its own Rng(SEED + i), so a failure is reproducible.
 */
import { describe, expect, it } from 'vitest';
import { CODECS, codecByName } from '../../src/codecs/registry.js';
import { FormatError, IntegrityError, TensorhiveError } from '../../src/errors/index.js';
import { readBlobHeader } from '../../src/format/blob.js';
import { compressTensor, decompressBlob } from '../../src/format/compress.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { reseal, sampleFor } from './blob-fixtures.js';

const SEED = 0x7b10b;
const ITERATIONS = 12_000;

interface Base {
  name: string;
  blob: Uint8Array;
  expected: Tensor;
  headerLength: number;
  rank: number;
  paramsLength: number;
}

function makeBases(): Base[] {
  const tensors: [string, Tensor, string][] = CODECS.map((c) => [c.name, sampleFor(c, 500 + c.id, 1), c.name]);
  const rng = new Rng(11);
  tensors.push(['raw I64 [3]', new Tensor('I64', [3], rng.bytes(24)), 'raw']);
  tensors.push(['raw BF16 [2,2,2]', new Tensor('BF16', [2, 2, 2], rng.bytes(16)), 'raw']);
  tensors.push(['raw U8 scalar', new Tensor('U8', [], rng.bytes(1)), 'raw']);
  tensors.push(['int8 block 32', sampleFor(codecByName('int8'), 3, 1), 'int8']);
  return tensors.map(([name, t, codec]) => {
    const blob = compressTensor(t, codec, name === 'int8 block 32' ? { blockSize: 32 } : undefined);
    const h = readBlobHeader(blob);
    return {
      name,
      blob,
      expected: decompressBlob(blob).clone(),
      headerLength: h.headerLength,
      rank: h.shape.length,
      paramsLength: new DataView(blob.buffer, blob.byteOffset).getUint16(12, true),
    };
  });
}

/** Header fields holding lengths or ids: [offset, width in bytes]. */
function fields(b: Base): [string, number, number][] {
  const f: [string, number, number][] = [
    ['version', 4, 2],
    ['headerLength', 6, 2],
    ['codecId', 8, 2],
    ['dtype', 10, 1],
    ['rank', 11, 1],
    ['paramsLength', 12, 2],
    ['flags', 14, 2],
    ['payloadLength', 16, 8],
  ];
  for (let i = 0; i < b.rank; i++) f.push([`dim${i}`, 24 + 8 * i, 8]);
  return f;
}

const BOUNDARY = [0, 1, 2, 7, 8, 9, 255, 256, 0xffff, 0x10000, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 50, 2 ** 53 - 1, 2 ** 53, 2 ** 63, 2 ** 64 - 1];

function writeField(bytes: Uint8Array, off: number, width: number, v: number): void {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (width === 1) dv.setUint8(off, v & 0xff);
  else if (width === 2) dv.setUint16(off, v & 0xffff, true);
  else {
    dv.setUint32(off, v % 2 ** 32 >>> 0, true);
    dv.setUint32(off + 4, Math.min(Math.floor(v / 2 ** 32), 2 ** 32 - 1), true);
  }
}

function readField(bytes: Uint8Array, off: number, width: number): number {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (width === 1) return dv.getUint8(off);
  if (width === 2) return dv.getUint16(off, true);
  return dv.getUint32(off, true) + dv.getUint32(off + 4, true) * 2 ** 32;
}

/** Region boundaries of a blob: magic, fixed header, dims, params, padding+header CRC, payload, trailer. */
function regions(b: Base): [number, number][] {
  const dims = 24 + 8 * b.rank;
  const params = dims + b.paramsLength;
  const end = b.blob.length;
  return [[0, 4], [4, 24], [24, dims], [dims, params], [params, b.headerLength], [b.headerLength, end - 4], [end - 4, end]];
}

type Kind = (typeof KINDS)[number];
const KINDS = ['flip1', 'flipN', 'byte', 'truncate', 'append', 'field', 'fieldResealed', 'magicRandom', 'magicRandomResealed', 'payloadResealed'] as const;
const RESEALED = new Set<Kind>(['fieldResealed', 'magicRandomResealed', 'payloadResealed']);

function mutate(kind: Kind, b: Base, rng: Rng): Uint8Array {
  const src = b.blob;
  switch (kind) {
    case 'flip1': {
      const out = src.slice();
      const bit = rng.int(out.length * 8);
      out[bit >> 3] ^= 1 << (bit & 7);
      return out;
    }
    case 'flipN': {
      const out = src.slice();
      const n = 2 + rng.int(15);
      for (let i = 0; i < n; i++) {
        const bit = rng.int(out.length * 8);
        out[bit >> 3] ^= 1 << (bit & 7);
      }
      return out;
    }
    case 'byte': {
      const out = src.slice();
      const [lo, hi] = regions(b)[rng.int(7)];
      if (hi > lo) out[lo + rng.int(hi - lo)] ^= 1 + rng.int(255); // always a change
      else out[rng.int(out.length)] ^= 0xff;
      return out;
    }
    case 'truncate': {
      const [lo, hi] = regions(b)[rng.int(7)];
      return src.slice(0, hi > lo ? lo + rng.int(hi - lo) : lo);
    }
    case 'append': {
      const extra = rng.int(4) === 0 ? rng.bytes(4) : rng.bytes(1 + rng.int(64));
      const out = new Uint8Array(src.length + extra.length);
      out.set(src);
      out.set(extra, src.length);
      return out;
    }
    case 'field':
    case 'fieldResealed': {
      const out = src.slice();
      const [, off, width] = fields(b)[rng.int(fields(b).length)];
      const base = readField(src, off, width);
      const choices = [...BOUNDARY, base + 1, base - 1, base * 2, base + 8, Math.max(0, base - 8)];
      writeField(out, off, width, Math.max(0, choices[rng.int(choices.length)]));
      if (readField(out, off, width) === base) out[off] ^= 1; // always a change
      return kind === 'fieldResealed' ? reseal(out) : out;
    }
    case 'magicRandom':
    case 'magicRandomResealed': {
      const out = rng.bytes(4 + rng.int(700));
      out.set([0x54, 0x48, 0x42, 0x31]);
      if (out.length >= 24 && rng.int(2) === 0) {
        // plausible fixed header so deeper checks run: version 1, small rank and params
        const dv = new DataView(out.buffer);
        const rank = rng.int(9);
        const plen = 2 + rng.int(40);
        dv.setUint16(4, 1, true);
        dv.setUint16(6, Math.ceil((24 + 8 * rank + plen + 4) / 8) * 8, true);
        dv.setUint16(8, CODECS[rng.int(CODECS.length)].id, true);
        dv.setUint8(10, rng.int(13));
        dv.setUint8(11, rank);
        dv.setUint16(12, plen, true);
        dv.setUint16(14, 0, true);
        for (let i = 0; i < rank && 32 + 8 * i <= out.length; i++) dv.setUint32(28 + 8 * i, 0, true); // small dims
        dv.setUint32(20, 0, true);
      }
      return kind === 'magicRandomResealed' ? reseal(out) : out;
    }
    case 'payloadResealed': {
      const out = src.slice();
      for (let i = b.headerLength; i < out.length - 4; i++) if (rng.int(4) === 0) out[i] = rng.int(256);
      return reseal(out);
    }
  }
}

function sameTensor(a: Tensor, b: Tensor): boolean {
  return a.dtype === b.dtype && a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]) && Buffer.from(a.bytes).equals(Buffer.from(b.bytes));
}

describe('blob decoder fuzz', () => {
  it(`${ITERATIONS} seeded mutations: exact tensor or typed error, never anything else`, () => {
    const bases = makeBases();
    const stats = new Map<Kind, { runs: number; errors: number; decoded: number }>();
    for (const k of KINDS) stats.set(k, { runs: 0, errors: 0, decoded: 0 });
    const failures: string[] = [];
    const fieldsSeen = new Set<string>();
    for (let i = 0; i < ITERATIONS && failures.length < 5; i++) {
      const rng = new Rng(SEED + i);
      const kind = KINDS[i % KINDS.length];
      const base = bases[rng.int(bases.length)];
      const input = mutate(kind, base, rng);
      const s = stats.get(kind)!;
      s.runs++;
      const where = `iteration ${i} (${kind}, ${base.name})`;
      let out: Tensor;
      try {
        out = decompressBlob(input);
      } catch (err) {
        const ok = RESEALED.has(kind) ? err instanceof TensorhiveError : err instanceof FormatError || err instanceof IntegrityError;
        if (!ok) failures.push(`${where}: threw ${(err as Error)?.constructor?.name}: ${(err as Error)?.message}`);
        s.errors++;
        if (err instanceof FormatError) fieldsSeen.add(err.field.replace(/\[\d+\]/, '[i]'));
        if (err instanceof IntegrityError) fieldsSeen.add('checksum');
        continue;
      }
      s.decoded++;
      if (!(out instanceof Tensor)) failures.push(`${where}: returned a non-Tensor`);
      else if (RESEALED.has(kind)) {
        // forged checksums: the result must at least be well-formed and bounded by the input
        if (out.byteLength > 16 * input.length + 1024) failures.push(`${where}: ${out.byteLength} bytes out of ${input.length} in`);
      } else if (!sameTensor(out, base.expected)) failures.push(`${where}: decoded to different numbers`);
    }
    expect(failures).toEqual([]);
    for (const [k, s] of stats) {
      expect(s.runs, k).toBeGreaterThan(ITERATIONS / KINDS.length - 1);
      // the checksum catches everything that is not forged
      if (!RESEALED.has(k)) expect(s.decoded, k).toBe(0);
    }
    // every validation step was reached by some mutation
    for (const f of ['magic', 'version', 'header', 'headerLength', 'header.rank', 'header.paramsLength', 'header.flags', 'header.padding', 'header.shape[i]', 'header.dtype', 'header.codecId', 'header.params', 'payloadLength', 'length', 'checksum']) {
      expect(fieldsSeen, f).toContain(f);
    }
    // forged payloads of lossless-layout codecs (raw, casts) do decode: the adversarial path was exercised
    expect(stats.get('payloadResealed')!.decoded).toBeGreaterThan(0);
  });
});
