/**
 * RAM slabs: the SharedArrayBuffers that hold the RAM tier's bytes. The hive
 * allocates them (in its own thread) and hands them to a RamTier driver; the
 * same buffers can be posted to a restarted driver in another worker thread,
 * which re-attaches and loses nothing (every block header lives in the slab).
 *
 * A small control buffer travels with the slabs: an owner epoch (the driver
 * that most recently started owns the slabs; an older one is refused) and the
 * put sequence counter.
 */
import { ArgumentError } from '../../errors/index.js';
import { MAX_CLASS, MIN_CLASS, slabView, writeFree, type SlabView } from './record.js';

export const MIN_BLOCK_BYTES = 2 ** MIN_CLASS;
export const MAX_SLAB_BYTES = 2 ** MAX_CLASS;
export const DEFAULT_SLAB_BYTES = 64 * 1024 * 1024;

const CONTROL_MAGIC = 0x54485243n; // 'THRC'
const C_MAGIC = 0;
const C_EPOCH = 1;
const C_SEQ = 2;
const CONTROL_WORDS = 4;

export interface RamSlabsOptions {
  /** Total bytes of all slabs; a positive multiple of 4096. */
  capacityBytes: number;
  /** Bytes per slab (the largest blob + header a single block can hold); default 64 MiB. */
  slabBytes?: number;
}

/** What crosses a thread boundary (structured clone keeps SharedArrayBuffers shared). */
export interface RamSlabsShared {
  readonly control: SharedArrayBuffer;
  readonly slabs: readonly SharedArrayBuffer[];
}

export class RamSlabs {
  readonly control: SharedArrayBuffer;
  readonly buffers: readonly SharedArrayBuffer[];
  readonly capacityBytes: number;
  private readonly words: BigInt64Array;

  private constructor(control: SharedArrayBuffer, buffers: readonly SharedArrayBuffer[]) {
    this.control = control;
    this.buffers = buffers;
    this.capacityBytes = buffers.reduce((s, b) => s + b.byteLength, 0);
    this.words = new BigInt64Array(control);
  }

  /** Allocate and format slabs: every slab starts as free blocks covering it. */
  static create(options: RamSlabsOptions): RamSlabs {
    const { capacityBytes } = options;
    if (!Number.isSafeInteger(capacityBytes) || capacityBytes <= 0 || capacityBytes % MIN_BLOCK_BYTES !== 0) {
      throw new ArgumentError(`options.capacityBytes must be a positive multiple of ${MIN_BLOCK_BYTES}, got ${capacityBytes}`);
    }
    const slabBytes = options.slabBytes ?? Math.min(DEFAULT_SLAB_BYTES, capacityBytes);
    if (!Number.isSafeInteger(slabBytes) || slabBytes < MIN_BLOCK_BYTES || slabBytes > MAX_SLAB_BYTES || slabBytes % MIN_BLOCK_BYTES !== 0) {
      throw new ArgumentError(`options.slabBytes must be a multiple of ${MIN_BLOCK_BYTES} between ${MIN_BLOCK_BYTES} and ${MAX_SLAB_BYTES}, got ${slabBytes}`);
    }
    const buffers: SharedArrayBuffer[] = [];
    for (let left = capacityBytes; left > 0; left -= slabBytes) {
      const sab = new SharedArrayBuffer(Math.min(slabBytes, left));
      formatSlab(slabView(sab), sab.byteLength);
      buffers.push(sab);
    }
    const control = new SharedArrayBuffer(CONTROL_WORDS * 8);
    const words = new BigInt64Array(control);
    Atomics.store(words, C_SEQ, 1n);
    Atomics.store(words, C_MAGIC, CONTROL_MAGIC);
    return new RamSlabs(control, buffers);
  }

  /** Re-wrap slabs received from another thread; checks what it can. */
  static from(shared: RamSlabsShared): RamSlabs {
    if (!shared || !(shared.control instanceof SharedArrayBuffer) || shared.control.byteLength !== CONTROL_WORDS * 8) {
      throw new ArgumentError('slabs.control must be the SharedArrayBuffer made by RamSlabs.create');
    }
    if (Atomics.load(new BigInt64Array(shared.control), C_MAGIC) !== CONTROL_MAGIC) {
      throw new ArgumentError('slabs.control is not a RAM tier control block (bad magic)');
    }
    if (!Array.isArray(shared.slabs) || shared.slabs.length === 0) throw new ArgumentError('slabs.slabs must be a non-empty array');
    shared.slabs.forEach((s, i) => {
      if (!(s instanceof SharedArrayBuffer) || s.byteLength % MIN_BLOCK_BYTES !== 0 || s.byteLength === 0 || s.byteLength > MAX_SLAB_BYTES) {
        throw new ArgumentError(`slabs.slabs[${i}] must be a SharedArrayBuffer of a multiple of ${MIN_BLOCK_BYTES} bytes`);
      }
    });
    return new RamSlabs(shared.control, [...shared.slabs]);
  }

  /** The plain object to postMessage to another thread. */
  toShared(): RamSlabsShared {
    return { control: this.control, slabs: this.buffers };
  }

  /** Take ownership: returns the new owner's epoch (any older owner is now refused). */
  claim(): bigint {
    return Atomics.add(this.words, C_EPOCH, 1n) + 1n;
  }

  /** The epoch of the current owner. */
  owner(): bigint {
    return Atomics.load(this.words, C_EPOCH);
  }

  /** Give up ownership if still the owner (a later claim still wins). */
  release(epoch: bigint): void {
    Atomics.compareExchange(this.words, C_EPOCH, epoch, epoch + 1n);
  }

  /** The next put sequence number. */
  nextSeq(): number {
    return Number(Atomics.add(this.words, C_SEQ, 1n));
  }

  /** Make sure future sequence numbers exceed `seen` (after a scan). */
  raiseSeq(seen: number): void {
    const want = BigInt(seen) + 1n;
    for (;;) {
      const cur = Atomics.load(this.words, C_SEQ);
      if (cur >= want || Atomics.compareExchange(this.words, C_SEQ, cur, want) === cur) return;
    }
  }
}

/**
 * Cover a slab with free blocks: the binary decomposition of its size, largest
 * first, so every block is aligned to its own size (what buddy merging needs).
 */
function formatSlab(s: SlabView, bytes: number): void {
  let off = 0;
  for (let cls = MAX_CLASS; cls >= MIN_CLASS; cls--) {
    if (bytes - off >= 2 ** cls) {
      writeFree(s, off, cls);
      off += 2 ** cls;
    }
  }
}
