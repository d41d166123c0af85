import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors/index.js';
import { IdTable } from '../../src/runtime/id-table.js';
import { MAKERS, SPECS } from '../../src/runtime/envelope.js';
import { Rng } from '../../src/random/rng.js';

describe('IdTable', () => {
  it('behaves like a Map under random sets and takes, through growth and slot collisions', () => {
    const rng = new Rng(7);
    const t = new IdTable<string>();
    const m = new Map<number, string>();
    let next = 1;
    const live: number[] = [];
    for (let step = 0; step < 20_000; step++) {
      const r = rng.next();
      if (r < 0.5 || live.length === 0) {
        // Mostly sequential ids (as call ids are), sometimes a far one that lands on a held slot.
        const id = rng.next() < 0.9 ? next++ : next + 16 * rng.int(64);
        if (m.has(id)) continue;
        t.set(id, `v${id}`);
        m.set(id, `v${id}`);
        live.push(id);
      } else {
        const i = rng.int(live.length);
        const id = live[i];
        live[i] = live[live.length - 1];
        live.pop();
        expect(t.take(id)).toBe(m.get(id));
        m.delete(id);
        expect(t.take(id)).toBeUndefined();
      }
      if (step % 997 === 0) {
        expect(t.size).toBe(m.size);
        expect([...t.ids()].sort((a, b) => a - b)).toEqual([...m.keys()].sort((a, b) => a - b));
      }
    }
    for (const [id, v] of m) expect(t.get(id)).toBe(v);
    expect(t.size).toBe(m.size);
  });

  it('keeps a long-lived id while thousands of later ones come and go (the overflow path)', () => {
    const t = new IdTable<number>();
    t.set(1, 1);
    for (let id = 2; id < 5000; id++) {
      t.set(id, id);
      expect(t.delete(id)).toBe(true);
    }
    expect(t.get(1)).toBe(1);
    expect(t.has(5000)).toBe(false);
    expect(t.size).toBe(1);
  });

  it('replaces a value set twice, clears, and refuses ids that are not non-negative safe integers', () => {
    const t = new IdTable<string>();
    t.set(3, 'a');
    t.set(3, 'b');
    expect(t.size).toBe(1);
    expect(t.get(3)).toBe('b');
    t.clear();
    expect(t.size).toBe(0);
    expect(t.get(3)).toBeUndefined();
    expect(t.get(-1)).toBeUndefined();
    expect(t.get(1.5)).toBeUndefined();
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 60]) expect(() => t.set(bad, 'x')).toThrow(ArgumentError);
  });
});

describe('envelope makers', () => {
  it('build, for every kind, exactly the fields its spec lists, in order', () => {
    expect(MAKERS.length).toBe(SPECS.length);
    for (const spec of SPECS) {
      const values = spec.fields.map((f) => `value of ${f}`);
      const env = MAKERS[spec.code]([spec.code, ...values]);
      expect(Object.keys(env)).toEqual(['k', ...spec.fields]);
      expect(env.k).toBe(spec.k);
      spec.fields.forEach((f, i) => expect(env[f]).toBe(values[i]));
    }
  });
});
