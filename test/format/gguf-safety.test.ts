import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { FormatError, TensorhiveError } from '../../src/errors/index.js';
import { q8_0 } from '../../src/codecs/q8_0.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { GgufReader } from '../../src/format/gguf-reader.js';
import { GgufWriter } from '../../src/format/gguf-writer.js';
import { GgufValueType as T } from '../../src/format/gguf-types.js';
import { type CraftGguf, craftGguf, u32Kv } from '../fixtures/gguf-craft.js';
import { tempDir as makeTempDir } from '../helpers/tmp.js';

let tmp: Awaited<ReturnType<typeof makeTempDir>>;
beforeAll(async () => {
  tmp = await makeTempDir();
});
afterAll(async () => {
  await tmp.cleanup();
});

async function openBytes(bytes: Uint8Array): Promise<GgufReader> {
  const p = tmp.path('crafted.gguf');
  await writeFile(p, bytes);
  return GgufReader.open(p);
}

async function expectFormatError(spec: CraftGguf | Uint8Array, field: string, message?: RegExp): Promise<void> {
  let err: unknown;
  try {
    const r = await openBytes(spec instanceof Uint8Array ? spec : craftGguf(spec));
    await r.close();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(FormatError);
  expect((err as FormatError).field).toBe(field);
  if (message) expect((err as FormatError).message).toMatch(message);
}

const F32 = 0;
const tensor = (name: string, ne: bigint[], type = F32, offset = 0n) => ({ name, ne, type, offset });

describe('GGUF header checks', () => {
  it('accepts the crafted baseline, and version 2', async () => {
    for (const version of [3, 2]) {
      const r = await openBytes(craftGguf({ version }));
      expect(r.version).toBe(version);
      expect(r.tensors[0]).toMatchObject({ name: 'w', shape: [2, 32], byteLength: 256 });
      expect(r.metadata.get('general.name')).toBe('crafted');
      await r.close();
    }
  });
  it('magic', async () => {
    await expectFormatError({ magic: 0x46554748 }, 'magic', /GGUF/);
    await expectFormatError(new Uint8Array(3), 'magic');
  });
  it('version: 1, 4, big-endian, truncated', async () => {
    await expectFormatError({ version: 1 }, 'version', /unsupported GGUF version 1/);
    await expectFormatError({ version: 4 }, 'version');
    await expectFormatError({ version: 0x03000000 }, 'version', /big-endian/);
    await expectFormatError(craftGguf().subarray(0, 6), 'version', /file ends/);
  });
  it('counts bounded by the file size', async () => {
    await expectFormatError({ tensorCount: 2n ** 40n }, 'tensor_count');
    await expectFormatError({ kvCount: 2n ** 40n }, 'kv_count');
    await expectFormatError({ kvCount: 2n ** 63n }, 'kv_count', /too large/);
  });
  it('string length bounded by the file', async () => {
    await expectFormatError({ kvs: [{ key: 'k', write: (w) => (w.u32(T.STRING), w.u64(1e12)) }] }, 'kv["k"].length', /past the end/);
  });
  it('value types', async () => {
    await expectFormatError({ kvs: [{ key: 'k', write: (w) => w.u32(13) }] }, 'kv["k"].type', /unknown value type 13/);
    await expectFormatError({ kvs: [{ key: 'k', write: (w) => (w.u32(T.ARRAY), w.u32(99), w.u64(1)) }] }, 'kv["k"].itemType');
    await expectFormatError({ kvs: [{ key: 'k', write: (w) => (w.u32(T.ARRAY), w.u32(T.UINT8), w.u64(2n ** 40n)) }] }, 'kv["k"].count');
  });
  it('duplicate key', async () => {
    await expectFormatError({ kvs: [u32Kv('a', 1), u32Kv('a', 2)] }, 'kv[1].key', /duplicate key "a"/);
  });
  it('alignment must be a power of two', async () => {
    await expectFormatError({ kvs: [u32Kv('general.alignment', 24)] }, 'general.alignment', /power of two/);
    await expectFormatError({ kvs: [{ key: 'general.alignment', write: (w) => (w.u32(T.STRING), w.string('32')) }] }, 'general.alignment');
  });
  it('duplicate tensor name', async () => {
    await expectFormatError({ tensors: [tensor('w', [32n]), tensor('w', [32n], F32, 128n)] }, 'tensors[1].name', /duplicate/);
  });
  it('n_dims ≤ 4', async () => {
    await expectFormatError({ tensors: [tensor('w', [32n, 1n, 1n, 1n, 1n])] }, 'tensors["w"].n_dims', /5 dimensions/);
  });
  it('dimensions representable and product safe', async () => {
    await expectFormatError({ tensors: [tensor('w', [2n ** 60n])] }, 'tensors["w"].ne[0]', /too large/);
    await expectFormatError({ tensors: [tensor('w', [2n ** 30n, 2n ** 30n, 2n ** 30n])] }, 'tensors["w"].ne', /too large/);
  });
  it('ggml type known, rows a multiple of its block', async () => {
    await expectFormatError({ tensors: [tensor('w', [32n], 4)] }, 'tensors["w"].type', /unknown GGML type 4/);
    await expectFormatError({ tensors: [tensor('w', [33n], 2)] }, 'tensors["w"].type', /multiple of 32/);
  });
  it('offsets aligned and inside the file', async () => {
    await expectFormatError({ tensors: [tensor('w', [32n], F32, 4n)] }, 'tensors["w"].offset', /alignment 32/);
    await expectFormatError({ tensors: [tensor('w', [32n], F32, 1024n)] }, 'tensors["w"].offset', /past/);
    await expectFormatError({ data: new Uint8Array(100) }, 'tensors["w"].offset', /past the 100-byte/);
  });
  it('no overlapping tensors', async () => {
    await expectFormatError(
      { tensors: [tensor('a', [32n]), tensor('b', [32n], F32, 64n)] },
      'tensors["b"].offset',
      /overlaps tensor "a" ending at 128/,
    );
  });
});

describe('GGUF fuzz', () => {
  it('2,000 seeded mutations of a valid file give only TensorhiveErrors', async () => {
    const rng = new Rng(99);
    const base = tmp.path('fuzz-base.gguf');
    const x = Float32Array.from({ length: 64 }, () => rng.normal());
    const q = q8_0.encode(Tensor.fromF32(x, [2, 32]), q8_0.params({}));
    const w = await GgufWriter.create(base, {
      metadata: {
        'general.name': 'fuzz',
        n: 3,
        f: { type: T.FLOAT64, value: 1.25 },
        toks: ['a', 'bb', 'ccc'],
        scores: new Float32Array([1, 2]),
        nested: { type: T.ARRAY, itemType: T.ARRAY, value: [new Uint8Array([1]), [true]] },
      },
      tensors: [
        { name: 'f', shape: [2, 32], ggmlType: 0 },
        { name: 'q', shape: [2, 32], ggmlType: 8 },
      ],
    });
    await w.write('f', new Uint8Array(x.buffer));
    await w.write('q', q);
    await w.commit();
    const valid = new Uint8Array(await readFile(base));
    const probe = await GgufReader.open(base);
    const headerEnd = probe.dataOffset;
    await probe.close();

    const target = tmp.path('fuzz.gguf');
    let opened = 0;
    let rejected = 0;
    for (let i = 0; i < 2000; i++) {
      let m = valid.slice();
      const kind = rng.int(5);
      const count = 1 + rng.int(3);
      for (let j = 0; j < count; j++) {
        if (kind <= 1) m[rng.int(headerEnd)] = rng.int(256);
        else if (kind === 2) {
          // a random u64-sized field somewhere in the header gets a large or small value
          const at = rng.int(Math.max(1, headerEnd - 8));
          new DataView(m.buffer).setUint32(at, rng.nextU32(), true);
        } else if (kind === 3) m = m.subarray(0, rng.int(m.byteLength));
        else m[rng.int(m.byteLength || 1)] ^= 1 << rng.int(8);
      }
      await writeFile(target, m);
      try {
        const r = await GgufReader.open(target);
        try {
          for (const info of r.tensors) {
            const bytes = await r.readBytes(info.name);
            expect(bytes.byteLength).toBe(info.byteLength);
            try {
              await r.read(info.name);
            } catch (err) {
              if (!(err instanceof TensorhiveError)) throw err;
            }
          }
        } finally {
          await r.close();
        }
        opened++;
      } catch (err) {
        if (!(err instanceof TensorhiveError)) throw err;
        rejected++;
      }
    }
    expect(opened + rejected).toBe(2000);
    expect(rejected).toBeGreaterThan(100);
    expect(opened).toBeGreaterThan(100);
  });
});
