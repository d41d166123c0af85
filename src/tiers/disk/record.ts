/**
 * The disk tier's record, byte by byte (little-endian). Records are appended
 * to segment files back to back, with no padding:
 *
 *   0  u32 magic     0x4b444854 ('THDK' as bytes)
 *   4  u32 hcrc      crc32 of bytes 8..20 and the key: the header and key are
 *                    trusted only when it matches
 *   8  u32 vcrc      crc32 of the value
 *  12  u8  flags     bit 0: tombstone (a delete; valueLen is 0)
 *  13  u8  version   1
 *  14  u16 keyLen    1..512
 *  16  u32 valueLen
 *  20  key bytes (UTF-8), then value bytes
 *
 * Two checksums rather than one: a byte flipped in a value leaves the key
 * readable, so the damaged entry is known and reported by name (IntegrityError
 * on get) instead of silently disappearing and resurrecting an older value.
 */
import { crc32 } from '../../format/checksum.js';
import { MAX_KEY_BYTES } from '../driver.js';

export const RECORD_MAGIC = 0x4b444854;
export const RECORD_VERSION = 1;
export const RECORD_HEADER_BYTES = 20;
export const FLAG_TOMBSTONE = 1;
export const MAX_VALUE_BYTES = 0xffffffff;

export interface RecordHeader {
  tombstone: boolean;
  keyLen: number;
  valueLen: number;
  vcrc: number;
}

/** Header + key for a record of `value` (the value itself is written beside it). */
/** `vcrc`: the value's CRC-32 when the caller already knows it (else computed here). */
export function encodeHead(key: Uint8Array, value: Uint8Array, tombstone: boolean, vcrc: number = crc32(value)): Uint8Array {
  const head = new Uint8Array(RECORD_HEADER_BYTES + key.byteLength);
  const dv = new DataView(head.buffer);
  dv.setUint32(0, RECORD_MAGIC, true);
  dv.setUint32(8, vcrc, true);
  head[12] = tombstone ? FLAG_TOMBSTONE : 0;
  head[13] = RECORD_VERSION;
  dv.setUint16(14, key.byteLength, true);
  dv.setUint32(16, value.byteLength, true);
  head.set(key, RECORD_HEADER_BYTES);
  dv.setUint32(4, crc32(head.subarray(8)), true);
  return head;
}

/**
 * Parse the header at the start of `bytes` (which holds at least the header
 * and, when available, the key). Returns undefined unless magic, version,
 * flags, key length and hcrc all check out — a header that fails is never
 * trusted for its lengths.
 */
export function parseHead(bytes: Uint8Array): RecordHeader | undefined {
  if (bytes.byteLength < RECORD_HEADER_BYTES) return undefined;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0, true) !== RECORD_MAGIC || bytes[13] !== RECORD_VERSION || (bytes[12] & ~FLAG_TOMBSTONE) !== 0) return undefined;
  const keyLen = dv.getUint16(14, true);
  const valueLen = dv.getUint32(16, true);
  const tombstone = (bytes[12] & FLAG_TOMBSTONE) !== 0;
  if (keyLen < 1 || keyLen > MAX_KEY_BYTES || bytes.byteLength < RECORD_HEADER_BYTES + keyLen) return undefined;
  if (tombstone && valueLen !== 0) return undefined;
  if (crc32(bytes.subarray(8, RECORD_HEADER_BYTES + keyLen)) !== dv.getUint32(4, true)) return undefined;
  return { tombstone, keyLen, valueLen, vcrc: dv.getUint32(8, true) };
}

export function recordBytes(keyLen: number, valueLen: number): number {
  return RECORD_HEADER_BYTES + keyLen + valueLen;
}
