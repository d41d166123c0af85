/**
 * The hive's lock-free read path into its own RAM slabs: the RAM tier actor
 * (the only writer) hands back each record's location with its put reply,
 * and reads of those keys copy the blob straight out of the slabs on this
 * thread, without a round trip to the actor. A location that went stale (the
 * key was replaced or deleted, or a put raced the copy) reads as a miss and
 * the caller asks the actor; a copy that fails the caller's checks is never
 * reported as corruption by itself (see read.ts).
 */
import type { RamLocation, RamReader } from '../tiers/ram/index.js';

const encoder = new TextEncoder();

interface Known {
  readonly loc: RamLocation;
  readonly key: Uint8Array;
}

export class RamLocal {
  private readonly known = new Map<string, Known>();
  /** Grows to the largest blob read with `scratch` (a chunk's blob: a few MiB at most). */
  private scratch = new Uint8Array(0);

  constructor(private readonly reader: RamReader) {}

  get counters(): Readonly<{ hits: number; stale: number }> {
    return this.reader.counters;
  }

  remember(key: string, loc: RamLocation): void {
    this.known.set(key, { loc, key: encoder.encode(key) });
  }

  location(key: string): RamLocation | undefined {
    return this.known.get(key)?.loc;
  }

  forget(key: string): void {
    this.known.delete(key);
  }

  /**
   * A private copy of `key`'s blob, or undefined (not known here, or stale:
   * ask the actor). With `scratch` the copy lands in a buffer reused by the
   * next scratch read: no allocation (and no garbage) per read, but the view
   * is only good until this thread next yields — use it synchronously.
   */
  read(key: string, scratch = false): Uint8Array | undefined {
    const k = this.known.get(key);
    if (!k) return undefined;
    if (scratch && this.scratch.byteLength < k.loc.blobLen) this.scratch = new Uint8Array(k.loc.blobLen);
    const got = this.reader.read(k.loc, k.key, scratch ? this.scratch : undefined);
    // Forget a stale location, unless a newer put replaced it meanwhile.
    if (got === undefined && this.known.get(key) === k) this.known.delete(key);
    return got;
  }
}
