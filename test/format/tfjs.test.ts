/** TF.js model.json + shards: every dtype, quantization, weights spanning shards, and the model-source path. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { copyFile, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { ArgumentError, IOError } from '../../src/errors/index.js';
import { openModelSource } from '../../src/format/model-source.js';
import { TfjsReader } from '../../src/format/tfjs-reader.js';
import { f16BitsToF32 } from '../../src/tensor/half.js';
import { tempDir } from '../helpers/tmp.js';
import { type FixtureWeight, f16Bytes, f32Bytes, i32Bytes, stringBytes, u16Bytes, writeTfjsModel } from './tfjs-fixtures.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  tmp = await tempDir('tensorhive-tfjs-');
});
afterAll(() => tmp.cleanup());

let n = 0;
const modelDir = (): string => tmp.path(`m${n++}`);

const HALF = [0.5, -2, 65504, 6.1e-5, 0, -0.333251953125];
/** One weight of every kind, in an order where later weights sit after a variable-size string weight. */
const EVERY: FixtureWeight[] = [
  { name: 'dense/kernel', shape: [2, 3], dtype: 'float32', bytes: f32Bytes([1, -2, 3.5, 1e-30, -0, 7]) },
  { name: 'ids', shape: [3], dtype: 'int32', bytes: i32Bytes([-5, 0, 2147483647]) },
  { name: 'mask', shape: [2, 2], dtype: 'bool', bytes: new Uint8Array([1, 0, 0, 1]) },
  { name: 'vocab', shape: [3], dtype: 'string', bytes: stringBytes(['a', '', 'héllo']) },
  { name: 'half', shape: [2, 3], dtype: 'float32', quantization: { dtype: 'float16', original_dtype: 'float32' }, bytes: f16Bytes(HALF) },
  { name: 'q8', shape: [4], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1, original_dtype: 'float32' }, bytes: new Uint8Array([0, 1, 2, 255]) },
  { name: 'q16', shape: [3], dtype: 'float32', quantization: { dtype: 'uint16', scale: 0.001, min: 0.25 }, bytes: u16Bytes([0, 1000, 65535]) },
  { name: 'qint', shape: [3], dtype: 'int32', quantization: { dtype: 'uint8', scale: 1.5, min: -3 }, bytes: new Uint8Array([0, 1, 3]) },
  { name: 'cplx', shape: [2], dtype: 'complex64', bytes: f32Bytes([1, 2, 3, 4]) },
  { name: 'scalar', shape: [], dtype: 'float32', bytes: f32Bytes([42]) },
  { name: 'empty', shape: [0, 3], dtype: 'float32', bytes: new Uint8Array(0) },
];

