import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, readdir } from 'node:fs/promises';
import { gguf } from '@huggingface/gguf';
import { CodecError } from '../../src/errors/index.js';
import { codecByGgmlType } from '../../src/codecs/registry.js';
import { q4_0 } from '../../src/codecs/q4_0.js';
import { q8_0 } from '../../src/codecs/q8_0.js';
import { Rng } from '../../src/random/rng.js';
import { DTYPES, type DType } from '../../src/tensor/dtype.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { GgufReader } from '../../src/format/gguf-reader.js';
import { GgufWriter, type GgufTensorSpec } from '../../src/format/gguf-writer.js';
import { type GgufTypedValue, GgufValueType as T, ggmlTypeInfo } from '../../src/format/gguf-types.js';
import { tempDir as makeTempDir } from '../helpers/tmp.js';

let tmp: Awaited<ReturnType<typeof makeTempDir>>;
beforeAll(async () => {
  tmp = await makeTempDir();
});
afterAll(async () => {
  await tmp.cleanup();
});

const TYPED: Record<string, GgufTypedValue> = {
  'v.u8': { type: T.UINT8, value: 255 },
  'v.i8': { type: T.INT8, value: -128 },
  'v.u16': { type: T.UINT16, value: 65535 },
  'v.i16': { type: T.INT16, value: -32768 },
  'v.u32': { type: T.UINT32, value: 4294967295 },
  'v.i32': { type: T.INT32, value: -2147483648 },
  'v.f32': { type: T.FLOAT32, value: 1.5 },
  'v.bool': { type: T.BOOL, value: true },
  'v.string': { type: T.STRING, value: 'héllo, 世界' },
  'v.u64.small': { type: T.UINT64, value: 12345 },
  'v.u64.big': { type: T.UINT64, value: 2n ** 64n - 1n },
  'v.i64': { type: T.INT64, value: -(2n ** 63n) },
  'v.f64': { type: T.FLOAT64, value: 0.1 },
  'a.u8': { type: T.ARRAY, itemType: T.UINT8, value: new Uint8Array([0, 1, 255]) },
  'a.i8': { type: T.ARRAY, value: new Int8Array([-1, 2]) },
  'a.u16': { type: T.ARRAY, value: new Uint16Array([1, 65535]) },
  'a.i16': { type: T.ARRAY, value: new Int16Array([-5]) },
  'a.u32': { type: T.ARRAY, value: new Uint32Array([7, 4294967295]) },
  'a.i32': { type: T.ARRAY, value: new Int32Array([-7, 8]) },
  'a.f32': { type: T.ARRAY, value: new Float32Array([0.25, -1e30]) },
  'a.f64': { type: T.ARRAY, value: new Float64Array([Math.PI]) },
  'a.u64': { type: T.ARRAY, value: new BigUint64Array([1n, 2n ** 64n - 1n]) },
  'a.i64': { type: T.ARRAY, value: new BigInt64Array([-(2n ** 63n)]) },
  'a.bool': { type: T.ARRAY, itemType: T.BOOL, value: [true, false, true] },
  'a.string': { type: T.ARRAY, itemType: T.STRING, value: ['a', '', 'ü'] },
  'a.empty': { type: T.ARRAY, itemType: T.FLOAT32, value: [] },
  'a.nested': { type: T.ARRAY, itemType: T.ARRAY, value: [new Int32Array([1, 2]), ['x', 'y']] },
};

function expectSameValue(actual: unknown, expected: unknown): void {
  if (ArrayBuffer.isView(expected)) {
    expect(actual?.constructor).toBe(expected.constructor);
    expect(Array.from(actual as ArrayLike<unknown>)).toEqual(Array.from(expected as unknown as ArrayLike<unknown>));
  } else if (Array.isArray(expected)) {
    expect(Array.isArray(actual)).toBe(true);
    (expected as unknown[]).forEach((e, i) => expectSameValue((actual as unknown[])[i], e));
  } else {
    expect(actual).toEqual(expected);
  }
}

const rng = new Rng(7);
function f32(n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal());
}

