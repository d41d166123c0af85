/**
 * The RAM tier: blobs in SharedArrayBuffer slabs owned by the hive, placed by
 * a buddy pool (power-of-two classes from 4 KiB to the slab size). The driver
 * keeps only an index (key → block); the slabs describe themselves, so a
 * driver started on slabs another driver used — in this thread or another —
 * rebuilds the index by walking them and loses nothing.
 *
 * A put writes a new record into a fresh block and commits it by storing LIVE
 * last; only then is the old record's block freed. A crash in between leaves
 * the old value (new block still WRITING) or two LIVE records of which the
 * newer sequence number wins on re-attach — never a torn value.
 */
import { ActorDeadError, ArgumentError, CapacityError, IntegrityError } from '../../errors/index.js';
import { SystemClock, type Clock } from '../../clock/index.js';
import { crc32 } from '../../format/checksum.js';
import { MAX_KEY_BYTES, type TierDriver, type TierFlags, type TierGetOptions, type TierPutOptions, type TierStats } from '../driver.js';
import { checkBlob, checkCrcOption, checkKey } from '../key.js';
import { HEADER_BYTES, LIVE, MAX_CLASS, blobOffset, classFor, readHeader, slabView, writeRecord, type BlockHeader, type SlabView } from './record.js';
import { BuddyPool, offsetOf, slabOf, type Addr } from './pool.js';
import type { RamLocation } from './reader.js';
import type { RamSlabs } from './slabs.js';

export interface RamTierOptions {
  /** The tier's name in stats and errors; default 'ram'. */
  name?: string;
  /** Slabs made by `RamSlabs.create` (or re-wrapped with `RamSlabs.from` in another thread). */
  slabs: RamSlabs;
  /** Times the copies behind readMBps/writeMBps; default SystemClock. */
  clock?: Clock;
}

interface Entry {
  addr: Addr;
  cls: number;
  keyLen: number;
  blobLen: number;
  seq: number;
}

interface Running {
  epoch: bigint;
  views: SlabView[];
  pool: BuddyPool;
  index: Map<string, Entry>;
  usedBytes: number;
  recovered: { unfinishedPuts: number; supersededRecords: number; droppedRecords: number };
}

const FLAGS: TierFlags = { kind: 'ram', persistent: false, reattachable: true, compaction: false, sync: false };
const decoder = new TextDecoder('utf-8', { fatal: true });

export class RamTier implements TierDriver {
  readonly name: string;
  readonly flags = FLAGS;
  private readonly slabs: RamSlabs;
  private readonly clock: Clock;
  private run: Running | undefined;
  private readBytes = 0;
  private readMs = 0;
  private writeBytes = 0;
  private writeMs = 0;

