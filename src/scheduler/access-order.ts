/**
 * The recorded global access order, for tensors read in a known cycle (layer
 * streaming). The first pass is learned from the accesses; after that a
 * cursor follows the cycle, so a policy can ask how far away a chunk's next
 * use is (reuse distance) and the prefetcher what comes next.
 *
 * A pass ends when the pass's first chunk is accessed again (auto detection)
 * or when the hive calls `finishCycle()`. A pass that reads its first chunk
 * twice should use `finishCycle()`.
 */
import { ArgumentError } from '../errors/index.js';

export interface AccessOrderOptions {
  /** Longest cycle learned; a longer stream is forgotten and learning restarts. Default 1 Mi. */
  readonly maxLength?: number;
  /** End the pass when its first chunk comes round again. Default true. */
  readonly autoDetect?: boolean;
}

export class AccessOrder {
  private readonly maxLength: number;
  private readonly autoDetect: boolean;
  private log: string[] = [];
  private ids: string[] = [];
  private positions = new Map<string, number[]>();
  private cursorAt = -1;
  /** Accesses, after learning, that did not follow the recorded order. */
  offOrder = 0;
  /** Passes over the cycle begun so far (the learning pass included). */
  passes = 0;

  constructor(options: AccessOrderOptions = {}) {
    const max = options.maxLength ?? 1 << 20;
    if (!Number.isSafeInteger(max) || max < 1) {
      throw new ArgumentError(`options.maxLength must be a positive integer, got ${String(options.maxLength)}`);
    }
    this.maxLength = max;
    this.autoDetect = options.autoDetect ?? true;
  }

  get learned(): boolean {
    return this.ids.length > 0;
  }

  /** The learned cycle (empty until learned). */
  get cycle(): readonly string[] {
    return this.ids;
  }

  /** Position in the cycle of the latest access; -1 before any. */
  get cursor(): number {
    return this.cursorAt;
  }

  record(id: string): void {
    if (!this.learned) {
      if (this.autoDetect && this.log.length > 0 && id === this.log[0]) {
        this.finishCycle();
        this.follow(id);
        return;
      }
      if (this.log.length >= this.maxLength) this.log = [];
      this.log.push(id);
      return;
    }
    this.follow(id);
  }

  /** Take the accesses recorded so far as one full pass. False when there were none. */
  finishCycle(): boolean {
    if (this.learned) return true;
    if (this.log.length === 0) return false;
    this.ids = this.log;
    this.log = [];
    this.positions = new Map();
    for (let i = 0; i < this.ids.length; i++) {
      const list = this.positions.get(this.ids[i]);
      if (list) list.push(i);
      else this.positions.set(this.ids[i], [i]);
    }
    this.cursorAt = this.ids.length - 1;
    this.passes = 1;
    return true;
  }

  /** Forget the cycle and learn again from the next access. */
  reset(): void {
    this.log = [];
    this.ids = [];
    this.positions = new Map();
    this.cursorAt = -1;
    this.offOrder = 0;
    this.passes = 0;
  }

  /** Whether `id` occurs in the learned cycle. */
  includes(id: string): boolean {
    return this.positions.has(id);
  }

  /**
   * Steps from the cursor to `id`'s next use in the cycle (1..length), or
   * Infinity when it is not in the cycle or nothing is learned yet.
   */
  nextUseDistance(id: string): number {
    const list = this.positions.get(id);
    if (!list) return Infinity;
    const p = firstAfter(list, this.cursorAt);
    return p === undefined ? list[0] + this.ids.length - this.cursorAt : p - this.cursorAt;
  }

  /**
   * The next `k` distinct chunk ids of the cycle after `afterId` (after the
   * cursor when it is not given or not in the cycle), never `afterId` itself.
   */
  upcoming(k: number, afterId?: string): string[] {
    const n = this.ids.length;
    if (n === 0 || k <= 0) return [];
    let from = this.cursorAt;
    if (afterId !== undefined) {
      const list = this.positions.get(afterId);
      if (list && this.ids[from] !== afterId) from = firstAfter(list, from) ?? list[0];
    }
    const out: string[] = [];
    const seen = new Set<string>(afterId === undefined ? [] : [afterId]);
    for (let step = 1; step <= n && out.length < k; step++) {
      const id = this.ids[(from + step) % n];
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(id);
    }
    return out;
  }

  private follow(id: string): void {
    const n = this.ids.length;
    const expected = (this.cursorAt + 1) % n;
    if (this.ids[expected] === id) {
      this.cursorAt = expected;
      if (expected === 0) this.passes++;
      return;
    }
    this.offOrder++;
    const list = this.positions.get(id);
    if (!list) return;
    const p = firstAfter(list, this.cursorAt);
    if (p === undefined) this.passes++;
    this.cursorAt = p ?? list[0];
  }
}

/** The first element of the ascending `list` greater than `x`. */
function firstAfter(list: readonly number[], x: number): number | undefined {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo < list.length ? list[lo] : undefined;
}
