/**
 * The disk tier: Bitcask-style append-only segment files in a directory the
 * driver owns. Every put or delete appends one checksummed record (record.ts);
 * an in-memory index maps each key to its latest record and is rebuilt on
 * start() by walking the segments in id order (scan.ts: torn tails dropped and
 * truncated, corrupt records reported). Segments rotate at `segmentBytes`;
 * compact() rewrites live records into new segments (compact.ts).
 *
 * Durability (`fsync`): 'always' — put/delete resolve after an fsync that
 * covers them (concurrent writers share one: group commit); 'batch' — at most
 * one fsync every `batchMs` (and on sync(), rotation and stop); 'none' — the
 * OS decides. A record is never wrong bytes: get() verifies both checksums
 * (the value's may be left to a caller that verifies the bytes itself).
 */
import { readvSync, writevSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { ActorDeadError, ArgumentError, CapacityError, IOError, IntegrityError } from '../../errors/index.js';
import { SystemClock, type Clock } from '../../clock/index.js';
import { crc32 } from '../../format/checksum.js';
import type { TierDriver, TierFlags, TierGetOptions, TierPutOptions, TierStats } from '../driver.js';
import { checkBlob, checkCrcOption, checkKey } from '../key.js';
import { MAX_VALUE_BYTES, RECORD_HEADER_BYTES, encodeHead, parseHead, recordBytes } from './record.js';
import { RwLock } from './rw-lock.js';
import { loadSegment } from './recover.js';
import { listSegments, segmentPath, syncDir, type Segment } from './segments.js';
import { Durability } from './durability.js';
import { compactSegments } from './compact.js';
import { checkDiskOptions, type DiskTierOptions } from './options.js';
import type { DiskState } from './state.js';

export type { DiskIo, DiskTierOptions, FsyncPolicy } from './options.js';

const FLAGS: TierFlags = { kind: 'disk', persistent: true, reattachable: false, compaction: true, sync: true };

export class DiskTier implements TierDriver {
  readonly name: string;
  readonly flags = FLAGS;
  readonly dir: string;
  private readonly capacity: number;
  private readonly segmentBytes: number;
  private readonly autoCompact: boolean;
  private readonly syncIo: boolean;
  private readonly clock: Clock;
  private readonly lock = new RwLock();
  private readonly durability: Durability;
  private st: DiskState | undefined;

  constructor(options: DiskTierOptions) {
    const o = checkDiskOptions(options);
    this.name = o.name;
    this.dir = o.dir;
    this.capacity = o.capacityBytes;
    this.segmentBytes = o.segmentBytes;
    this.autoCompact = o.autoCompact;
    this.syncIo = o.io === 'sync';
    this.clock = o.clock ?? new SystemClock();
    this.durability = new Durability(o.fsync, o.batchMs, this.clock, () => this.fsyncActive());
  }

  async start(): Promise<void> {
    await this.lock.exclusive(async () => {
      if (this.st) return;
      await mkdir(this.dir, { recursive: true }).catch((err: unknown) => {
        throw new IOError(this.dir, `cannot create the disk tier directory: ${(err as Error).message}`, { cause: err });
      });
      const st: DiskState = {
        segments: new Map(), active: undefined as unknown as Segment, index: new Map(), usedBytes: 0, liveRecordBytes: 0,
        counters: { fsyncs: 0, compactions: 0, compactionFailures: 0, reclaimedBytes: 0, tornTailBytes: 0, corruptRecords: 0, corruptRegions: 0, corruptRegionBytes: 0 },
        io: { readBytes: 0, readMs: 0, writeBytes: 0, writeMs: 0 }, nextId: 1,
      };
      try {
        const ids = await listSegments(this.dir);
        for (let i = 0; i < ids.length; i++) await loadSegment(st, this.dir, ids[i], i === ids.length - 1, this.durability.durable);
        st.nextId = (ids.at(-1) ?? 0) + 1;
        const last = ids.length > 0 ? st.segments.get(ids.at(-1)!)! : undefined;
        st.active = last && last.size < this.segmentBytes ? last : await this.newSegment(st);
      } catch (err) {
        for (const s of st.segments.values()) await s.fh.close().catch(() => undefined);
        throw err instanceof IOError || err instanceof IntegrityError ? err : new IOError(this.dir, `cannot open the disk tier: ${(err as Error).message}`, { cause: err });
      }
      this.durability.reset();
      this.st = st;
    });
  }

  /** `options.crc32`: the blob's CRC-32 when the caller knows it; stored as the record's vcrc instead of computing one. */
  async put(key: string, blob: Uint8Array, options?: TierPutOptions): Promise<void> {
    this.live();
    const keyBytes = checkKey(key);
    checkBlob(blob);
    const vcrc = checkCrcOption(options);
    // The fsync is awaited outside the lock (wrapped so the async callback does not
    // adopt it), so writers arriving meanwhile share the next one.
    const { synced } = await this.lock.exclusive(async () => {
      const st = this.live();
      const old = st.index.get(key);
      const used = st.usedBytes - (old?.valueLen ?? 0) + blob.byteLength;
      if (used > this.capacity || blob.byteLength > MAX_VALUE_BYTES) {
        throw new CapacityError(`disk tier ${this.name}: storing ${blob.byteLength} bytes under ${JSON.stringify(key)} would hold ${used} bytes, over its capacity of ${this.capacity}`);
      }
      const at = await this.append(st, encodeHead(keyBytes, blob, false, vcrc), blob);
      st.index.set(key, { seg: at.seg, offset: at.offset, keyLen: keyBytes.byteLength, valueLen: blob.byteLength, corrupt: false });
      st.usedBytes = used;
      st.liveRecordBytes += recordBytes(keyBytes.byteLength, blob.byteLength) - (old ? recordBytes(old.keyLen, old.valueLen) : 0);
      return { synced: this.durability.afterWrite() };
    });
    await synced;
    this.maybeCompact();
  }

  /** `options.verify === false`: skip the value's crc32 (the caller verifies the bytes itself); header and key are still checked. */
  async get(key: string, options?: TierGetOptions): Promise<Uint8Array | undefined> {
    const verify = options?.verify !== false;
    this.live();
    const keyBytes = checkKey(key);
    return this.lock.shared(async () => {
      const st = this.live();
      const e = st.index.get(key);
      if (!e) return undefined;
      const where = `segment ${e.seg} offset ${e.offset}`;
      const subject = `disk tier ${this.name} key ${JSON.stringify(key)}`;
      if (e.corrupt) throw new IntegrityError(subject, `the record's value failed its crc32 when the tier started (${where})`);
      const seg = st.segments.get(e.seg)!;
      const head = new Uint8Array(RECORD_HEADER_BYTES + e.keyLen);
      // Every byte is overwritten by the read: skip the zero fill (own ArrayBuffer, not Buffer's pool).
      const raw = Buffer.allocUnsafeSlow(e.valueLen);
      const value = new Uint8Array(raw.buffer, raw.byteOffset, e.valueLen);
      const t0 = this.clock.now();
      let got: number;
      try {
        // One positional read of header + key + value, straight into the buffer handed out.
        got = this.syncIo ? readvSync(seg.fh.fd, [head, value], e.offset) : (await seg.fh.readv([head, value], e.offset)).bytesRead;
      } catch (err) {
        throw new IOError(seg.path, `cannot read ${subject}: ${(err as Error).message}`, { cause: err });
      }
      st.io.readMs += this.clock.now() - t0;
      st.io.readBytes += got;
      const h = parseHead(head);
      if (got !== head.byteLength + value.byteLength || !h || h.valueLen !== e.valueLen || Buffer.compare(head.subarray(RECORD_HEADER_BYTES), keyBytes) !== 0) {
        throw new IntegrityError(subject, `the record header or key does not check out (${where})`);
      }
      if (verify && crc32(value) !== h.vcrc) throw new IntegrityError(subject, `the value fails its crc32 (${where})`);
      return value;
    });
  }

  async delete(key: string): Promise<boolean> {
    this.live();
    const keyBytes = checkKey(key);
    const res = await this.lock.exclusive(async () => {
      const st = this.live();
      const old = st.index.get(key);
      if (!old) return false;
      await this.append(st, encodeHead(keyBytes, new Uint8Array(0), true), new Uint8Array(0));
      st.index.delete(key);
      st.usedBytes -= old.valueLen;
      st.liveRecordBytes -= recordBytes(old.keyLen, old.valueLen);
      return { synced: this.durability.afterWrite() };
    });
    if (res === false) return false;
    await res.synced;
    this.maybeCompact();
    return true;
  }

  async has(key: string): Promise<boolean> {
    const st = this.live();
    checkKey(key);
    return st.index.has(key);
  }

  async keys(): Promise<string[]> {
    return [...this.live().index.keys()];
  }

  async stats(): Promise<TierStats> {
    const st = this.live();
    let footprint = 0;
    for (const s of st.segments.values()) footprint += s.size;
    const { io, counters } = st;
    return {
      name: this.name,
      kind: 'disk',
      capacityBytes: this.capacity,
      usedBytes: st.usedBytes,
      footprintBytes: footprint,
      entries: st.index.size,
      ...(io.readMs > 0 ? { readMBps: io.readBytes / 1e6 / (io.readMs / 1e3) } : {}),
      ...(io.writeMs > 0 ? { writeMBps: io.writeBytes / 1e6 / (io.writeMs / 1e3) } : {}),
      extra: { segments: st.segments.size, deadBytes: footprint - st.liveRecordBytes, ...counters },
    };
  }

  async sync(): Promise<void> {
    this.live();
    await this.durability.sync();
  }

  async compact(): Promise<void> {
    this.live();
    await this.lock.exclusive(async () => {
      const st = this.live();
      await this.durability.settled();
      await compactSegments(st, this.dir, this.segmentBytes, () => this.newSegment(st));
    });
  }

  async stop(): Promise<void> {
    await this.lock.exclusive(async () => {
      const st = this.st;
      if (!st) return;
      await this.durability.quiesce();
      let failure: unknown;
      if (this.durability.durable) await this.fsyncActive().catch((err: unknown) => (failure = err));
      this.st = undefined;
      for (const s of st.segments.values()) await s.fh.close().catch(() => undefined);
      if (failure) throw failure;
    });
  }

  /** Append one record (head + value) to the active segment, rotating first when it would overflow. */
  private async append(st: DiskState, head: Uint8Array, value: Uint8Array): Promise<{ seg: number; offset: number }> {
    this.durability.throwFailure();
    const len = head.byteLength + value.byteLength;
    if (st.active.size > 0 && st.active.size + len > this.segmentBytes) {
      if (this.durability.durable) await this.fsyncActive();
      st.active = await this.newSegment(st);
    }
    const seg = st.active;
    const offset = seg.size;
    const t0 = this.clock.now();
    try {
      let done = 0;
      while (done < len) {
        const parts = done < head.byteLength ? [head.subarray(done), value] : [value.subarray(done - head.byteLength)];
        // Header + key and the value as they are: one gathered write, no concatenation.
        done += this.syncIo ? writevSync(seg.fh.fd, parts, offset + done) : (await seg.fh.writev(parts, offset + done)).bytesWritten;
      }
    } catch (err) {
      // Cut a partial record off so the log stays a sequence of whole records.
      await seg.fh.truncate(offset).catch(() => undefined);
      throw new IOError(seg.path, `cannot append a record: ${(err as Error).message}`, { cause: err });
    }
    st.io.writeMs += this.clock.now() - t0;
    st.io.writeBytes += len;
    seg.size += len;
    return { seg: seg.id, offset };
  }

  private async fsyncActive(): Promise<void> {
    const st = this.st;
    if (!st) return;
    const seg = st.active;
    try {
      await seg.fh.sync();
    } catch (err) {
      throw new IOError(seg.path, `fsync failed: ${(err as Error).message}`, { cause: err });
    }
    st.counters.fsyncs++;
  }

  private async newSegment(st: DiskState): Promise<Segment> {
    const id = st.nextId++;
    const path = segmentPath(this.dir, id);
    const fh = await open(path, 'wx+').catch((err: unknown) => {
      throw new IOError(path, `cannot create a segment: ${(err as Error).message}`, { cause: err });
    });
    const seg: Segment = { id, path, fh, size: 0 };
    st.segments.set(id, seg);
    if (this.durability.durable) await syncDir(this.dir);
    return seg;
  }

  /** Compact in the background once dead records outweigh live ones (and a segment's worth). */
  private maybeCompact(): void {
    const st = this.st;
    if (!this.autoCompact || !st || st.compacting) return;
    let footprint = 0;
    for (const s of st.segments.values()) footprint += s.size;
    const dead = footprint - st.liveRecordBytes;
    if (dead <= st.liveRecordBytes || dead < this.segmentBytes) return;
    st.compacting = true;
    // A failed background compaction loses nothing (the old segments stay); it is counted, not thrown at writers.
    this.compact()
      .catch(() => st.counters.compactionFailures++)
      .finally(() => (st.compacting = false));
  }

  private live(): DiskState {
    if (!this.st) throw new ActorDeadError(this.name, 'disk tier is not started');
    return this.st;
  }
}
