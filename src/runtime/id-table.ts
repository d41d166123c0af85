/**
 * A table keyed by the runtime's own sequential integer ids (call ids): what a
 * `Map<number, V>` does for pending calls, minus the GC trap a Map or Set falls
 * into on this path.
 *
 * Why not a Map or Set: a pending-call registry lives long (old generation)
 * and goes from one entry back to none on every call. V8 shrinks an emptied
 * Map/Set's hash table on delete and allocates the new table in OLD space; an
 * old-space allocation checks the incremental-marking limit, and V8 11 counts
 * the external memory that arrived since the last full GC (the blobs a reply
 * just moved here) against that limit. So a reply that brings 64 MiB of blobs
 * and deletes its call id started a full GC nearly every time. Measured with
 * bench/runtime-gc.ts (1 MiB x 64 per burst, bare postMessage): 418 µs per
 * burst and no full GCs bare; one Set add/delete per burst 1818 µs and 0.11
 * full GCs per burst; a Map 3229 µs, 0.20 (docs/runtime.md).
 *
 * This table allocates nothing per set/delete in the steady state: id `i`
 * lives in slot `i % capacity` (ids are sequential, so live ids rarely share
 * a slot); an id whose slot holds another live id (a call that outlives
 * `capacity` later ones) goes to a small overflow Map. The slots double when
 * more than half are live and never shrink: memory follows the peak number of
 * calls in flight, not the number of calls made. Values must not be undefined.
 */
import { ArgumentError } from '../errors/index.js';

const INITIAL = 16;

export class IdTable<V> {
  private capacity = INITIAL;
  /** Float64Array: ids past 2^30 stay unboxed (no heap number per store). */
  private keys = new Float64Array(INITIAL);
  private values: (V | undefined)[] = new Array<V | undefined>(INITIAL).fill(undefined);
  private inSlots = 0;
  private overflow: Map<number, V> | undefined;

  get size(): number {
    return this.inSlots + (this.overflow === undefined ? 0 : this.overflow.size);
  }

  /** Add or replace. `id` must be a non-negative safe integer. */
  set(id: number, value: V): void {
    if (!Number.isSafeInteger(id) || id < 0) throw new ArgumentError(`id must be a non-negative safe integer, got ${id}`);
    const i = id % this.capacity;
    const held = this.values[i];
    if (held !== undefined && this.keys[i] === id) {
      this.values[i] = value;
      return;
    }
    if (this.overflow !== undefined && this.overflow.has(id)) {
      this.overflow.set(id, value);
      return;
    }
    if (held !== undefined) {
      (this.overflow ??= new Map()).set(id, value);
      return;
    }
    this.keys[i] = id;
    this.values[i] = value;
    if (++this.inSlots * 2 > this.capacity) this.grow();
  }

  get(id: number): V | undefined {
    const i = this.slotOf(id);
    if (i >= 0) return this.values[i];
    return this.overflow === undefined ? undefined : this.overflow.get(id);
  }

  has(id: number): boolean {
    return this.get(id) !== undefined;
  }

  /** Remove `id` and return its value (undefined if absent). */
  take(id: number): V | undefined {
    const i = this.slotOf(id);
    if (i >= 0) {
      const v = this.values[i];
      this.values[i] = undefined;
      this.inSlots--;
      return v;
    }
    const o = this.overflow;
    if (o === undefined) return undefined;
    const v = o.get(id);
    if (v !== undefined) {
      o.delete(id);
      if (o.size === 0) this.overflow = undefined;
    }
    return v;
  }

  delete(id: number): boolean {
    return this.take(id) !== undefined;
  }

  /** Every id held, in no particular order (a copy: the table may change while the caller walks it). */
  ids(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.capacity; i++) if (this.values[i] !== undefined) out.push(this.keys[i]);
    if (this.overflow !== undefined) for (const id of this.overflow.keys()) out.push(id);
    return out;
  }

  clear(): void {
    this.values.fill(undefined);
    this.inSlots = 0;
    this.overflow = undefined;
  }

  /** The slot holding `id`, or -1 (also for ids this table could never hold). */
  private slotOf(id: number): number {
    if (!Number.isSafeInteger(id) || id < 0) return -1;
    const i = id % this.capacity;
    return this.values[i] !== undefined && this.keys[i] === id ? i : -1;
  }

  /** Double the slots; entries that now collide (and overflowed ones that now fit) are placed again. */
  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    const oldOverflow = this.overflow;
    this.capacity *= 2;
    this.keys = new Float64Array(this.capacity);
    this.values = new Array<V | undefined>(this.capacity).fill(undefined);
    this.inSlots = 0;
    this.overflow = undefined;
    for (let i = 0; i < oldValues.length; i++) {
      const v = oldValues[i];
      if (v !== undefined) this.place(oldKeys[i], v);
    }
    if (oldOverflow !== undefined) for (const [id, v] of oldOverflow) this.place(id, v);
  }

  private place(id: number, v: V): void {
    const i = id % this.capacity;
    if (this.values[i] === undefined) {
      this.keys[i] = id;
      this.values[i] = v;
      this.inSlots++;
    } else (this.overflow ??= new Map()).set(id, v);
  }
}
