/**
 * A buddy allocator over the slabs: power-of-two size classes from 4 KiB up
 * to the slab's largest block, one free list per class, split on allocate and
 * merged with the buddy on free. Blocks are aligned to their own size, so a
 * block's buddy is at `offset XOR size`, and every block boundary carries a
 * header: the free lists are rebuilt by walking the slabs.
 *
 * Crash safety of the pool itself: a split writes the upper half's header
 * before shrinking the lower one's class, a merge is a single store of the
 * lower block's class; either way an interrupted step leaves a walkable slab.
 */
import { IntegrityError } from '../../errors/index.js';
import { FREE, MAGIC, MIN_CLASS, readHeader, setClass, setState, stateOf, writeFree, type BlockHeader, type SlabView } from './record.js';

/** A block's address: slab index and offset packed in one number. */
export type Addr = number;
const STRIDE = 2 ** 31;

export function addrOf(slab: number, offset: number): Addr {
  return slab * STRIDE + offset;
}
export function slabOf(addr: Addr): number {
  return Math.floor(addr / STRIDE);
}
export function offsetOf(addr: Addr): number {
  return addr % STRIDE;
}

export interface PoolCounters {
  allocations: number;
  reuses: number;
  splits: number;
  merges: number;
}

export class BuddyPool {
  private readonly views: readonly SlabView[];
  private readonly sizes: readonly number[];
  /** free[cls] = addresses of free blocks of that class, in insertion order. */
  private readonly free: Set<Addr>[] = [];
  private readonly maxClass: number;
  private freeBytesTotal = 0;
  /** reuses: allocations served by a free block of exactly the asked class (no split). */
  readonly counters: PoolCounters = { allocations: 0, reuses: 0, splits: 0, merges: 0 };

  constructor(views: readonly SlabView[], sizes: readonly number[]) {
    this.views = views;
    this.sizes = sizes;
    let max = MIN_CLASS;
    for (const size of sizes) while (2 ** (max + 1) <= size) max++;
    this.maxClass = max;
    for (let c = 0; c <= max; c++) this.free.push(new Set());
  }

  /** The largest class any slab can hold. */
  get largestClass(): number {
    return this.maxClass;
  }

  get freeBytes(): number {
    return this.freeBytesTotal;
  }

  /** Size of the largest free block (0 when none). */
  largestFree(): number {
    for (let c = this.maxClass; c >= MIN_CLASS; c--) if (this.free[c].size > 0) return 2 ** c;
    return 0;
  }

  freeBlocks(): number {
    let n = 0;
    for (let c = MIN_CLASS; c <= this.maxClass; c++) n += this.free[c].size;
    return n;
  }

  /**
   * Walk every slab, calling `onUsed` for each non-free block; free blocks go
   * on the free lists and are merged with free buddies (an interrupted free
   * or merge leaves unmerged buddies behind).
   */
  scan(onUsed: (addr: Addr, h: BlockHeader) => void): void {
    for (let c = 0; c <= this.maxClass; c++) this.free[c].clear();
    this.freeBytesTotal = 0;
    const found: [Addr, number][] = [];
    this.views.forEach((v, slab) => {
      const size = this.sizes[slab];
      let off = 0;
      while (off < size) {
        const h = readHeader(v, off);
        const bytes = 2 ** h.cls;
        if (h.magic !== MAGIC || !(h.cls >= MIN_CLASS && h.cls <= this.maxClass) || off % bytes !== 0 || off + bytes > size) {
          throw new IntegrityError(`ram slab ${slab} offset ${off}`, `block header is not valid (magic ${h.magic.toString(16)}, class ${h.cls})`);
        }
        if (h.state === FREE) found.push([addrOf(slab, off), h.cls]);
        else onUsed(addrOf(slab, off), h);
        off += bytes;
      }
    });
    for (const [addr, cls] of found) this.insertFree(addr, cls);
    for (const [addr, cls] of found) if (this.free[cls].has(addr)) this.coalesce(addr, cls);
  }

  /** Take a block of class `cls`, splitting a larger one if needed; undefined when none fits. */
  allocate(cls: number): Addr | undefined {
    let c = cls;
    while (c <= this.maxClass && this.free[c].size === 0) c++;
    if (c > this.maxClass) return undefined;
    if (c === cls) this.counters.reuses++; // a block of exactly this class was waiting
    const addr: Addr = this.free[c].values().next().value!;
    this.removeFree(addr, c);
    const v = this.views[slabOf(addr)];
    const off = offsetOf(addr);
    while (c > cls) {
      c--;
      writeFree(v, off + 2 ** c, c); // upper half first: the old header still covers it
      this.insertFree(addr + 2 ** c, c);
      setClass(v, off, c);
      this.counters.splits++;
    }
    this.counters.allocations++;
    if (stateOf(v, off) !== FREE) throw new IntegrityError(`ram block ${addr}`, 'allocated a block that is not free');
    return addr;
  }

  /** Return a block (any state) to the pool, merging with its buddies. */
  release(addr: Addr, cls: number): void {
    const v = this.views[slabOf(addr)];
    setState(v, offsetOf(addr), FREE);
    this.insertFree(addr, cls);
    this.coalesce(addr, cls);
  }

  /** Merge the free block at `addr` with free buddies as far as they go. */
  private coalesce(addr: Addr, cls: number): void {
    const slab = slabOf(addr);
    const v = this.views[slab];
    const size = this.sizes[slab];
    let off = offsetOf(addr);
    let c = cls;
    while (c < this.maxClass) {
      const bytes = 2 ** c;
      const buddy = off ^ bytes;
      if (buddy + bytes > size || !this.free[c].has(addrOf(slab, buddy))) break;
      this.removeFree(addrOf(slab, off), c);
      this.removeFree(addrOf(slab, buddy), c);
      off = Math.min(off, buddy);
      setClass(v, off, c + 1); // one store covers both halves
      c++;
      this.insertFree(addrOf(slab, off), c);
      this.counters.merges++;
    }
  }

  private insertFree(addr: Addr, cls: number): void {
    this.free[cls].add(addr);
    this.freeBytesTotal += 2 ** cls;
  }

  private removeFree(addr: Addr, cls: number): void {
    this.free[cls].delete(addr);
    this.freeBytesTotal -= 2 ** cls;
  }
}
