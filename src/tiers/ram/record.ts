/**
 * The RAM tier's block header. Every block of every slab starts with one, so a
 * slab describes itself: walking it from offset 0 by block sizes visits every
 * block, and a re-attaching driver rebuilds its index from the walk alone.
 *
 * Header (32 bytes, little-endian i32 words, at a 4 KiB-aligned offset):
 *   0  magic    0x42524854 ('THRB')
 *   4  state    FREE | WRITING | LIVE
 *   8  cls      log2 of the block size (12 .. 30)
 *  12  keyLen   bytes of UTF-8 key that follow the header
 *  16  blobLen  bytes of blob that follow the key
 *  20  crc      CRC-32 of the blob bytes then the key bytes (blob first: a
 *               caller that knows the blob's CRC — a container's trailer —
 *               saves the pass over the blob; the key is continued in O(key))
 *  24  seqLo    put sequence number (53 bits: lo 32, hi 21): the newest of two
 *  28  seqHi    LIVE records with one key wins after a crash mid-overwrite
 *  32  key, zero padding to a multiple of 8, then the blob at
 *      blobOffset(keyLen) = 32 + keyLen rounded up to 8
 *
 * The blob starts 8-aligned because copying out of a SharedArrayBuffer is
 * only fast when source and destination share their alignment: V8 copies
 * shared memory word by word when it can and byte by byte when it cannot
 * (~8x slower; a 300 KB blob at an odd offset took ~100 µs instead of ~13).
 * Private copies start at offset 0 (8-aligned), so the blob must too; the
 * blob's payload (8-aligned within the blob) then stays aligned as well.
 *
 * The state word is the commit point: a put writes everything else first and
 * stores LIVE last (Atomics.store orders the earlier plain writes before it for
 * any thread that Atomics.loads the state).
 */
import { crc32 } from '../../format/checksum.js';

export const MAGIC = 0x42524854;
export const HEADER_BYTES = 32;
export const MIN_CLASS = 12; // 4 KiB blocks
export const MAX_CLASS = 30; // 1 GiB blocks

export const FREE = 1;
/** Allocated, payload being written; a crash leaves it, and a scan frees it. */
export const WRITING = 2;
export const LIVE = 3;

const W_MAGIC = 0;
const W_STATE = 1;
const W_CLASS = 2;
const W_KEYLEN = 3;
const W_BLOBLEN = 4;
const W_CRC = 5;
const W_SEQLO = 6;
const W_SEQHI = 7;

/** Where a record's blob starts, relative to its block: after the header and the key, 8-aligned. */
export function blobOffset(keyLen: number): number {
  return HEADER_BYTES + ((keyLen + 7) & ~7);
}

/** One slab seen as words (headers) and bytes (payloads). */
export interface SlabView {
  readonly i32: Int32Array;
  readonly u8: Uint8Array;
}

export function slabView(buffer: SharedArrayBuffer): SlabView {
  return { i32: new Int32Array(buffer), u8: new Uint8Array(buffer) };
}

export interface BlockHeader {
  magic: number;
  state: number;
  cls: number;
  keyLen: number;
  blobLen: number;
  crc: number;
  seq: number;
}

export function readHeader(s: SlabView, offset: number): BlockHeader {
  const w = offset >> 2;
  return {
    magic: Atomics.load(s.i32, w + W_MAGIC) >>> 0,
    state: Atomics.load(s.i32, w + W_STATE),
    cls: s.i32[w + W_CLASS],
    keyLen: s.i32[w + W_KEYLEN],
    blobLen: s.i32[w + W_BLOBLEN] >>> 0,
    crc: s.i32[w + W_CRC] >>> 0,
    seq: (s.i32[w + W_SEQLO] >>> 0) + (s.i32[w + W_SEQHI] >>> 0) * 2 ** 32,
  };
}

/** The record's sequence number, read with atomic loads (the lock-free reader's check). */
export function seqOf(s: SlabView, offset: number): number {
  const w = offset >> 2;
  return (Atomics.load(s.i32, w + W_SEQLO) >>> 0) + (Atomics.load(s.i32, w + W_SEQHI) >>> 0) * 2 ** 32;
}

export function stateOf(s: SlabView, offset: number): number {
  return Atomics.load(s.i32, (offset >> 2) + W_STATE);
}

export function setState(s: SlabView, offset: number, state: number): void {
  Atomics.store(s.i32, (offset >> 2) + W_STATE, state);
}

/** A free block header of class `cls` (also used to merge: rewrites the class). */
export function writeFree(s: SlabView, offset: number, cls: number): void {
  const w = offset >> 2;
  s.i32[w + W_CLASS] = cls;
  s.i32[w + W_KEYLEN] = 0;
  s.i32[w + W_BLOBLEN] = 0;
  Atomics.store(s.i32, w + W_MAGIC, MAGIC);
  Atomics.store(s.i32, w + W_STATE, FREE);
}

/** Rewrite only the class word of a free block (the single store that merges or splits it). */
export function setClass(s: SlabView, offset: number, cls: number): void {
  Atomics.store(s.i32, (offset >> 2) + W_CLASS, cls);
}

/** The crc32 the header carries: of `blob` (or its known CRC `blobCrc`) continued over `key`. */
export function recordCrc(key: Uint8Array, blob: Uint8Array, blobCrc: number = crc32(blob)): number {
  return crc32(key, blobCrc);
}

/**
 * Write a whole record into the block at `offset` (class already set) and
 * commit it with `finalState` (LIVE for a put; WRITING to simulate a crash).
 */
export function writeRecord(
  s: SlabView,
  offset: number,
  key: Uint8Array,
  blob: Uint8Array,
  seq: number,
  finalState: number = LIVE,
  blobCrc?: number,
): void {
  const w = offset >> 2;
  setState(s, offset, WRITING);
  s.i32[w + W_KEYLEN] = key.byteLength;
  s.i32[w + W_BLOBLEN] = blob.byteLength;
  s.i32[w + W_CRC] = recordCrc(key, blob, blobCrc) | 0;
  s.i32[w + W_SEQLO] = seq % 2 ** 32 | 0;
  s.i32[w + W_SEQHI] = Math.floor(seq / 2 ** 32) | 0;
  s.u8.set(key, offset + HEADER_BYTES);
  const pad = offset + HEADER_BYTES + key.byteLength;
  s.u8.fill(0, pad, offset + blobOffset(key.byteLength));
  s.u8.set(blob, offset + blobOffset(key.byteLength));
  setState(s, offset, finalState);
}

/**
 * Bytes of slab a blob of `blobLen` bytes under a key of `keyLen` UTF-8
 * bytes occupies: its whole power-of-two block (header, key, padding and
 * rounding included) — what it costs against the tier's capacity.
 */
export function blockBytes(keyLen: number, blobLen: number): number {
  return 2 ** classFor(keyLen, blobLen);
}

/** Bytes a record of this key and blob needs, and the smallest class holding it. */
export function classFor(keyLen: number, blobLen: number): number {
  const need = blobOffset(keyLen) + blobLen;
  let cls = MIN_CLASS;
  while (cls <= MAX_CLASS && 2 ** cls < need) cls++;
  return cls;
}
