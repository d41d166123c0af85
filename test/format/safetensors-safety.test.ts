import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { FormatError, TensorhiveError } from '../../src/errors/index.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { SafetensorsReader } from '../../src/format/safetensors-reader.js';
import { writeSafetensors } from '../../src/format/safetensors-writer.js';
import { craftRawSafetensors, craftSafetensors } from '../fixtures/safetensors-craft.js';
import { tempDir as makeTempDir } from '../helpers/tmp.js';

let tmp: Awaited<ReturnType<typeof makeTempDir>>;
beforeAll(async () => {
  tmp = await makeTempDir();
});
afterAll(async () => {
  await tmp.cleanup();
});

async function openBytes(bytes: Uint8Array): Promise<SafetensorsReader> {
  const p = tmp.path('crafted.safetensors');
  await writeFile(p, bytes);
  return SafetensorsReader.open(p);
}

async function expectFormatError(bytes: Uint8Array, field: string | RegExp, message?: RegExp): Promise<void> {
  let err: unknown;
  try {
    const r = await openBytes(bytes);
    await r.close();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(FormatError);
  const fe = err as FormatError;
  if (typeof field === 'string') expect(fe.field).toBe(field);
  else expect(fe.field).toMatch(field);
  if (message) expect(fe.message).toMatch(message);
}

const t = (dtype: string, shape: unknown, offsets: unknown) => ({ dtype, shape, data_offsets: offsets });
const zeros = (n: number) => new Uint8Array(n);

describe('safetensors header checks', () => {
  it('accepts the crafted baseline', async () => {
    const r = await openBytes(craftSafetensors({ a: t('F32', [2], [0, 8]), b: t('U8', [3], [8, 11]) }, zeros(11)));
    expect(r.tensors.map((x) => x.name)).toEqual(['a', 'b']);
    await r.close();
  });

  it('header length: file shorter than 8 bytes', async () => {
    await expectFormatError(new Uint8Array(5), 'header.length', /5 bytes/);
  });
  it('header length: over 100 MB', async () => {
    await expectFormatError(craftSafetensors({}, zeros(0), { lengthOverride: 100_000_001n }), 'header.length', /limit/);
  });
  it('header length: larger than the file', async () => {
    await expectFormatError(craftSafetensors({}, zeros(0), { lengthOverride: 3n }).subarray(0, 9), 'header.length', /larger/);
    await expectFormatError(craftSafetensors({}, zeros(0), { lengthOverride: 2n ** 63n }), 'header.length');
  });
  it('header: invalid UTF-8', async () => {
    await expectFormatError(craftRawSafetensors(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), zeros(0)), 'header', /UTF-8/);
  });
  it('header: not starting with {', async () => {
    await expectFormatError(craftSafetensors(' {}', zeros(0)), 'header', /starting with/);
    await expectFormatError(craftSafetensors('[]', zeros(0)), 'header');
  });
  it('header: invalid JSON', async () => {
    await expectFormatError(craftSafetensors('{"a": ', zeros(0)), 'header', /not valid JSON/);
  });
  it('__metadata__: not an object, or a non-string value', async () => {
    await expectFormatError(craftSafetensors({ __metadata__: [1] }, zeros(0)), '__metadata__');
    await expectFormatError(craftSafetensors({ __metadata__: { k: 1 } }, zeros(0)), '__metadata__.k', /string/);
  });
  it('tensor entry: not an object', async () => {
    await expectFormatError(craftSafetensors({ w: 5 }, zeros(0)), 'tensors["w"]');
  });
  it('dtype: unknown', async () => {
    await expectFormatError(craftSafetensors({ w: t('U16', [1], [0, 2]) }, zeros(2)), 'tensors["w"].dtype', /U16/);
    await expectFormatError(craftSafetensors({ w: { shape: [1], data_offsets: [0, 4] } }, zeros(4)), 'tensors["w"].dtype');
  });
  it('shape: not an array, negative, fractional, too many dimensions, too many elements', async () => {
    await expectFormatError(craftSafetensors({ w: t('F32', 4, [0, 16]) }, zeros(16)), 'tensors["w"].shape');
    await expectFormatError(craftSafetensors({ w: t('F32', [-1], [0, 0]) }, zeros(0)), 'tensors["w"].shape', /non-negative/);
    await expectFormatError(craftSafetensors({ w: t('F32', [1.5], [0, 6]) }, zeros(6)), 'tensors["w"].shape');
    await expectFormatError(craftSafetensors({ w: t('U8', [1, 1, 1, 1, 1, 1, 1, 1, 1], [0, 1]) }, zeros(1)), 'tensors["w"].shape', /dimensions/);
    await expectFormatError(craftSafetensors({ w: t('F64', [2 ** 30, 2 ** 30, 2 ** 10], [0, 8]) }, zeros(8)), 'tensors["w"].shape', /too many/);
  });
  it('data_offsets: malformed', async () => {
    await expectFormatError(craftSafetensors({ w: t('U8', [1], [0]) }, zeros(1)), 'tensors["w"].data_offsets', /\[begin, end\]/);
    await expectFormatError(craftSafetensors({ w: t('U8', [1], [0, '1']) }, zeros(1)), 'tensors["w"].data_offsets');
    await expectFormatError(craftSafetensors({ w: t('U8', [1], 'x') }, zeros(1)), 'tensors["w"].data_offsets');
  });
  it('data_offsets: begin after end', async () => {
    await expectFormatError(craftSafetensors({ w: t('U8', [0], [4, 2]) }, zeros(4)), 'tensors["w"].data_offsets', /after end/);
  });
  it('data_offsets: outside the data section', async () => {
    await expectFormatError(craftSafetensors({ w: t('U8', [8], [0, 8]) }, zeros(4)), 'tensors["w"].data_offsets', /past the 4-byte/);
  });
  it('data_offsets: byte size disagrees with numel · dtype size', async () => {
    await expectFormatError(craftSafetensors({ w: t('F32', [2], [0, 6]) }, zeros(6)), 'tensors["w"].data_offsets', /needs 8/);
  });
  it('data_offsets: overlapping tensors', async () => {
    await expectFormatError(
      craftSafetensors({ a: t('F32', [2], [0, 8]), b: t('F32', [2], [4, 12]) }, zeros(12)),
      'tensors["b"].data_offsets',
      /overlaps tensor "a"/,
    );
  });
  it('data_offsets: a hole between tensors', async () => {
    await expectFormatError(
      craftSafetensors({ a: t('F32', [1], [0, 4]), b: t('F32', [1], [8, 12]) }, zeros(12)),
      'tensors["b"].data_offsets',
      /hole \[4, 8\)/,
    );
    await expectFormatError(craftSafetensors({ a: t('F32', [1], [4, 8]) }, zeros(8)), 'tensors["a"].data_offsets', /hole/);
  });
  it('data: bytes after the last tensor', async () => {
    await expectFormatError(craftSafetensors({ a: t('F32', [1], [0, 4]) }, zeros(6)), 'data', /6 bytes/);
  });
});