describe('GGUF round trip', () => {
  it('keeps metadata of all 13 value types, arrays included, with their types', async () => {
    const path = tmp.path('meta.gguf');
    const w = await GgufWriter.create(path, {
      metadata: { ...TYPED, 'plain.str': 'llama', 'plain.u32': 32, 'plain.neg': -3, 'plain.f': 0.5, 'plain.big': 2n ** 40n, 'plain.list': [1, 2, 3] },
      tensors: [],
    });
    await w.commit();
    const r = await GgufReader.open(path);
    expect(r.version).toBe(3);
    expect(r.tensors).toEqual([]);
    expect(r.metadata.has('general.alignment')).toBe(false);
    for (const [k, v] of Object.entries(TYPED)) {
      const got = r.typedMetadata.get(k)!;
      expect(got.type, k).toBe(v.type);
      if (v.type === T.ARRAY) expect(got.itemType, k).toBe(v.itemType ?? got.itemType);
      let want = v.value;
      if (k === 'a.empty') want = new Float32Array(0); // numeric arrays read back as typed arrays
      expectSameValue(r.metadata.get(k), want);
    }
    expect(typeof r.metadata.get('v.u64.big')).toBe('bigint');
    expect(r.typedMetadata.get('a.u8')!.itemType).toBe(T.UINT8);
    expect(r.typedMetadata.get('a.f64')!.itemType).toBe(T.FLOAT64);
    expect(r.typedMetadata.get('plain.str')!.type).toBe(T.STRING);
    expect(r.typedMetadata.get('plain.u32')!.type).toBe(T.UINT32);
    expect(r.typedMetadata.get('plain.neg')!.type).toBe(T.INT32);
    expect(r.typedMetadata.get('plain.f')!.type).toBe(T.FLOAT32);
    expect(r.metadata.get('plain.big')).toBe(2 ** 40);
    expect(r.typedMetadata.get('plain.big')!.type).toBe(T.UINT64);
    expectSameValue(r.metadata.get('plain.list'), new Int32Array([1, 2, 3]));
    await r.close();
  });

  it('keeps plain tensors bit-exactly; shapes are row-major (ne reversed)', async () => {
    const dtypes: DType[] = ['F32', 'F16', 'BF16', 'I8', 'I16', 'I32', 'I64', 'F64'];
    const tensors = dtypes.map((d, i) => {
      const t = Tensor.zeros(d, [2, 3 + i]);
      t.bytes.set(rng.bytes(t.byteLength));
      return { name: `t.${d}`, t };
    });
    const path = tmp.path('plain.gguf');
    const w = await GgufWriter.create(path, {
      tensors: tensors.map(({ name, t }) => ({ name, shape: t.shape, ggmlType: DTYPES[t.dtype].ggmlType! })),
    });
    for (const { name, t } of tensors) await w.write(name, t.bytes);
    await w.commit();
    const r = await GgufReader.open(path);
    for (const { name, t } of tensors) {
      const info = r.info(name);
      expect(info.shape).toEqual(t.shape);
      expect(info.ne).toEqual([...t.shape].reverse());
      expect(info.typeName).toBe(t.dtype);
      const back = await r.read(name);
      expect(back.dtype).toBe(t.dtype);
      expect(Buffer.from(back.bytes).equals(Buffer.from(t.bytes))).toBe(true);
    }
    await r.close();
  });

  for (const alignment of [32, 64, 256]) {
    it(`honours alignment ${alignment}: aligned offsets, zero padding`, async () => {
      const path = tmp.path(`align-${alignment}.gguf`);
      const specs: GgufTensorSpec[] = [
        { name: 'a', shape: [3], ggmlType: 0 },
        { name: 'b', shape: [5], ggmlType: 1 },
        { name: 'c', shape: [1], ggmlType: 24 },
      ];
      const w = await GgufWriter.create(path, { alignment, metadata: { 'general.name': 'x' }, tensors: specs });
      const payloads = [new Uint8Array(12).fill(1), new Uint8Array(10).fill(2), new Uint8Array(1).fill(3)];
      for (const [i, s] of specs.entries()) await w.write(s.name, payloads[i]);
      await w.commit();
      const r = await GgufReader.open(path);
      expect(r.alignment).toBe(alignment);
      expect(r.metadata.get('general.alignment')).toBe(alignment === 32 ? undefined : alignment);
      expect(r.dataOffset % alignment).toBe(0);
      const file = new Uint8Array(await readFile(path));
      expect(file.byteLength % alignment).toBe(0);
      const used = new Uint8Array(file.byteLength);
      for (const [i, info] of r.tensors.entries()) {
        expect(info.offset % alignment).toBe(0);
        expect(Array.from(await r.readBytes(info.name))).toEqual(Array.from(payloads[i]));
        used.fill(1, info.offset, info.offset + info.byteLength);
      }
      for (let i = r.dataOffset; i < file.byteLength; i++) if (!used[i]) expect(file[i]).toBe(0);
      await r.close();
    });
  }

  it('writes Q4_0 and Q8_0 payloads that read back through the codecs', async () => {
    const x = f32(4 * 64);
    const shape = [4, 64];
    const p4 = q4_0.encode(Tensor.fromF32(x, shape), q4_0.params({}));
    const p8 = q8_0.encode(Tensor.fromF32(x, shape), q8_0.params({}));
    for (const c of [q4_0, q8_0]) {
      const info = ggmlTypeInfo(c.ggmlType!)!;
      expect(c.payloadBytes(shape, 'F32', c.params({}))).toBe((256 / info.blockSize) * info.typeSize);
    }
    const path = tmp.path('quant.gguf');
    const w = await GgufWriter.create(path, {
      metadata: { 'general.architecture': 'llama' },
      tensors: [
        { name: 'blk.0.q4', shape, ggmlType: 2 },
        { name: 'blk.0.q8', shape, ggmlType: 8 },
      ],
    });
    await w.write('blk.0.q4', p4);
    await w.write('blk.0.q8', p8);
    await w.commit();
    const r = await GgufReader.open(path);
    expect(Buffer.from(await r.readBytes('blk.0.q4')).equals(Buffer.from(p4))).toBe(true);
    const d4 = await r.read('blk.0.q4');
    const d8 = await r.read('blk.0.q8');
    expect(d4.dtype).toBe('F32');
    expect(d4.shape).toEqual(shape);
    expect(Array.from(d4.toF32())).toEqual(Array.from(q4_0.decode(p4, shape, 'F32', q4_0.params({})).toF32()));
    expect(Array.from(d8.toF32())).toEqual(Array.from(q8_0.decode(p8, shape, 'F32', q8_0.params({})).toF32()));
    // and the independent reader agrees on the layout
    const hf = await gguf(path, { allowLocalFile: true });
    expect(hf.tensorInfos.map((t) => [t.name, Number(t.dtype), t.shape.map(Number), Number(t.offset)])).toEqual(
      r.tensors.map((t) => [t.name, t.ggmlType, [...t.ne], t.offset - r.dataOffset]),
    );
    await r.close();
  });

  it('reads a header larger than the first read (a 150,000-token vocabulary)', async () => {
    const n = 150_000;
    const tokens = Array.from({ length: n }, (_, i) => `tok${i}`);
    const scores = Float32Array.from({ length: n }, (_, i) => -i / 7);
    const path = tmp.path('vocab.gguf');
    const w = await GgufWriter.create(path, {
      metadata: { 'tokenizer.ggml.tokens': tokens, 'tokenizer.ggml.scores': scores },
      tensors: [{ name: 'x', shape: [8], ggmlType: 0 }],
    });
    await w.write('x', new Uint8Array(Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]).buffer));
    await w.commit();
    const r = await GgufReader.open(path);
    expect(r.dataOffset).toBeGreaterThan(1 << 21);
    const back = r.metadata.get('tokenizer.ggml.tokens') as string[];
    expect(back.length).toBe(n);
    expect(back.join('\n')).toBe(tokens.join('\n'));
    expect(Buffer.from((r.metadata.get('tokenizer.ggml.scores') as Float32Array).buffer).equals(Buffer.from(scores.buffer))).toBe(true);
    expect(Array.from((await r.read('x')).toF32())).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    await r.close();
  });

  it('a GGML type with no codec is a CodecError on read, raw bytes still readable', async () => {
    expect(codecByGgmlType(16)).toBeUndefined(); // IQ2_XXS
    const path = tmp.path('iq.gguf');
    const w = await GgufWriter.create(path, { tensors: [{ name: 'iq', shape: [256], ggmlType: 16 }] });
    await w.write('iq', new Uint8Array(66));
    await w.commit();
    const r = await GgufReader.open(path);
    expect(r.info('iq').typeName).toBe('IQ2_XXS');
    await expect(r.read('iq')).rejects.toThrow(CodecError);
    expect((await r.readBytes('iq')).byteLength).toBe(66);
    await r.close();
  });
});