  constructor(options: RamTierOptions) {
    if (!options || typeof options !== 'object') throw new ArgumentError('options must be an object with options.slabs');
    if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
      throw new ArgumentError(`options.name must be a non-empty string, got ${String(options.name)}`);
    }
    if (!options.slabs || !Array.isArray(options.slabs.buffers)) {
      throw new ArgumentError('options.slabs must be RamSlabs (RamSlabs.create or RamSlabs.from)');
    }
    this.name = options.name ?? 'ram';
    this.slabs = options.slabs;
    this.clock = options.clock ?? new SystemClock();
  }

  async start(): Promise<void> {
    if (this.run && this.slabs.owner() === this.run.epoch) return;
    const epoch = this.slabs.claim();
    const views = this.slabs.buffers.map(slabView);
    const pool = new BuddyPool(views, this.slabs.buffers.map((b) => b.byteLength));
    const run: Running = { epoch, views, pool, index: new Map(), usedBytes: 0, recovered: { unfinishedPuts: 0, supersededRecords: 0, droppedRecords: 0 } };
    const toFree: [Addr, number][] = [];
    let maxSeq = 0;
    pool.scan((addr, h) => {
      const key = h.state === LIVE ? this.recordKey(views[slabOf(addr)], offsetOf(addr), h) : undefined;
      if (key === undefined) {
        // WRITING: a put that never committed; anything else is not a record we wrote.
        if (h.state === LIVE) run.recovered.droppedRecords++;
        else run.recovered.unfinishedPuts++;
        toFree.push([addr, h.cls]);
        return;
      }
      maxSeq = Math.max(maxSeq, h.seq);
      const prev = run.index.get(key);
      const entry: Entry = { addr, cls: h.cls, keyLen: h.keyLen, blobLen: h.blobLen, seq: h.seq };
      if (prev && prev.seq > h.seq) {
        toFree.push([addr, h.cls]);
      } else {
        if (prev) toFree.push([prev.addr, prev.cls]);
        run.index.set(key, entry);
      }
      if (prev) run.recovered.supersededRecords++;
    });
    for (const [addr, cls] of toFree) pool.release(addr, cls);
    for (const e of run.index.values()) run.usedBytes += e.blobLen;
    this.slabs.raiseSeq(maxSeq);
    this.run = run;
  }

  /** `options.crc32`: the blob's CRC when the caller knows it (the record's CRC then costs O(key), not a pass over the blob). */
  async put(key: string, blob: Uint8Array, options?: TierPutOptions): Promise<void> {
    const run = this.live();
    const keyBytes = checkKey(key);
    checkBlob(blob);
    const blobCrc = checkCrcOption(options);
    const cls = classFor(keyBytes.byteLength, blob.byteLength);
    if (cls > run.pool.largestClass) {
      const largest = 2 ** run.pool.largestClass - blobOffset(keyBytes.byteLength);
      throw new CapacityError(`ram tier ${this.name}: a blob of ${blob.byteLength} bytes does not fit one block (at most ${Math.max(0, largest)} bytes with this key; store it in smaller chunks)`);
    }
    const addr = run.pool.allocate(cls);
    if (addr === undefined) {
      throw new CapacityError(`ram tier ${this.name} is full: no free block of ${2 ** cls} bytes for ${blob.byteLength} bytes under ${JSON.stringify(key)} (free ${run.pool.freeBytes} bytes, largest free block ${run.pool.largestFree()})`);
    }
    const seq = this.slabs.nextSeq();
    const t0 = this.clock.now();
    writeRecord(run.views[slabOf(addr)], offsetOf(addr), keyBytes, blob, seq, LIVE, blobCrc);
    this.writeMs += this.clock.now() - t0;
    this.writeBytes += blob.byteLength;
    const old = run.index.get(key);
    run.index.set(key, { addr, cls, keyLen: keyBytes.byteLength, blobLen: blob.byteLength, seq });
    run.usedBytes += blob.byteLength;
    if (old) {
      run.pool.release(old.addr, old.cls); // only after the new record is LIVE
      run.usedBytes -= old.blobLen;
    }
  }

  /** `options.verify === false`: skip the record's CRC (the caller checks the blob's own). */
  async get(key: string, options?: TierGetOptions): Promise<Uint8Array | undefined> {
    const run = this.live();
    checkKey(key);
    const e = run.index.get(key);
    if (!e) return undefined;
    const v = run.views[slabOf(e.addr)];
    const off = offsetOf(e.addr);
    const t0 = this.clock.now();
    const start = off + blobOffset(e.keyLen);
    const out = v.u8.slice(start, start + e.blobLen); // slice of a shared view is a private copy
    this.readMs += this.clock.now() - t0;
    this.readBytes += e.blobLen;
    if (options?.verify === false) return out;
    const expected = readHeader(v, off).crc;
    const actual = crc32(v.u8.subarray(off + HEADER_BYTES, off + HEADER_BYTES + e.keyLen), crc32(out));
    if (actual !== expected) {
      throw new IntegrityError(`ram tier ${this.name} key ${JSON.stringify(key)}`, `crc32 ${actual.toString(16)} does not match the stored ${expected.toString(16)} (slab ${slabOf(e.addr)} offset ${off})`);
    }
    return out;
  }

  /**
   * Where `key`'s record lives, for a RamReader in the thread that owns the
   * slabs (lock-free reads without a round trip to this driver); undefined
   * when absent. Valid until the key is replaced or deleted — the reader
   * detects that by itself.
   */
  locate(key: string): RamLocation | undefined {
    const e = this.live().index.get(key);
    return e && { addr: e.addr, seq: e.seq, keyLen: e.keyLen, blobLen: e.blobLen };
  }

  async delete(key: string): Promise<boolean> {
    const run = this.live();
    checkKey(key);
    const e = run.index.get(key);
    if (!e) return false;
    run.index.delete(key);
    run.pool.release(e.addr, e.cls);
    run.usedBytes -= e.blobLen;
    return true;
  }

  async has(key: string): Promise<boolean> {
    const run = this.live();
    checkKey(key);
    return run.index.has(key);
  }

  async keys(): Promise<string[]> {
    return [...this.live().index.keys()];
  }

  async stats(): Promise<TierStats> {
    const run = this.live();
    const { pool } = run;
    const capacityBytes = this.slabs.capacityBytes;
    const footprintBytes = capacityBytes - pool.freeBytes;
    const largest = pool.largestFree();
    return {
      name: this.name,
      kind: 'ram',
      capacityBytes,
      usedBytes: run.usedBytes,
      footprintBytes,
      entries: run.index.size,
      ...(this.readMs > 0 ? { readMBps: this.readBytes / 1e6 / (this.readMs / 1e3) } : {}),
      ...(this.writeMs > 0 ? { writeMBps: this.writeBytes / 1e6 / (this.writeMs / 1e3) } : {}),
      extra: {
        slabs: this.slabs.buffers.length,
        freeBytes: pool.freeBytes,
        freeBlocks: pool.freeBlocks(),
        largestFreeBlock: largest,
        // External fragmentation: how much of the free space is not in the largest free block.
        fragmentation: pool.freeBytes > 0 ? 1 - largest / pool.freeBytes : 0,
        // Internal: block bytes beyond the blobs they hold (headers, keys, power-of-two slack).
        slackBytes: footprintBytes - run.usedBytes,
        allocations: pool.counters.allocations,
        reuses: pool.counters.reuses,
        splits: pool.counters.splits,
        merges: pool.counters.merges,
        unfinishedPutsRecovered: run.recovered.unfinishedPuts,
        supersededRecordsRecovered: run.recovered.supersededRecords,
        droppedRecords: run.recovered.droppedRecords,
      },
    };
  }

  async stop(): Promise<void> {
    const run = this.run;
    this.run = undefined;
    if (run) this.slabs.release(run.epoch);
  }

  private live(): Running {
    const run = this.run;
    if (!run) throw new ActorDeadError(this.name, 'ram tier is not started');
    if (this.slabs.owner() !== run.epoch) {
      this.run = undefined;
      throw new ActorDeadError(this.name, 'another ram tier driver took over these slabs');
    }
    return run;
  }

  /** The key of a LIVE record, or undefined when the record is not one we could have written. */
  private recordKey(v: SlabView, off: number, h: BlockHeader): string | undefined {
    if (h.keyLen < 1 || h.keyLen > MAX_KEY_BYTES || blobOffset(h.keyLen) + h.blobLen > 2 ** h.cls || h.cls > MAX_CLASS) return undefined;
    try {
      return decoder.decode(v.u8.slice(off + HEADER_BYTES, off + HEADER_BYTES + h.keyLen));
    } catch {
      return undefined;
    }
  }
}
