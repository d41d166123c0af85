/**
 * CRC-32 (ISO-HDLC / zlib / PNG: reflected polynomial 0xEDB88320, initial
 * value and final xor 0xFFFFFFFF) — the checksum of every tensorhive blob and
 * .thive index. Uses node's `zlib.crc32` where it exists (Node ≥ 20.15,
 * ~5 GB/s) and a table implementation otherwise; both give the same numbers.
 */
import * as zlib from 'node:zlib';

let table: Uint32Array | undefined;

function makeTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

/** Table CRC-32; exported so tests can check it against zlib's. */
export function crc32Table(bytes: Uint8Array, previous = 0): number {
  table ??= makeTable();
  let c = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/**
 * CRC-32 of `bytes`; pass a previous result as `previous` to continue a
 * running checksum over several pieces.
 */
export const crc32: (bytes: Uint8Array, previous?: number) => number =
  typeof native === 'function' ? (bytes, previous = 0) => native(bytes, previous) >>> 0 : crc32Table;
