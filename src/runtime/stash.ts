/**
 * Messages held while an actor has no live incarnation (starting or
 * restarting). Bounded; what does not fit is handed back to the caller to be
 * dead-lettered, never dropped silently.
 */
import type { Delivery } from './host.js';

export const DEFAULT_STASH_CAPACITY = 1000;

export class Stash {
  private items: Delivery[] = [];
  overflowed = 0;

  constructor(readonly capacity: number = DEFAULT_STASH_CAPACITY) {}

  get size(): number {
    return this.items.length;
  }

  /** False (and counted) when full. */
  push(d: Delivery): boolean {
    if (this.items.length >= this.capacity) {
      this.overflowed++;
      return false;
    }
    this.items.push(d);
    return true;
  }

  /** Put carried-over messages first (they were sent earlier); returns those that did not fit. */
  prepend(ds: Delivery[]): Delivery[] {
    if (ds.length === 0) return [];
    const room = Math.max(0, this.capacity - this.items.length);
    const keep = ds.slice(0, room);
    this.items = keep.concat(this.items);
    const lost = ds.slice(room);
    this.overflowed += lost.length;
    return lost;
  }

  takeAll(): Delivery[] {
    const out = this.items;
    this.items = [];
    return out;
  }
}
