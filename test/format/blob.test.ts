import { describe, expect, it } from 'vitest';
import { CODECS, codecByName } from '../../src/codecs/registry.js';
import { FormatError, IntegrityError, TensorhiveError } from '../../src/errors/index.js';
import { crc32, crc32Table } from '../../src/format/checksum.js';
import { BLOB_MAGIC, decodeBlob, encodeBlob, readBlobHeader } from '../../src/format/blob.js';
import { DTYPES } from '../../src/tensor/dtype.js';
import { Rng } from '../../src/random/rng.js';
import { buildBlob, reseal, sampleFor } from './blob-fixtures.js';

const raw = codecByName('raw');

/** The error `fn` throws (fails the test when it returns). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

function expectFormat(fn: () => unknown, field: string): FormatError {
  const err = thrown(fn);
  expect(err).toBeInstanceOf(FormatError);
  expect((err as FormatError).field).toBe(field);
  return err as FormatError;
}

/** A raw F32 [2, 3] blob as built by the independent builder. */
function rawBlob(over: Partial<Parameters<typeof buildBlob>[0]> = {}, payload: Uint8Array = new Uint8Array(24)): Uint8Array {
  return buildBlob({ codecId: 0, dtypeId: DTYPES.F32.id, dims: [2, 3], params: '{}', ...over }, payload);
}

describe('checksum', () => {
  it('table CRC-32 agrees with zlib and the standard check value', () => {
    const check = new TextEncoder().encode('123456789');
    expect(crc32(check)).toBe(0xcbf43926);
    expect(crc32Table(check)).toBe(0xcbf43926);
    const data = new Rng(3).bytes(1000);
    expect(crc32Table(data)).toBe(crc32(data));
    expect(crc32(data.subarray(600), crc32(data.subarray(0, 600)))).toBe(crc32(data));
    expect(crc32Table(data.subarray(600), crc32Table(data.subarray(0, 600)))).toBe(crc32(data));
  });
});

describe('blob round trip', () => {
  for (const codec of CODECS) {
    it(`${codec.name}: encode → decode gives the codec's own output, header intact`, () => {
      const t = sampleFor(codec, codec.id + 1);
      const params = codec.params({});
      const payload = codec.encode(t, params);
      const blob = encodeBlob({ codecId: codec.id, dtype: t.dtype, shape: t.shape, params }, payload);
      expect([...blob.subarray(0, 4)]).toEqual([...BLOB_MAGIC]);
      const { header, payload: got } = decodeBlob(blob);
      expect(header).toMatchObject({ version: 1, codecId: codec.id, dtype: 'F32', shape: [2, t.shape[1]], params, payloadLength: payload.length });
      expect(header.headerLength % 8).toBe(0);
      expect(got.byteOffset - blob.byteOffset).toBe(header.headerLength);
      expect(got.buffer).toBe(blob.buffer); // a view, not a copy
      expect(Buffer.from(got).equals(Buffer.from(payload))).toBe(true);
      expect(readBlobHeader(blob.subarray(0, header.headerLength))).toEqual(header);
    });
  }

  it('raw keeps every dtype bit-exact, including scalars and empty tensors', () => {
    const rng = new Rng(9);
    for (const info of Object.values(DTYPES)) {
      for (const shape of [[], [0], [3, 0, 2], [5], [2, 3, 1]]) {
        const n = shape.reduce((a, b) => a * b, 1);
        const bytes = rng.bytes(n * info.bytes);
        const blob = encodeBlob({ codecId: 0, dtype: info.name, shape, params: {} }, bytes);
        const { header, payload } = decodeBlob(blob);
        expect(header.dtype).toBe(info.name);
        expect(header.shape).toEqual(shape);
        expect([...payload]).toEqual([...bytes]);
      }
    }
  });

  it('the independent builder and encodeBlob write identical bytes', () => {
    const payload = new Rng(4).bytes(24);
    const a = encodeBlob({ codecId: 0, dtype: 'F32', shape: [2, 3], params: {} }, payload);
    expect([...rawBlob({}, payload)]).toEqual([...a]);
  });
});

