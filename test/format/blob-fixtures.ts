/**
 * Helpers for the blob and .thive tests: sample tensors every codec accepts,
 * and an independent little blob builder that writes any header bytes (valid
 * or not) with correct checksums, following docs/format.md rather than
 * blob.ts — so it doubles as a check that the docs and the code agree.
 */
import * as zlib from 'node:zlib';
import type { AnyCodec } from '../../src/codecs/codec.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';

export function crc(b: Uint8Array): number {
  return zlib.crc32(b) >>> 0;
}

/** A small F32 tensor the codec accepts (rows of 256 fit every block size we ship). */
export function sampleFor(codec: AnyCodec, seed = 1, rows = 2): Tensor {
  const cols = Math.max(256, codec.blockSize);
  const t = Tensor.fromF32(new Rng(seed).normalArray(rows * cols), [rows, cols]);
  return t;
}

export interface RawHeader {
  magic?: Uint8Array;
  version?: number;
  headerLength?: number;
  codecId: number;
  dtypeId: number;
  rank?: number;
  flags?: number;
  /** Dims as [lo, hi] u32 words or plain numbers. */
  dims: (number | [number, number])[];
  params: string | Uint8Array;
  payloadLength?: number | [number, number];
  padding?: number;
}

function putU64(dv: DataView, off: number, v: number | [number, number]): void {
  const [lo, hi] = Array.isArray(v) ? v : [v % 2 ** 32, Math.floor(v / 2 ** 32)];
  dv.setUint32(off, lo, true);
  dv.setUint32(off + 4, hi, true);
}

/** Write a blob from raw header fields, per docs/format.md, with both CRCs correct. */
export function buildBlob(h: RawHeader, payload: Uint8Array): Uint8Array {
  const params = typeof h.params === 'string' ? new TextEncoder().encode(h.params) : h.params;
  const rank = h.rank ?? h.dims.length;
  const natural = Math.ceil((24 + 8 * h.dims.length + params.length + 4) / 8) * 8;
  const headerLength = h.headerLength ?? natural;
  const size = Math.max(natural, headerLength);
  const out = new Uint8Array(size + payload.length + 4);
  const dv = new DataView(out.buffer);
  out.set(h.magic ?? new TextEncoder().encode('THB1'), 0);
  dv.setUint16(4, h.version ?? 1, true);
  dv.setUint16(6, headerLength, true);
  dv.setUint16(8, h.codecId, true);
  dv.setUint8(10, h.dtypeId);
  dv.setUint8(11, rank);
  dv.setUint16(12, params.length, true);
  dv.setUint16(14, h.flags ?? 0, true);
  putU64(dv, 16, h.payloadLength ?? payload.length);
  h.dims.forEach((d, i) => putU64(dv, 24 + 8 * i, d));
  out.set(params, 24 + 8 * h.dims.length);
  if (h.padding !== undefined) out[natural - 5] = h.padding;
  dv.setUint32(headerLength - 4, crc(out.subarray(0, headerLength - 4)), true);
  out.set(payload, headerLength);
  const end = headerLength + payload.length;
  dv.setUint32(end, crc(out.subarray(0, end)), true);
  return out.subarray(0, end + 4);
}

/** Recompute both CRCs of a blob after its bytes were edited (uses the headerLength stored in it). */
export function reseal(blob: Uint8Array): Uint8Array {
  const dv = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  if (blob.length < 8) return blob;
  const hl = dv.getUint16(6, true);
  if (hl >= 4 && hl <= blob.length) dv.setUint32(hl - 4, crc(blob.subarray(0, hl - 4)), true);
  if (blob.length >= 4) dv.setUint32(blob.length - 4, crc(blob.subarray(0, blob.length - 4)), true);
  return blob;
}
