/**
 * One test over every row of the codec registry (like ggml's test that loops
 * over every type): whatever CODECS holds must honour the Codec contract.
 */
import { describe, expect, it } from 'vitest';
import { CODECS, RETIRED_IDS, codecByGgmlType, codecById, codecByName } from '../../src/codecs/registry.js';
import type { AnyCodec } from '../../src/codecs/codec.js';
import { CodecError, FormatError } from '../../src/errors/index.js';
import { Rng } from '../../src/random/rng.js';
import { type DType, isDType } from '../../src/tensor/dtype.js';
import { Tensor } from '../../src/tensor/tensor.js';

/** Permanent ids: changing a line here means breaking every stored blob. */
const ID_TABLE: Record<number, string> = {
  0: 'raw',
  1: 'f16',
  2: 'bf16',
  3: 'f8_e4m3',
  4: 'f8_e5m2',
  10: 'q8_0',
  11: 'q4_0',
  12: 'q4_1',
  13: 'q5_0',
  14: 'q5_1',
  15: 'q4_k',
  16: 'q6_k',
  20: 'nf4',
  21: 'int8',
  30: 'byteplane',
  31: 'zerorun',
  32: 'sparse',
  33: 'dict',
  34: 'lowrank',
  35: 'awq',
  36: 'delta',
  37: 'delta_q8',
  38: 'packed',
};

/** Shapes every codec accepts (rows a multiple of 256, the largest GGML block). */
const SHAPES: number[][] = [[256], [2, 512], [3, 1, 256]];
/** Structural codecs (low-rank, AWQ) take matrices only. */
const MATRIX_SHAPES: number[][] = [[4, 256], [2, 512], [16, 128]];
const shapesOf = (c: AnyCodec): number[][] => (c.family === 'structural' ? MATRIX_SHAPES : SHAPES);
const SOURCE_DTYPES: DType[] = ['F32', 'BF16'];

/** The dtype decode must return, by the contract in codec.ts. */
function decodedDtype(c: AnyCodec, source: DType): DType {
  if (c.lossless) return source;
  if (c.family === 'cast') {
    const d = c.name.toUpperCase();
    if (!isDType(d)) throw new Error(`cast codec ${c.name} is not named after a dtype`);
    return d;
  }
  return 'F32';
}

function tensorOf(shape: number[], dtype: DType, seed: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return Tensor.fromF32As(dtype, new Rng(seed).normalArray(n), shape);
}

describe('codec registry', () => {
  it('holds exactly the permanent id <-> name table', () => {
    const actual = Object.fromEntries(CODECS.map((c) => [c.id, c.name]));
    expect(actual).toEqual(ID_TABLE);
    expect(new Set(CODECS.map((c) => c.id)).size).toBe(CODECS.length);
    expect(new Set(CODECS.map((c) => c.name)).size).toBe(CODECS.length);
    for (const id of RETIRED_IDS) expect(codecById(id)).toBeUndefined();
  });

  it('looks codecs up by id, name (case-insensitive) and GGML type', () => {
    for (const c of CODECS) {
      expect(codecById(c.id)).toBe(c);
      expect(codecByName(c.name)).toBe(c);
      expect(codecByName(c.name.toUpperCase())).toBe(c);
      if (c.ggmlType !== undefined) expect(codecByGgmlType(c.ggmlType)).toBe(c);
    }
    expect(codecById(9999)).toBeUndefined();
  });

  it('codecByName throws CodecError naming the choices for an unknown name', () => {
    expect(() => codecByName('q3_z')).toThrow(CodecError);
    expect(() => codecByName('q3_z')).toThrow(/known: .*nf4/);
  });

  for (const c of CODECS) {
    describe(`${c.name} (id ${c.id})`, () => {
      it('has a well-formed row', () => {
        expect(Number.isSafeInteger(c.id) && c.id >= 0).toBe(true);
        expect(c.name).toMatch(/^[a-z0-9_]+$/);
        expect(c.summary.length).toBeGreaterThan(0);
        expect(Number.isSafeInteger(c.blockSize) && c.blockSize >= 1).toBe(true);
        for (const d of c.exactFor) expect(isDType(d)).toBe(true);
        expect(c.params()).toEqual(c.params(c.params())); // defaults are a fixed point
      });

      for (const dtype of SOURCE_DTYPES) {
        it(`encode -> decode keeps the shape/dtype contract and payloadBytes from ${dtype}`, () => {
          const p = c.params();
          shapesOf(c).forEach((shape, k) => {
            const t = tensorOf(shape, dtype, 100 + k);
            c.check(t.shape, dtype, p);
            const payload = c.encode(t, p);
            if (c.variableSize === true) expect(payload.byteLength).toBeLessThanOrEqual(c.payloadBytes(shape, dtype, p));
            else expect(payload.byteLength).toBe(c.payloadBytes(shape, dtype, p));
            const back = c.decode(payload, shape, dtype, p);
            expect(back.shape).toEqual(shape);
            expect(back.dtype).toBe(decodedDtype(c, dtype));
            if (c.exactFor.includes(dtype)) expect(back.to(dtype).bytes).toEqual(t.bytes);
            for (const v of back.toF32()) if (!Number.isFinite(v)) throw new Error(`${c.name} decoded ${v}`);
          });
        });
      }

      it('rejects a payload of the wrong length with FormatError', () => {
        const p = c.params();
        const shape = SHAPES[1];
        const payload = c.encode(tensorOf(shape, 'F32', 7), p);
        const longer = new Uint8Array(payload.byteLength + 1);
        longer.set(payload);
        expect(() => c.decode(longer, shape, 'F32', p)).toThrow(FormatError);
        expect(() => c.decode(payload.subarray(1), shape, 'F32', p)).toThrow(FormatError);
        expect(() => c.decode(new Uint8Array(0), shape, 'F32', p)).toThrow(FormatError);
      });
    });
  }
});
