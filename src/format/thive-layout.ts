/**
 * The fixed parts of a .thive file (docs/format.md has the full table):
 *
 *   0        8   file header: magic "THVF", u16 version (1), u16 flags (0)
 *   8        …   blobs, each starting at a multiple of 8 (zero padding between)
 *   indexOff …   index: UTF-8 JSON (see thive-index.ts), starts at a multiple of 8
 *   size−32  32  footer: u64 indexOffset, u64 indexLength, u32 index CRC-32,
 *                u16 version, u16 flags, u32 CRC-32 of footer bytes [0, 24),
 *                magic "THVE"
 *
 * The index sits at the end so a writer streams blobs without knowing the
 * index first; the footer has a fixed size so a reader finds the index with
 * one read from the end.
 */
import { FormatError, IntegrityError } from '../errors/index.js';
import { crc32 } from './checksum.js';

export const THIVE_MAGIC = Uint8Array.of(0x54, 0x48, 0x56, 0x46); // "THVF"
export const THIVE_FOOTER_MAGIC = Uint8Array.of(0x54, 0x48, 0x56, 0x45); // "THVE"
export const THIVE_VERSION = 1;
export const THIVE_HEADER_BYTES = 8;
export const THIVE_FOOTER_BYTES = 32;
/** Blobs and the index start at multiples of this (so payloads are 8-aligned in the file). */
export const THIVE_ALIGN = 8;

export interface ThiveFooter {
  indexOffset: number;
  indexLength: number;
  indexCrc: number;
}

export function alignUp(n: number): number {
  return Math.ceil(n / THIVE_ALIGN) * THIVE_ALIGN;
}

function sameBytes(a: Uint8Array, off: number, magic: Uint8Array): boolean {
  for (let i = 0; i < magic.length; i++) if (a[off + i] !== magic[i]) return false;
  return true;
}

function dv(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function writeU64(d: DataView, off: number, v: number): void {
  d.setUint32(off, v % 0x100000000, true);
  d.setUint32(off + 4, Math.floor(v / 0x100000000), true);
}

function readU64(d: DataView, off: number): number | undefined {
  const lo = d.getUint32(off, true);
  const hi = d.getUint32(off + 4, true);
  return hi >= 0x200000 ? undefined : hi * 0x100000000 + lo;
}

export function encodeFileHeader(): Uint8Array {
  const b = new Uint8Array(THIVE_HEADER_BYTES);
  b.set(THIVE_MAGIC, 0);
  dv(b).setUint16(4, THIVE_VERSION, true);
  return b;
}

/** Check the 8-byte file header. */
export function checkFileHeader(b: Uint8Array): void {
  if (b.byteLength < THIVE_HEADER_BYTES || !sameBytes(b, 0, THIVE_MAGIC)) {
    throw new FormatError('magic', 'not a tensorhive model file (expected "THVF")');
  }
  const version = dv(b).getUint16(4, true);
  if (version !== THIVE_VERSION) throw new FormatError('version', `unsupported .thive version ${version}; this reader knows ${THIVE_VERSION}`);
  const flags = dv(b).getUint16(6, true);
  if (flags !== 0) throw new FormatError('flags', `is ${flags}; no flags are defined in version ${THIVE_VERSION}`);
}

export function encodeFooter(f: ThiveFooter): Uint8Array {
  const b = new Uint8Array(THIVE_FOOTER_BYTES);
  const d = dv(b);
  writeU64(d, 0, f.indexOffset);
  writeU64(d, 8, f.indexLength);
  d.setUint32(16, f.indexCrc, true);
  d.setUint16(20, THIVE_VERSION, true);
  d.setUint16(22, 0, true);
  d.setUint32(24, crc32(b.subarray(0, 24)), true);
  b.set(THIVE_FOOTER_MAGIC, 28);
  return b;
}

/**
 * Parse the footer of a file of `fileSize` bytes. The index must lie exactly
 * between the end of the blobs area (≥ the file header) and the footer.
 */
export function parseFooter(b: Uint8Array, fileSize: number, subject: string): ThiveFooter {
  if (!sameBytes(b, 28, THIVE_FOOTER_MAGIC)) {
    throw new FormatError('footer.magic', 'missing (expected "THVE"): the file is truncated or not a .thive file');
  }
  const d = dv(b);
  const stored = d.getUint32(24, true);
  const actual = crc32(b.subarray(0, 24));
  if (stored !== actual) throw new IntegrityError(`${subject} footer`, `checksum mismatch: stored ${stored}, computed ${actual}`);
  const version = d.getUint16(20, true);
  if (version !== THIVE_VERSION) throw new FormatError('footer.version', `is ${version}; this reader knows ${THIVE_VERSION}`);
  if (d.getUint16(22, true) !== 0) throw new FormatError('footer.flags', 'must be 0');
  const indexOffset = readU64(d, 0);
  const indexEnd = fileSize - THIVE_FOOTER_BYTES;
  if (indexOffset === undefined || indexOffset < THIVE_HEADER_BYTES || indexOffset % THIVE_ALIGN !== 0 || indexOffset > indexEnd) {
    throw new FormatError('footer.indexOffset', `is ${indexOffset ?? '≥ 2^53'}; must be a multiple of ${THIVE_ALIGN} in [${THIVE_HEADER_BYTES}, ${indexEnd}]`);
  }
  const indexLength = readU64(d, 8);
  if (indexLength !== indexEnd - indexOffset) {
    throw new FormatError('footer.indexLength', `is ${indexLength ?? '≥ 2^53'}; the index must fill the ${indexEnd - indexOffset} bytes before the footer`);
  }
  return { indexOffset, indexLength, indexCrc: d.getUint32(16, true) };
}
