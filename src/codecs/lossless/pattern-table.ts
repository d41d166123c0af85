/**
 * An open-addressing hash table from element bit patterns (up to 64 bits, as
 * two u32 halves) to dense codes 0..k-1 in first-seen order. Typed arrays
 * only: no allocation per element. The table is sized for `maxDistinct`
 * entries at ≤ 50 % load, capped by the element count, so small tensors get
 * small tables.
 */
export class PatternTable {
  private readonly lo: Uint32Array;
  private readonly hi: Uint32Array;
  /** code + 1 per slot; 0 = empty. */
  private readonly slot: Int32Array;
  private readonly mask: number;
  /** Patterns by code. */
  readonly codesLo: Uint32Array;
  readonly codesHi: Uint32Array;
  size = 0;

  constructor(readonly maxDistinct: number, elements: number) {
    const want = Math.max(4, 2 * Math.min(maxDistinct, elements));
    let cap = 4;
    while (cap < want) cap *= 2;
    this.lo = new Uint32Array(cap);
    this.hi = new Uint32Array(cap);
    this.slot = new Int32Array(cap);
    this.mask = cap - 1;
    const codes = Math.min(maxDistinct, elements);
    this.codesLo = new Uint32Array(codes);
    this.codesHi = new Uint32Array(codes);
  }

  /** The pattern's code, inserting it when new; -1 when it is new and the table is full. */
  codeOf(lo: number, hi: number): number {
    let h = (Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b) >>> 15) & this.mask;
    for (;;) {
      const s = this.slot[h];
      if (s === 0) {
        if (this.size >= this.codesLo.length) return -1;
        const code = this.size++;
        this.slot[h] = code + 1;
        this.lo[h] = lo;
        this.hi[h] = hi;
        this.codesLo[code] = lo;
        this.codesHi[code] = hi;
        return code;
      }
      if (this.lo[h] === lo && this.hi[h] === hi) return s - 1;
      h = (h + 1) & this.mask;
    }
  }
}
