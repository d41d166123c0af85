/**
 * Reading a segment back at start: walk its records, trust a header only when
 * its hcrc matches, and decide what each failure means.
 *
 * Recovery rules:
 * - A record whose header fails (bad magic, version, lengths or hcrc) or runs
 *   past the end of the file: the next record is where its (unverified) length
 *   fields say when valid headers chain from there to the end of the file;
 *   otherwise search forward for the first valid header from which they do. None
 *   found: in the last segment this is a torn tail — the file is truncated back
 *   to the end of the last good record; in an older segment the rest of it is
 *   counted as a corrupt region. Found: the bytes in between are a corrupt
 *   region (its key unknowable) and the walk goes on.
 * - A record whose header is good but whose value fails its vcrc (checked for
 *   the last segment at start, for every record on every get): the last record
 *   of the last segment is a torn tail (truncated); any other is a corrupt
 *   entry, kept in the index under its key so that get() reports it with an
 *   IntegrityError rather than returning an older value.
 */
import type { FileHandle } from 'node:fs/promises';
import { crc32 } from '../../format/checksum.js';
import { MAX_KEY_BYTES } from '../driver.js';
import { RECORD_HEADER_BYTES, RECORD_MAGIC, parseHead, recordBytes, type RecordHeader } from './record.js';

export interface ScannedRecord {
  offset: number;
  header: RecordHeader;
  key: Uint8Array;
  /** The value failed its vcrc (only known where values were checked). */
  corrupt: boolean;
}

export interface SegmentScan {
  records: ScannedRecord[];
  /** Where good data ends when the tail is torn (truncate here); undefined when the tail is whole. */
  tornAt: number | undefined;
  corruptRegions: number;
  corruptRegionBytes: number;
}

const HEAD_READ = RECORD_HEADER_BYTES + MAX_KEY_BYTES;
const CHUNK = 1 << 20;
const magicBytes = new Uint8Array(new Uint32Array([RECORD_MAGIC]).buffer); // host order is little-endian on every Node target

async function readAt(fh: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buf = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got === length ? buf : buf.subarray(0, got);
}

/** The header (and key) of a valid record at `offset` that fits within `size`, else undefined. */
async function headAt(fh: FileHandle, offset: number, size: number): Promise<{ header: RecordHeader; key: Uint8Array } | undefined> {
  const bytes = await readAt(fh, offset, Math.min(HEAD_READ, size - offset));
  const header = parseHead(bytes);
  if (!header || offset + recordBytes(header.keyLen, header.valueLen) > size) return undefined;
  return { header, key: bytes.slice(RECORD_HEADER_BYTES, RECORD_HEADER_BYTES + header.keyLen) };
}

async function valueOk(fh: FileHandle, offset: number, h: RecordHeader): Promise<boolean> {
  let crc = 0;
  const start = offset + RECORD_HEADER_BYTES + h.keyLen;
  for (let done = 0; done < h.valueLen; ) {
    const piece = await readAt(fh, start + done, Math.min(CHUNK, h.valueLen - done));
    if (piece.byteLength === 0) return false;
    crc = crc32(piece, crc);
    done += piece.byteLength;
  }
  return crc === h.vcrc;
}

/**
 * Whether valid headers chain from `offset` exactly to the end of the file. A
 * resync point must pass this, so a record-shaped run of bytes inside some
 * value (a blob that itself holds tier records) is not taken for real records
 * unless it also lines up with every record after it.
 */
async function chainsToEnd(fh: FileHandle, offset: number, size: number): Promise<boolean> {
  for (let off = offset; off < size; ) {
    const head = await headAt(fh, off, size);
    if (!head) return false;
    off += recordBytes(head.header.keyLen, head.header.valueLen);
  }
  return true;
}

/**
 * Where the failed record says it ends, when its length fields (unverified)
 * point at a valid chain of records running to the end of the file: most
 * damage (a flipped bit in the magic, a checksum, the key) leaves the lengths
 * intact, and trusting them then beats searching, which could stop inside a
 * value that happens to hold record-shaped bytes.
 */
async function claimedEndChains(fh: FileHandle, offset: number, size: number): Promise<number | undefined> {
  const bytes = await readAt(fh, offset, Math.min(RECORD_HEADER_BYTES, size - offset));
  if (bytes.byteLength < RECORD_HEADER_BYTES) return undefined;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = offset + recordBytes(dv.getUint16(14, true), dv.getUint32(16, true));
  return end < size && (await chainsToEnd(fh, end, size)) ? end : undefined;
}

/** The offset of the next record header after `from` from which valid records run to the end, or undefined. */
async function resync(fh: FileHandle, from: number, size: number): Promise<number | undefined> {
  for (let pos = from + 1; pos < size; pos += CHUNK) {
    // 3 bytes of overlap so a magic across the chunk boundary is seen.
    const window = await readAt(fh, pos, Math.min(CHUNK + 3, size - pos));
    const buf = Buffer.from(window.buffer, window.byteOffset, window.byteLength);
    for (let i = buf.indexOf(magicBytes); i >= 0 && i < CHUNK; i = buf.indexOf(magicBytes, i + 1)) {
      if (await chainsToEnd(fh, pos + i, size)) return pos + i;
    }
  }
  return undefined;
}

/** Walk one segment of `size` bytes. `last`: it is the segment appends go to; `checkValues`: verify every vcrc. */
export async function scanSegment(fh: FileHandle, size: number, last: boolean, checkValues: boolean): Promise<SegmentScan> {
  const out: SegmentScan = { records: [], tornAt: undefined, corruptRegions: 0, corruptRegionBytes: 0 };
  let off = 0;
  while (off < size) {
    const head = await headAt(fh, off, size);
    if (!head) {
      const next = (await claimedEndChains(fh, off, size)) ?? (await resync(fh, off, size));
      if (next === undefined && last) {
        out.tornAt = off;
        return out;
      }
      const end = next ?? size;
      out.corruptRegions++;
      out.corruptRegionBytes += end - off;
      off = end;
      continue;
    }
    const len = recordBytes(head.header.keyLen, head.header.valueLen);
    const corrupt = checkValues && !(await valueOk(fh, off, head.header));
    if (corrupt && last && off + len === size) {
      out.tornAt = off;
      return out;
    }
    out.records.push({ offset: off, header: head.header, key: head.key, corrupt });
    off += len;
  }
  return out;
}
