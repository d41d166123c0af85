/**
 * The tier driver contract. A tier holds encoded bytes (container blobs) under
 * string keys; it never chooses a codec and never decodes. Drivers are small:
 * a few required methods, optional abilities declared in `flags`. One shared
 * conformance suite (test/tiers/conformance.ts) runs against every driver.
 *
 * Define first, run later: constructing a driver allocates nothing and opens
 * nothing; `start()` does.
 */

export type TierKind = 'gpu' | 'ram' | 'disk' | 'remote';

export interface TierFlags {
  readonly kind: TierKind;
  /** Bytes survive the death of the process (disk, remote). */
  readonly persistent: boolean;
  /**
   * Bytes live in memory owned outside the driver (SharedArrayBuffer slabs
   * handed in by the hive), so a restarted driver re-attaches without loss.
   */
  readonly reattachable: boolean;
  /** `compact()` reclaims space held by deleted or overwritten entries. */
  readonly compaction: boolean;
  /** `sync()` makes every acknowledged put durable. */
  readonly sync: boolean;
}

export interface TierStats {
  readonly name: string;
  readonly kind: TierKind;
  /** Bytes the tier may hold (its budget). */
  readonly capacityBytes: number;
  /** Physical bytes held by live entries (encoded blob bytes). */
  readonly usedBytes: number;
  /** Bytes the tier occupies including overhead and dead space (slab slack, dead records). */
  readonly footprintBytes: number;
  readonly entries: number;
  /** Measured at start (not assumed), MB/s; undefined until measured. */
  readonly readMBps?: number;
  readonly writeMBps?: number;
  /** Driver-specific figures (fragmentation, segments, compactions, …). */
  readonly extra?: Readonly<Record<string, number>>;
}

/** Options of a put (all optional; a driver may ignore what it has no use for). */
export interface TierPutOptions {
  /**
   * CRC-32 of the whole blob, already known to the caller (a container blob's
   * trailer gives it in O(1)): a tier that checksums values stores this one
   * instead of computing its own. A wrong value is never silently accepted: the
   * record then fails its check on a verified read.
   */
  readonly crc32?: number;
}

/** Options of a get. */
export interface TierGetOptions {
  /**
   * false: skip the tier's own checksum of the value, because the caller
   * verifies the bytes itself (the hive checks every container blob's CRC
   * before decoding). Default true. Structural checks (header, key, length)
   * still run, and a tier's recovery scan still verifies what it verifies.
   */
  readonly verify?: boolean;
}

export interface TierDriver {
  readonly name: string;
  readonly flags: TierFlags;
  start(): Promise<void>;
  /**
   * Store `blob` under `key`, replacing any previous value. Rejects with
   * CapacityError when the tier's budget would be exceeded (nothing stored,
   * nothing evicted: eviction is the scheduler's job), ArgumentError on a bad key.
   */
  put(key: string, blob: Uint8Array, options?: TierPutOptions): Promise<void>;
  /** The bytes stored under `key` (a copy the caller owns), or undefined. */
  get(key: string, options?: TierGetOptions): Promise<Uint8Array | undefined>;
  /** Remove `key`; true when it existed. */
  delete(key: string): Promise<boolean>;
  has(key: string): Promise<boolean>;
  keys(): Promise<string[]>;
  stats(): Promise<TierStats>;
  /** Optional abilities, present when the matching flag is set. */
  sync?(): Promise<void>;
  compact?(): Promise<void>;
  stop(): Promise<void>;
}

/** Keys are 1..512 bytes of UTF-8 without NUL; drivers reject anything else. */
export const MAX_KEY_BYTES = 512;