describe('safetensors fuzz', () => {
  it('2,000 seeded mutations of a valid file give only TensorhiveErrors', async () => {
    const base = tmp.path('fuzz-base.safetensors');
    const rng = new Rng(42);
    await writeSafetensors(
      base,
      {
        'model.w': Tensor.fromF32(Float32Array.from({ length: 12 }, () => rng.normal()), [3, 4]),
        b: Tensor.fromF32As('BF16', new Float32Array([1, 2, 3])),
        ids: new Tensor('I64', [2], new Uint8Array(16)),
      },
      { k: 'v' },
    );
    const valid = new Uint8Array(await readFile(base));
    const headerEnd = 8 + Number(Buffer.from(valid).readBigUInt64LE(0));
    const target = tmp.path('fuzz.safetensors');
    let opened = 0;
    let rejected = 0;
    for (let i = 0; i < 2000; i++) {
      let m = valid.slice();
      const kind = rng.int(6);
      const count = 1 + rng.int(4);
      for (let j = 0; j < count; j++) {
        if (kind <= 1) m[rng.int(headerEnd)] = rng.int(256); // random header byte
        else if (kind === 2) m[rng.int(8)] = rng.int(256); // length prefix
        else if (kind === 3) m = m.subarray(0, rng.int(m.byteLength)); // truncate
        else if (kind === 4) {
          // swap a JSON digit for another character class
          const at = 8 + rng.int(headerEnd - 8);
          m[at] = '0123456789-.e"{}[],:'.charCodeAt(rng.int(20));
        } else m[rng.int(m.byteLength || 1)] ^= 1 << rng.int(8); // bit flip anywhere
      }
      await writeFile(target, m);
      try {
        const r = await SafetensorsReader.open(target);
        for (const info of r.tensors) {
          const x = await r.read(info.name);
          expect(x.byteLength).toBe(info.byteLength);
        }
        await r.close();
        opened++;
      } catch (err) {
        if (!(err instanceof TensorhiveError)) throw err;
        rejected++;
      }
    }
    expect(opened + rejected).toBe(2000);
    expect(rejected).toBeGreaterThan(100);
  });
});