describe('GGUF read by an independent reader (@huggingface/gguf)', () => {
  it('sees our metadata and tensor infos exactly', async () => {
    const path = tmp.path('hf.gguf');
    const specs: GgufTensorSpec[] = [
      { name: 'token_embd.weight', shape: [8, 32], ggmlType: 1 },
      { name: 'blk.0.attn_q.weight', shape: [2, 3, 64], ggmlType: 8 },
      { name: 'output_norm.weight', shape: [32], ggmlType: 0 },
      { name: 'rope', shape: [2, 2, 2, 32], ggmlType: 2 },
    ];
    const w = await GgufWriter.create(path, {
      alignment: 64,
      metadata: {
        'general.architecture': 'llama',
        'general.name': 'tiny',
        'llama.block_count': 1,
        'llama.rope.freq_base': { type: T.FLOAT32, value: 10000 },
        'tokenizer.ggml.tokens': ['<s>', '</s>', 'a'],
        'tokenizer.ggml.scores': new Float32Array([0, -1, -2.5]),
        'tokenizer.ggml.add_bos_token': true,
        'x.u64': { type: T.UINT64, value: 2n ** 60n },
        'x.i8': { type: T.INT8, value: -3 },
      },
      tensors: specs,
    });
    for (const s of specs) {
      const n = s.shape.reduce((a, b) => a * b, 1);
      const info = ggmlTypeInfo(s.ggmlType)!;
      await w.write(s.name, rng.bytes((n / info.blockSize) * info.typeSize));
    }
    await w.commit();

    const ours = await GgufReader.open(path);
    const hf = await gguf(path, { allowLocalFile: true });
    const md = hf.metadata as unknown as Record<string, unknown>;
    expect(md.version).toBe(3);
    expect(md.tensor_count).toBe(4n);
    expect(md['general.alignment']).toBe(64);
    expect(md['general.architecture']).toBe('llama');
    expect(md['llama.block_count']).toBe(1);
    expect(md['llama.rope.freq_base']).toBe(10000);
    expect(md['tokenizer.ggml.tokens']).toEqual(['<s>', '</s>', 'a']);
    expect(md['tokenizer.ggml.scores']).toEqual([0, -1, -2.5]);
    expect(md['tokenizer.ggml.add_bos_token']).toBe(true);
    expect(md['x.u64']).toBe(2n ** 60n);
    expect(md['x.i8']).toBe(-3);
    expect(Number(md.kv_count)).toBe(ours.metadata.size);
    expect(Number(hf.tensorDataOffset)).toBe(ours.dataOffset);
    expect(hf.tensorInfos.map((t) => ({ name: t.name, ne: t.shape.map(Number), type: Number(t.dtype), offset: Number(t.offset) }))).toEqual(
      ours.tensors.map((t) => ({ name: t.name, ne: [...t.ne], type: t.ggmlType, offset: t.offset - ours.dataOffset })),
    );
    expect(ours.tensors.map((t) => t.shape)).toEqual(specs.map((s) => s.shape));
    await ours.close();
  });
});

