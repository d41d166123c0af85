/**
 * A read-only, lock-free reader over RAM slabs, for the thread that owns them
 * (the hive's main thread) while the RAM tier actor — the only writer — runs
 * in a worker. It saves the round trip to the actor on every read.
 *
 * The reader needs a record's location (`RamTier.locate`, handed back by the
 * actor with each put) and checks it seqlock-style: the block's state must be
 * LIVE with the expected sequence number before the copy AND after it.
 * Sequence numbers are never reused, and a writer stores WRITING or FREE in a
 * block (Atomics) before it touches the block's bytes, so a record that was
 * freed, replaced or reused meanwhile fails the second check and the read
 * returns undefined (the caller then asks the actor). The copy is private:
 * the caller verifies its CRC (the container's) before using a byte, which
 * also guards against what the memory model does not promise here (plain
 * loads reordered past the closing atomic load on weakly ordered CPUs).
 *
 * The copy costs little because the blob is 8-aligned in its block and the
 * copy lands at offset 0 of its buffer (record.ts: blobOffset): V8 then copies
 * shared memory a word at a time (~13 µs for 300 KB) instead of a byte at a
 * time (~100 µs). Decoding straight from the slab would save that too, but a
 * decoder would then read bytes a writer may change under it — a native
 * decoder of a variable-length format that reads a length twice could be led
 * out of bounds before any re-check ran. The private copy keeps every decoder
 * on bytes that hold still.
 */
import { HEADER_BYTES, LIVE, blobOffset, readHeader, seqOf, slabView, stateOf, type SlabView } from './record.js';
import { offsetOf, slabOf, type Addr } from './pool.js';
import type { RamSlabs } from './slabs.js';

/** Where a RAM record lives: what `RamTier.locate` gives and `RamReader.read` takes. */
export interface RamLocation {
  readonly addr: Addr;
  readonly seq: number;
  readonly keyLen: number;
  readonly blobLen: number;
}

/** Outcome counters, for stats and tests. */
export interface RamReaderCounters {
  /** Reads served from the slabs. */
  hits: number;
  /** Reads refused because the record changed (before or during the copy) or the location is stale. */
  stale: number;
}

export class RamReader {
  private readonly views: SlabView[];
  private readonly sizes: number[];
  readonly counters: RamReaderCounters = { hits: 0, stale: 0 };

  constructor(slabs: RamSlabs) {
    this.views = slabs.buffers.map(slabView);
    this.sizes = slabs.buffers.map((b) => b.byteLength);
  }

  /**
   * A private copy of the blob at `loc` whose key is `key` (UTF-8), or
   * undefined when the record there is not (or stopped being) that one.
   * `into`: a (non-shared) buffer to copy into when it is large enough.
   * Never blocks, never writes to the slabs.
   */
  read(loc: RamLocation, key: Uint8Array, into?: Uint8Array): Uint8Array | undefined {
    const slab = slabOf(loc.addr);
    const v = this.views[slab];
    const off = offsetOf(loc.addr);
    const start = off + blobOffset(loc.keyLen);
    if (!v || off % 4096 !== 0 || key.byteLength !== loc.keyLen || start + loc.blobLen > this.sizes[slab]) return this.miss();
    if (!this.current(v, off, loc)) return this.miss();
    const h = readHeader(v, off);
    if (h.keyLen !== loc.keyLen || h.blobLen !== loc.blobLen) return this.miss();
    const stored = v.u8.subarray(off + HEADER_BYTES, off + HEADER_BYTES + key.byteLength);
    for (let i = 0; i < key.byteLength; i++) if (stored[i] !== key[i]) return this.miss();
    const out = this.copy(v.u8, start, start + loc.blobLen, into);
    if (!this.current(v, off, loc)) return this.miss();
    this.counters.hits++;
    return out;
  }

  /**
   * The copy between the two checks, into `into` (a view of its first bytes
   * comes back) when it is large enough, else into a fresh non-shared buffer.
   * Tests override it to act as a writer mid-copy.
   */
  protected copy(u8: Uint8Array, start: number, end: number, into?: Uint8Array): Uint8Array {
    if (!into || into.byteLength < end - start) return u8.slice(start, end);
    const out = into.subarray(0, end - start);
    out.set(u8.subarray(start, end));
    return out;
  }

  /** The block holds the committed record `loc` names (state LIVE, same sequence number). */
  private current(v: SlabView, off: number, loc: RamLocation): boolean {
    return stateOf(v, off) === LIVE && seqOf(v, off) === loc.seq;
  }

  private miss(): undefined {
    this.counters.stale++;
    return undefined;
  }
}