describe('encodeBlob refuses what no reader would accept', () => {
  it('unknown codec, bad dtype, bad shape, wrong payload size, bad params', () => {
    const ok = { codecId: 0, dtype: 'F32' as const, shape: [2, 3], params: {} };
    expect(() => encodeBlob({ ...ok, codecId: 999 }, new Uint8Array(24))).toThrow(TensorhiveError);
    expect(() => encodeBlob({ ...ok, dtype: 'F128' as never }, new Uint8Array(24))).toThrow(TensorhiveError);
    expect(() => encodeBlob({ ...ok, shape: [2, -3] }, new Uint8Array(24))).toThrow(TensorhiveError);
    expect(() => encodeBlob({ ...ok, shape: [1, 2, 3, 4, 5, 6, 7, 8, 9] }, new Uint8Array(24))).toThrow(TensorhiveError);
    expect(() => encodeBlob(ok, new Uint8Array(23))).toThrow(/payload is 23 bytes; codec raw writes 24/);
    expect(() => encodeBlob({ ...ok, params: { nope: 1 } }, new Uint8Array(24))).toThrow(TensorhiveError);
    expect(() => encodeBlob(ok, [1, 2] as never)).toThrow(TensorhiveError);
  });
});

describe('readBlobHeader / decodeBlob validation names the field', () => {
  it('magic, truncated fixed header, version', () => {
    expectFormat(() => readBlobHeader(new Uint8Array(3)), 'magic');
    expectFormat(() => readBlobHeader(rawBlob({ magic: new TextEncoder().encode('THB2') })), 'magic');
    expectFormat(() => readBlobHeader(rawBlob().subarray(0, 20)), 'header');
    expectFormat(() => readBlobHeader(rawBlob({ version: 2 })), 'version');
  });

  it('rank, params length and header length', () => {
    expectFormat(() => readBlobHeader(rawBlob({ rank: 9 })), 'header.rank');
    expectFormat(() => readBlobHeader(rawBlob({ params: '' })), 'header.paramsLength');
    expectFormat(() => readBlobHeader(rawBlob({ params: `{"a":"${'x'.repeat(5000)}"}` })), 'header.paramsLength');
    expectFormat(() => readBlobHeader(rawBlob({ headerLength: 64 })), 'headerLength');
    expectFormat(() => readBlobHeader(rawBlob({ rank: 3 })), 'headerLength');
    expectFormat(() => readBlobHeader(rawBlob().subarray(0, 40)), 'header');
  });

  it('header checksum is an IntegrityError about the blob', () => {
    const b = rawBlob();
    b[25] ^= 1; // a dim byte
    const err = thrown(() => readBlobHeader(b));
    expect(err).toBeInstanceOf(IntegrityError);
    expect((err as IntegrityError).subject).toBe('blob');
    expect((err as Error).message).toMatch(/header checksum/);
  });

  it('flags, padding, dims, payload length beyond 2^53', () => {
    expectFormat(() => readBlobHeader(rawBlob({ flags: 1 })), 'header.flags');
    expectFormat(() => readBlobHeader(rawBlob({ padding: 7 })), 'header.padding');
    expectFormat(() => readBlobHeader(rawBlob({ dims: [2, [3, 0x200000]] })), 'header.shape[1]');
    expectFormat(() => readBlobHeader(rawBlob({ payloadLength: [24, 0xffffffff] })), 'payloadLength');
  });

  it('dtype, codec id, params', () => {
    expectFormat(() => readBlobHeader(rawBlob({ dtypeId: 200 })), 'header.dtype');
    expectFormat(() => readBlobHeader(rawBlob({ codecId: 999 })), 'header.codecId');
    expectFormat(() => readBlobHeader(rawBlob({ params: '[]' })), 'header.params');
    expectFormat(() => readBlobHeader(rawBlob({ params: '{x' })), 'header.params');
    expectFormat(() => readBlobHeader(rawBlob({ params: 'null' })), 'header.params');
    expectFormat(() => readBlobHeader(rawBlob({ params: '{"a":[1]}' })), 'header.params');
    expectFormat(() => readBlobHeader(rawBlob({ params: '{"__proto__":1}' })), 'header.params');
    expectFormat(() => readBlobHeader(rawBlob({ params: Uint8Array.of(0x7b, 0xff, 0xfe, 0x7d) })), 'header.params');
    // well-formed but not a parameter of raw: the codec refuses, the error is still a FormatError
    const err = expectFormat(() => readBlobHeader(rawBlob({ params: '{"blockSize":32}' })), 'header.params');
    expect(err.cause).toBeInstanceOf(TensorhiveError);
  });

  it('payload length must be exactly what the codec writes', () => {
    expectFormat(() => readBlobHeader(rawBlob({}, new Uint8Array(20))), 'payloadLength');
    expectFormat(() => readBlobHeader(rawBlob({}, new Uint8Array(28))), 'payloadLength');
  });

  it('a codec that refuses the shape is a FormatError on the shape', () => {
    const q = codecByName('q8_0');
    const b = buildBlob({ codecId: q.id, dtypeId: DTYPES.F32.id, dims: [2, 31], params: JSON.stringify(q.params({})) }, new Uint8Array(0));
    const err = thrown(() => readBlobHeader(b));
    expect(err).toBeInstanceOf(FormatError);
    expect((err as FormatError).field).toMatch(/^header\.(shape|params)$/);
  });

  it('whole-blob length and checksum', () => {
    const b = rawBlob();
    expectFormat(() => decodeBlob(b.subarray(0, b.length - 1)), 'length');
    const longer = new Uint8Array(b.length + 3);
    longer.set(b);
    expectFormat(() => decodeBlob(longer), 'length');
    const flipped = b.slice();
    flipped[50] ^= 0x10; // payload
    const err = thrown(() => decodeBlob(flipped));
    expect(err).toBeInstanceOf(IntegrityError);
    expect((err as Error).message).toMatch(/^blob: checksum mismatch/);
  });

  it('a header claiming 2^50 elements over a short payload fails before allocating', () => {
    // Allocating 2^52 bytes would throw a RangeError, not a FormatError: the
    // typed error proves the length was checked against the real bytes first.
    const n = 2 ** 25;
    const b = buildBlob({ codecId: 0, dtypeId: DTYPES.F32.id, dims: [n, n], params: '{}', payloadLength: n * n * 4 }, new Uint8Array(64));
    expect(readBlobHeader(b).payloadLength).toBe(2 ** 52);
    expectFormat(() => decodeBlob(b), 'length');
    for (const codec of CODECS) {
      const cols = Math.max(256, codec.blockSize);
      const shape = [2 ** 50 / cols, cols];
      const params = codec.params({});
      const claimed = codec.payloadBytes(shape, 'F32', params);
      const h = buildBlob({ codecId: codec.id, dtypeId: DTYPES.F32.id, dims: shape, params: JSON.stringify(params), payloadLength: claimed }, new Uint8Array(8));
      expectFormat(() => decodeBlob(h), 'length');
    }
  });

  it('shapes whose element count overflows are refused', () => {
    const big = 2 ** 40;
    expect(() => decodeBlob(buildBlob({ codecId: 0, dtypeId: 0, dims: [big, big], params: '{}', payloadLength: 0 }, new Uint8Array(0)))).toThrow(FormatError);
  });

  it('resealed edits are still judged structurally', () => {
    const b = rawBlob();
    new DataView(b.buffer, b.byteOffset).setUint32(24, 3, true); // dims [3, 3] for 24 bytes
    expectFormat(() => decodeBlob(reseal(b)), 'payloadLength');
  });

  it('non-Uint8Array input is an ArgumentError, never a TypeError', () => {
    expect(() => readBlobHeader('THB1' as never)).toThrow(TensorhiveError);
    expect(() => decodeBlob(undefined as never)).toThrow(TensorhiveError);
    expect(() => readBlobHeader(raw as never)).toThrow(TensorhiveError);
  });
});