describe('GGUF writer', () => {
  it('abort leaves no file; missing tensors abort on commit', async () => {
    const { dir, path, cleanup } = await makeTempDir();
    const w = await GgufWriter.create(path('a.gguf'), { tensors: [{ name: 'x', shape: [32], ggmlType: 8 }] });
    await w.abort();
    expect(await readdir(dir)).toEqual([]);
    const w2 = await GgufWriter.create(path('a.gguf'), { tensors: [{ name: 'x', shape: [32], ggmlType: 8 }] });
    await expect(w2.commit()).rejects.toThrow(/tensor "x" and 0 more were not written/);
    expect(await readdir(dir)).toEqual([]);
    await cleanup();
  });

  it('checks its arguments and names them', async () => {
    const p = tmp.path('bad.gguf');
    const make = (o: Parameters<typeof GgufWriter.create>[1]) => GgufWriter.create(p, o);
    await expect(make({ tensors: [{ name: 'x'.repeat(64), shape: [1], ggmlType: 0 }] })).rejects.toThrow(/shorter than 64 bytes/);
    await expect(make({ tensors: [{ name: 'x', shape: [1, 1, 1, 1, 1], ggmlType: 0 }] })).rejects.toThrow(/options\.tensors\[0\]\.shape has 5/);
    await expect(make({ tensors: [{ name: 'x', shape: [33], ggmlType: 2 }] })).rejects.toThrow(/multiple of 32/);
    await expect(make({ tensors: [{ name: 'x', shape: [1], ggmlType: 4 }] })).rejects.toThrow(/ggmlType must be a known/);
    await expect(make({ tensors: [{ name: 'x', shape: [1], ggmlType: 0 }, { name: 'x', shape: [1], ggmlType: 0 }] })).rejects.toThrow(/twice/);
    await expect(make({ alignment: 24, tensors: [] })).rejects.toThrow(/options\.alignment/);
    await expect(make({ metadata: { k: { type: T.UINT8, value: 256 } }, tensors: [] })).rejects.toThrow(/metadata\["k"\].*\[0, 255\]/);
    await expect(make({ metadata: { k: [] }, tensors: [] })).rejects.toThrow(/empty array/);
    await expect(make({ metadata: { k: null as unknown as string }, tensors: [] })).rejects.toThrow(/metadata\["k"\]/);
    const w = await make({ tensors: [{ name: 'a', shape: [2], ggmlType: 0 }, { name: 'b', shape: [2], ggmlType: 0 }] });
    await expect(w.write('b', new Uint8Array(8))).rejects.toThrow(/expected "a"/);
    await expect(w.write('a', new Uint8Array(7))).rejects.toThrow(/needs 8 bytes, got 7/);
    await w.abort();
  });
});
