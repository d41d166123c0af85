/**
 * The shared tier driver conformance suite. Every driver (ram, disk, gpu, …)
 * runs it from its own test file:
 *
 *   tierConformance('ram', async () => ({ driver, cleanup, capacityBytes }));
 *
 * `make` returns a fresh, NOT yet started driver whose budget is
 * `capacityBytes` (at least 16 MiB: the suite stores a few-MiB blob), and a
 * `cleanup` that frees whatever the driver left behind (directories, slabs,
 * devices). The suite starts the driver, and stops it before `cleanup`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArgumentError, CapacityError, TensorhiveError } from '../../src/errors/index.js';
import { MAX_KEY_BYTES, type TierDriver } from '../../src/tiers/driver.js';
import { Rng } from '../../src/random/rng.js';
import { expectExact, rejection } from './fixtures/conformance-helpers.js';

export interface TierUnderTest {
  driver: TierDriver;
  cleanup(): Promise<void>;
  capacityBytes: number;
}

const MiB = 1024 * 1024;

export function tierConformance(name: string, make: () => Promise<TierUnderTest>): void {
  describe(`tier conformance: ${name}`, () => {
    let t: TierUnderTest;
    let driver: TierDriver;
    let rng: Rng;
    let started = false;

    beforeEach(async () => {
      t = await make();
      driver = t.driver;
      rng = new Rng(0x7e5);
      await driver.start();
      started = true;
    });

    afterEach(async () => {
      if (started) await driver.stop();
      started = false;
      await t.cleanup();
    });

    it('declares flags that match its optional methods', () => {
      expect(typeof driver.name).toBe('string');
      expect(['gpu', 'ram', 'disk', 'remote']).toContain(driver.flags.kind);
      expect(typeof driver.sync === 'function').toBe(driver.flags.sync);
      expect(typeof driver.compact === 'function').toBe(driver.flags.compaction);
    });

    it('starts empty and reports its stats', async () => {
      const st = await driver.stats();
      expect(st.name).toBe(driver.name);
      expect(st.kind).toBe(driver.flags.kind);
      expect(st.capacityBytes).toBe(t.capacityBytes);
      expect(st.usedBytes).toBe(0);
      expect(st.entries).toBe(0);
      expect(st.footprintBytes).toBeGreaterThanOrEqual(0);
      expect(await driver.keys()).toEqual([]);
      expect(await driver.get('absent')).toBeUndefined();
      expect(await driver.has('absent')).toBe(false);
      expect(await driver.delete('absent')).toBe(false);
    });

    it('puts, gets, has, deletes and lists keys', async () => {
      const a = rng.bytes(1000);
      const b = rng.bytes(5000);
      await driver.put('a', a);
      await driver.put('b', b);
      expect(await driver.has('a')).toBe(true);
      await expectExact(driver, new Map([['a', a], ['b', b]]));
      expect(await driver.delete('a')).toBe(true);
      expect(await driver.delete('a')).toBe(false);
      expect(await driver.has('a')).toBe(false);
      expect(await driver.get('a')).toBeUndefined();
      await expectExact(driver, new Map([['b', b]]));
      const st = await driver.stats();
      expect(st.footprintBytes).toBeGreaterThanOrEqual(st.usedBytes);
    });

    it('returns a copy the caller owns and keeps none of the caller’s input', async () => {
      const input = rng.bytes(4096);
      const original = input.slice();
      await driver.put('k', input);
      input.fill(0xaa); // mutating the input after put resolved changes nothing stored
      const first = (await driver.get('k'))!;
      expect(Buffer.from(first).equals(Buffer.from(original))).toBe(true);
      first.fill(0x55); // mutating what get returned changes nothing stored
      const second = (await driver.get('k'))!;
      expect(Buffer.from(second).equals(Buffer.from(original))).toBe(true);
      expect(second).not.toBe(first);
    });

    it('stores a view at an offset exactly (only the view’s bytes)', async () => {
      const backing = rng.bytes(3000);
      const view = backing.subarray(123, 2123);
      await driver.put('view', view);
      await expectExact(driver, new Map([['view', backing.slice(123, 2123)]]));
    });

    it('overwrites replace the value and usedBytes follows', async () => {
      const values = new Map<string, Uint8Array>();
      values.set('x', rng.bytes(10_000));
      values.set('y', rng.bytes(777));
      for (const [k, v] of values) await driver.put(k, v);
      await expectExact(driver, values);
      values.set('x', rng.bytes(300)); // smaller
      await driver.put('x', values.get('x')!);
      await expectExact(driver, values);
      values.set('x', rng.bytes(70_000)); // larger
      await driver.put('x', values.get('x')!);
      await expectExact(driver, values);
      values.set('y', new Uint8Array(0)); // empty
      await driver.put('y', values.get('y')!);
      await expectExact(driver, values);
    });

    it('allows an empty blob', async () => {
      await driver.put('empty', new Uint8Array(0));
      expect(await driver.has('empty')).toBe(true);
      const got = await driver.get('empty');
      expect(got).toBeInstanceOf(Uint8Array);
      expect(got!.byteLength).toBe(0);
      const st = await driver.stats();
      expect(st.entries).toBe(1);
      expect(st.usedBytes).toBe(0);
    });

    it('rejects bad keys with ArgumentError on every method', async () => {
      const bad: unknown[] = ['', 'a\0b', 'k'.repeat(MAX_KEY_BYTES + 1), 'é'.repeat(MAX_KEY_BYTES / 2 + 1), 42, undefined, null];
      for (const key of bad) {
        const k = key as string;
        expect(await rejection(() => driver.put(k, new Uint8Array(4)))).toBeInstanceOf(ArgumentError);
        expect(await rejection(() => driver.get(k))).toBeInstanceOf(ArgumentError);
        expect(await rejection(() => driver.has(k))).toBeInstanceOf(ArgumentError);
        expect(await rejection(() => driver.delete(k))).toBeInstanceOf(ArgumentError);
      }
      expect(await driver.keys()).toEqual([]);
      expect((await driver.stats()).entries).toBe(0);
    });

    it('rejects a blob that is not a Uint8Array with ArgumentError', async () => {
      for (const blob of [undefined, null, 'bytes', [1, 2, 3], new Float32Array(4)]) {
        expect(await rejection(() => driver.put('k', blob as unknown as Uint8Array))).toBeInstanceOf(ArgumentError);
      }
      expect(await driver.has('k')).toBe(false);
    });

    it('accepts any valid key: path-like, unicode, longest', async () => {
      const values = new Map<string, Uint8Array>();
      for (const k of ['../../etc/passwd', '/abs/path', 'a/b\\c', 'with space', 'ünïcødé/张量', '.', '..', 'k'.repeat(MAX_KEY_BYTES)]) {
        values.set(k, rng.bytes(16 + rng.int(64)));
      }
      for (const [k, v] of values) await driver.put(k, v);
      await expectExact(driver, values);
    });

    it('holds many keys', async () => {
      const values = new Map<string, Uint8Array>();
      for (let i = 0; i < 300; i++) values.set(`layer.${i}.weight`, rng.bytes(rng.int(2000)));
      for (const [k, v] of values) await driver.put(k, v);
      await expectExact(driver, values);
      for (let i = 0; i < 300; i += 3) {
        expect(await driver.delete(`layer.${i}.weight`)).toBe(true);
        values.delete(`layer.${i}.weight`);
      }
      await expectExact(driver, values);
    });

    it('holds a large blob (a few MiB) exactly', async () => {
      const big = rng.bytes(3 * MiB + 17);
      await driver.put('big', big);
      await expectExact(driver, new Map([['big', big]]));
    });

    it('keeps every value exact under concurrent puts and gets of different keys', async () => {
      const values = new Map<string, Uint8Array>();
      for (let i = 0; i < 64; i++) values.set(`c${i}`, rng.bytes(100 + rng.int(20_000)));
      await Promise.all([...values].map(([k, v]) => driver.put(k, v)));
      const got = await Promise.all([...values.keys()].map((k) => driver.get(k)));
      [...values.values()].forEach((v, i) => expect(Buffer.from(got[i]!).equals(Buffer.from(v))).toBe(true));
      // Mixed: overwrite half while reading the other half.
      const next = new Map(values);
      const ops: Promise<unknown>[] = [];
      let i = 0;
      for (const [k, v] of values) {
        if (i++ % 2 === 0) {
          const nv = rng.bytes(50 + rng.int(5000));
          next.set(k, nv);
          ops.push(driver.put(k, nv));
        } else {
          ops.push(driver.get(k).then((g) => expect(Buffer.from(g!).equals(Buffer.from(v))).toBe(true)));
        }
      }
      await Promise.all(ops);
      await expectExact(driver, next);
    });

    it('refuses a put beyond capacity with CapacityError, storing and losing nothing', async () => {
      const keep = rng.bytes(1000);
      await driver.put('keep', keep);
      const err = await rejection(() => driver.put('huge', new Uint8Array(t.capacityBytes + 1)));
      expect(err).toBeInstanceOf(CapacityError);
      expect(await driver.has('huge')).toBe(false);
      // An overwrite that does not fit leaves the old value.
      expect(await rejection(() => driver.put('keep', new Uint8Array(t.capacityBytes + 1)))).toBeInstanceOf(CapacityError);
      await expectExact(driver, new Map([['keep', keep]]));
    });

    it('fills up to capacity, then refuses without losing what it holds', async () => {
      const chunk = Math.floor(t.capacityBytes / 8);
      const values = new Map<string, Uint8Array>();
      let refused: unknown;
      for (let i = 0; i < 64 && refused === undefined; i++) {
        const v = rng.bytes(chunk);
        try {
          await driver.put(`fill${i}`, v);
          values.set(`fill${i}`, v);
        } catch (err) {
          refused = err;
          expect(await driver.has(`fill${i}`)).toBe(false);
        }
      }
      expect(refused).toBeInstanceOf(CapacityError);
      expect(values.size).toBeGreaterThan(0);
      await expectExact(driver, values);
      const st = await driver.stats();
      expect(st.usedBytes).toBeLessThanOrEqual(st.capacityBytes);
      // Space freed by a delete can be used again.
      const [first] = values.keys();
      await driver.delete(first);
      values.delete(first);
      const again = rng.bytes(chunk);
      await driver.put('again', again);
      values.set('again', again);
      await expectExact(driver, values);
    });

    it('stops and starts again; keeps its data when persistent or reattachable', async () => {
      const values = new Map<string, Uint8Array>();
      for (let i = 0; i < 20; i++) values.set(`p${i}`, rng.bytes(rng.int(30_000)));
      for (const [k, v] of values) await driver.put(k, v);
      await driver.delete('p3');
      values.delete('p3');
      await driver.stop();
      started = false;
      await driver.start();
      started = true;
      if (driver.flags.persistent || driver.flags.reattachable) {
        await expectExact(driver, values);
      }
      // Usable after a restart either way.
      const v = rng.bytes(1234);
      await driver.put('after', v);
      expect(Buffer.from((await driver.get('after'))!).equals(Buffer.from(v))).toBe(true);
    });

    it('rejects calls after stop with a typed error', async () => {
      await driver.put('k', new Uint8Array(8));
      await driver.stop();
      started = false;
      expect(await rejection(() => driver.get('k'))).toBeInstanceOf(TensorhiveError);
      expect(await rejection(() => driver.put('k', new Uint8Array(8)))).toBeInstanceOf(TensorhiveError);
    });

    it('sync (when declared) resolves and keeps values', async () => {
      if (!driver.flags.sync) {
        expect(driver.sync).toBeUndefined();
        return;
      }
      const v = rng.bytes(5000);
      await driver.put('s', v);
      await driver.sync!();
      await expectExact(driver, new Map([['s', v]]));
    });

    it('compact (when declared) keeps every live value and does not grow the footprint', async () => {
      if (!driver.flags.compaction) {
        expect(driver.compact).toBeUndefined();
        return;
      }
      const values = new Map<string, Uint8Array>();
      for (let i = 0; i < 40; i++) values.set(`m${i}`, rng.bytes(2000 + rng.int(8000)));
      for (const [k, v] of values) await driver.put(k, v);
      for (let i = 0; i < 40; i += 2) {
        const nv = rng.bytes(1000);
        values.set(`m${i}`, nv);
        await driver.put(`m${i}`, nv);
      }
      for (let i = 1; i < 40; i += 4) {
        await driver.delete(`m${i}`);
        values.delete(`m${i}`);
      }
      const before = await driver.stats();
      await driver.compact!();
      const after = await driver.stats();
      expect(after.footprintBytes).toBeLessThanOrEqual(before.footprintBytes);
      await expectExact(driver, values);
    });
  });
}
