/**
 * Native kernels on views over SharedArrayBuffers (the RAM tier's slabs, the
 * hive's buffers): same results as over ordinary ArrayBuffers. This crashed the
 * process (the addon took a null data pointer for shared buffers) until fixed.
 */
import { describe, expect, it } from 'vitest';
import { CODECS } from '../../src/codecs/registry.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { nativeKernelsEnabled } from '../../src/kernels/index.js';
import { LEVELS } from './native-helpers.js';

function shared(bytes: Uint8Array, offset = 0): Uint8Array {
  const sab = new SharedArrayBuffer(bytes.byteLength + offset);
  const view = new Uint8Array(sab, offset, bytes.byteLength);
  view.set(bytes);
  return view;
}

describe('native kernels over SharedArrayBuffer views', () => {
  it('the addon is loaded (else this file checks only the TS path)', () => {
    if (process.env.TENSORHIVE_REQUIRE_NATIVE === '1') expect(LEVELS.length).toBeGreaterThan(0);
    expect(typeof nativeKernelsEnabled()).toBe('boolean');
  });

  const x = new Rng(3).normalArray(64 * 256);
  for (const codec of CODECS) {
    if (codec.family === 'raw') continue;
    it(`${codec.name}: encode and decode from shared memory equal the ordinary results`, () => {
      const params = codec.params({});
      const plain = Tensor.fromF32(x, [64, 256]);
      const fromShared = new Tensor('F32', [64, 256], shared(plain.bytes, 16));
      const a = codec.encode(plain, params);
      const b = codec.encode(fromShared, params);
      expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0);
      const da = codec.decode(a, plain.shape, 'F32', params);
      const db = codec.decode(shared(a, 8), plain.shape, 'F32', params);
      expect(Buffer.compare(Buffer.from(da.bytes), Buffer.from(db.bytes))).toBe(0);
    });
  }
});