describe('TfjsReader', () => {
  it('reads every dtype: F32, I32, BOOL as stored, float16 as F16 bytes, uint8/uint16 dequantized; strings and complex64 skipped', async () => {
    const path = await writeTfjsModel(modelDir(), [{ weights: EVERY }]);
    const r = await TfjsReader.open(path);
    expect(r.tensors.map((t) => [t.name, t.dtype, t.storage])).toEqual([
      ['dense/kernel', 'F32', 'float32'],
      ['ids', 'I32', 'int32'],
      ['mask', 'BOOL', 'bool'],
      ['half', 'F16', 'float16'],
      ['q8', 'F32', 'uint8'],
      ['q16', 'F32', 'uint16'],
      ['qint', 'I32', 'uint8'],
      ['scalar', 'F32', 'float32'],
      ['empty', 'F32', 'float32'],
    ]);
    expect(r.skipped).toEqual([
      { name: 'vocab', reason: 'TF.js dtype string has no tensorhive dtype' },
      { name: 'cplx', reason: 'TF.js dtype complex64 has no tensorhive dtype' },
    ]);
    expect(r.metadata['tfjs.format']).toBe('graph-model');
    expect(r.metadata['tfjs.skipped']).toMatch(/vocab: .*string.*; cplx: .*complex64/);
    expect(r.metadata['tfjs.dequantized']).toMatch(/^3 uint8\/uint16/);

    expect(Array.from((await r.read('dense/kernel')).toF32())).toEqual(Array.from(new Float32Array([1, -2, 3.5, 1e-30, -0, 7])));
    expect(Array.from(new Int32Array((await r.read('ids')).bytes.slice().buffer))).toEqual([-5, 0, 2147483647]);
    const mask = await r.read('mask');
    expect([mask.dtype, ...mask.shape, ...mask.bytes]).toEqual(['BOOL', 2, 2, 1, 0, 0, 1]);
    // float16: the stored half bits unchanged, and they decode to the values written.
    const half = await r.read('half');
    expect(half.dtype).toBe('F16');
    expect(Buffer.from(half.bytes).equals(Buffer.from(f16Bytes(HALF)))).toBe(true);
    expect(Array.from(half.toF32())).toEqual(HALF.map((v) => f16BitsToF32(new Uint16Array(f16Bytes([v]).buffer)[0])));
    expect(Array.from((await r.read('q8')).toF32())).toEqual([-1, -0.5, 0, 126.5]);
    expect(Array.from((await r.read('q16')).toF32())).toEqual([0.25, 1.25, 65.785].map(Math.fround));
    const qint = await r.read('qint');
    expect(qint.dtype).toBe('I32');
    expect(Array.from(new Int32Array(qint.bytes.slice().buffer))).toEqual([-3, Math.round(-1.5), Math.round(1.5)]);
    expect((await r.read('scalar')).toF32()[0]).toBe(42);
    expect((await r.read('empty')).shape).toEqual([0, 3]);
    // readBytes: what is stored (for quantized weights, the quantized values).
    expect(Array.from(await r.readBytes('q8'))).toEqual([0, 1, 2, 255]);
    expect(r.info('q8').quantization).toEqual({ dtype: 'uint8', scale: 0.5, min: -1, originalDtype: 'float32' });
    await expect(r.read('vocab')).rejects.toBeInstanceOf(ArgumentError);
    await expect(r.read('nope')).rejects.toBeInstanceOf(ArgumentError);
    await r.close();
    await expect(r.read('ids')).rejects.toBeInstanceOf(IOError);
  });

  it('reads weights that span shards, across several groups', async () => {
    const big = Array.from({ length: 37 }, (_, i) => i * 0.25 - 3);
    const path = await writeTfjsModel(modelDir(), [
      // 7-byte shards: every 4-byte float32 and 2-byte half straddles a boundary somewhere.
      { weights: [
        { name: 'a', shape: [37], dtype: 'float32', bytes: f32Bytes(big) },
        { name: 'b', shape: [5], dtype: 'float32', quantization: { dtype: 'float16' }, bytes: f16Bytes([1, 2, 3, 4, 5]) },
      ], shardSizes: Array(22).fill(7) },
      { weights: [{ name: 'c', shape: [2, 2], dtype: 'int32', bytes: i32Bytes([1, -1, 2, -2]) }], shardSizes: [0, 3, 0, 10] },
    ]);
    const r = await TfjsReader.open(path);
    expect(r.tensors.map((t) => [t.name, t.group, t.offset, t.byteLength])).toEqual([
      ['a', 0, 0, 148],
      ['b', 0, 148, 10],
      ['c', 1, 0, 16],
    ]);
    expect(Array.from((await r.read('a')).toF32())).toEqual(big);
    expect(Array.from((await r.read('b')).toF32())).toEqual([1, 2, 3, 4, 5]);
    expect(Array.from(new Int32Array((await r.read('c')).bytes.slice().buffer))).toEqual([1, -1, 2, -2]);
    await r.close();
  });

  it('opens through openModelSource by content, whatever the file is called', async () => {
    const dir = modelDir();
    const path = await writeTfjsModel(dir, [{ weights: EVERY }]);
    const renamed = join(dir, 'weights.txt');
    await copyFile(path, renamed);
    const s = await openModelSource(renamed);
    expect(s.format).toBe('tfjs');
    expect(s.tensors.find((t) => t.name === 'q8')).toMatchObject({ dtype: 'F32', byteLength: 4, stored: 'uint8 affine' });
    expect(s.tensors.find((t) => t.name === 'half')).toMatchObject({ dtype: 'F16', byteLength: 12 });
    expect(s.tensors.find((t) => t.name === 'half')?.stored).toBeUndefined();
    expect(s.metadata['tfjs.generatedBy']).toBe('tensorhive tests');
    expect((await s.read('half')).dtype).toBe('F16');
    await s.close();
  });

  it('many shards, read concurrently and in any order: right values, and no descriptor left open after close', async () => {
    const dir = modelDir();
    const weights = Array.from({ length: 12 }, (_, i) => ({ name: `w${i}`, shape: [5], dtype: 'float32', bytes: f32Bytes([i, i + 0.5, -i, 2 * i, 7]) }));
    const path = await writeTfjsModel(dir, [{ weights, shardSizes: Array(9).fill(24) }]);
    const r = await TfjsReader.open(path);
    const order = [...weights.keys()].reverse().concat([...weights.keys()]);
    const got = await Promise.all(order.map((i) => r.read(`w${i}`)));
    got.forEach((t, k) => expect(Array.from(t.toF32())).toEqual(Array.from(new Float32Array(weights[order[k]].bytes.buffer))));
    await r.close();
    const fds = existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').map((fd) => { try { return readlinkSync(`/proc/self/fd/${fd}`); } catch { return ''; } }) : [];
    expect(fds.filter((f) => f.startsWith(dir))).toEqual([]);
  });

  it('a shard that changes size after open is an IOError on read, not wrong numbers', async () => {
    const dir = modelDir();
    const path = await writeTfjsModel(dir, [{ weights: [{ name: 'w', shape: [8], dtype: 'float32', bytes: f32Bytes([1, 2, 3, 4, 5, 6, 7, 8]) }] }]);
    const r = await TfjsReader.open(path);
    await truncate(join(dir, 'group1-shard1of1.bin'), 16);
    await expect(r.read('w')).rejects.toThrow(/changed size/);
    await expect(r.read('w')).rejects.toBeInstanceOf(IOError);
    await r.close();
  });
});
