import { describe, expect, it } from 'vitest';
import type { AnyCodec } from '../../src/codecs/codec.js';
import { CODECS, codecByName } from '../../src/codecs/registry.js';
import { ArgumentError, CodecError, FormatError, TensorhiveError } from '../../src/errors/index.js';
import { decodeBlob } from '../../src/format/blob.js';
import { compressTensor, decompressBlob, decompressBlobAs, describeBlob } from '../../src/format/compress.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { sampleFor } from './blob-fixtures.js';

function same(a: Tensor, b: Tensor): void {
  expect(a.dtype).toBe(b.dtype);
  expect(a.shape).toEqual(b.shape);
  expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
}

describe('compressTensor / decompressBlob', () => {
  for (const codec of CODECS) {
    it(`${codec.name}: decompressBlob equals the codec's own decode, by name and by object`, () => {
      const t = sampleFor(codec, 100 + codec.id);
      const p = codec.params({});
      const direct = codec.decode(codec.encode(t, p), t.shape, t.dtype, p);
      const blob = compressTensor(t, codec.name);
      same(decompressBlob(blob), direct);
      expect([...compressTensor(t, codec)]).toEqual([...blob]);
      const back = decompressBlobAs(blob, 'source');
      expect(back.dtype).toBe('F32');
      expect(back.shape).toEqual(t.shape);
      if (codec.lossless) same(back, t);
    });
  }

  it('raw is exact for every dtype and decompressBlobAs converts', () => {
    const t = Tensor.fromF32As('BF16', new Rng(5).normalArray(64), [4, 16]);
    const blob = compressTensor(t, 'raw');
    same(decompressBlob(blob), t);
    same(decompressBlobAs(blob, 'source'), t);
    same(decompressBlobAs(blob, 'F32'), t.to('F32'));
  });

  it('a cast decodes to its own dtype; "source" goes back to the input dtype', () => {
    const t = Tensor.fromF32(new Rng(6).normalArray(32), [2, 16]);
    const blob = compressTensor(t, 'f16');
    expect(decompressBlob(blob).dtype).toBe('F16');
    const back = decompressBlobAs(blob, 'source');
    expect(back.dtype).toBe('F32');
    same(back, t.to('F16').to('F32'));
  });

  it('quantizers decode to F32 and keep their params in the blob', () => {
    const t = Tensor.fromF32(new Rng(7).normalArray(512), [2, 256]).to('F16');
    for (const name of ['q8_0', 'nf4', 'int8']) {
      const blob = compressTensor(t, name);
      const { header } = decodeBlob(blob);
      expect(header.dtype).toBe('F16');
      expect(header.params).toEqual(codecByName(name).params({}));
      expect(decompressBlob(blob).dtype).toBe('F32');
      expect(decompressBlobAs(blob, 'source').dtype).toBe('F16');
    }
  });

  it('describeBlob reports codec and bits per weight from the header alone', () => {
    const t = Tensor.fromF32(new Rng(8).normalArray(256), [1, 256]);
    const q8 = compressTensor(t, 'q8_0');
    const d = describeBlob(q8);
    expect(d.codec).toBe('q8_0');
    expect(d.bitsPerWeight).toBeCloseTo(8.5, 10);
    expect(d.blobBytes).toBe(q8.length);
    expect(describeBlob(q8.subarray(0, d.header.headerLength)).codec).toBe('q8_0');
    expect(describeBlob(compressTensor(t, 'raw')).bitsPerWeight).toBe(32);
    expect(describeBlob(compressTensor(Tensor.zeros('F32', [0, 4]), 'raw')).bitsPerWeight).toBe(0);
  });

  it('bad arguments are typed errors naming the problem', () => {
    const t = Tensor.fromF32(new Float32Array(31), [1, 31]);
    expect(() => compressTensor(t, 'nope')).toThrow(CodecError);
    expect(() => compressTensor(t, 'q8_0')).toThrow(TensorhiveError); // 31 is not a multiple of 32
    expect(() => compressTensor(t, 'raw', { blockSize: 3 })).toThrow(ArgumentError);
    expect(() => compressTensor({} as never, 'raw')).toThrow(ArgumentError);
    const impostor = { ...codecByName('raw') } as AnyCodec;
    expect(() => compressTensor(t, impostor)).toThrow(CodecError);
    const blob = compressTensor(t, 'raw');
    expect(() => decompressBlobAs(blob, 'F128' as never)).toThrow(ArgumentError);
    expect(() => decompressBlob(blob.subarray(1))).toThrow(FormatError);
  });
});
