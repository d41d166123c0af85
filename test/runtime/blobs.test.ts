import { MessageChannel } from 'node:worker_threads';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { FormatError } from '../../src/errors/index.js';
import { ActorSystem, decode, encode, worker, type ToWorker } from '../../src/runtime/index.js';
import { Channel } from '../../src/runtime/channel.js';
import * as protocol from '../../src/runtime/protocol.js';

const { decodeAll } = protocol;
import { weightedSum, type BlobMsg, type Echoed, type Flushed } from './fixtures/blob-actor.js';

const MiB = 1 << 20;
const SIZES = [0, 1, 3, 8, 4095, 65_537, MiB, 8 * MiB];

/** A buffer of `n` bytes whose content depends on `seed`. */
function filled(n: number, seed: number): ArrayBuffer {
  const b = new ArrayBuffer(n);
  const u = new Uint8Array(b);
  for (let i = 0; i < n; i++) u[i] = (i * 31 + seed) & 0xff;
  return b;
}

const sumOf = (b: ArrayBuffer | ArrayBufferView): number =>
  weightedSum(ArrayBuffer.isView(b) ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : new Uint8Array(b));

const sendOf = (msg: unknown): ToWorker => ({ k: 'send', msg });

describe('protocol: blobs cut out and put back (one thread)', () => {
  it('round-trips buffers of many sizes and every view kind: the same buffers come back, the message is not changed', () => {
    const bufs = SIZES.map((n, i) => filled(n, i));
    const base = filled(64, 9);
    const views = {
      f32: new Float32Array(base, 8, 4),
      i16: new Int16Array(base, 2, 3),
      dv: new DataView(base, 5, 7),
      buf: Buffer.from(base, 1, 10),
      big: new BigInt64Array(base, 16, 2),
    };
    const msg = { bufs, views, nested: [{ again: bufs[3] }], plain: { n: 1, s: 'x' } };
    const snapshot = { bufs: [...msg.bufs], views: { ...msg.views }, nested: msg.nested[0], plain: msg.plain };
    const { wire, transferList } = encode(sendOf(msg), [...bufs, base]);
    expect(new Set(transferList)).toEqual(new Set([...bufs, base]));
    // The caller's message object is left as it was (markers go into copies).
    expect(msg.bufs).toEqual(snapshot.bufs);
    expect(msg.bufs[0]).toBe(bufs[0]);
    expect(msg.views).toEqual(snapshot.views);
    expect(msg.nested[0]).toBe(snapshot.nested);
    expect(msg.nested[0].again).toBe(bufs[3]);
    const got = decode<ToWorker>(wire) as { k: 'send'; msg: typeof msg };
    got.msg.bufs.forEach((b, i) => expect(b).toBe(bufs[i])); // not copied
    expect(got.msg.nested[0].again).toBe(bufs[3]);
    expect(got.msg.plain).toEqual({ n: 1, s: 'x' });
    for (const [k, v] of Object.entries(views)) {
      const back = got.msg.views[k as keyof typeof views];
      expect(back.constructor).toBe(v.constructor);
      expect(back.buffer).toBe(base);
      expect(back.byteOffset).toBe(v.byteOffset);
      expect(back.byteLength).toBe(v.byteLength);
    }
    expect(Buffer.isBuffer(got.msg.views.buf)).toBe(true);
  });

  it('copies what is not listed and leaves it attached; a key named like an old marker is plain data', () => {
    const buf = filled(32, 3);
    const { wire, transferList } = encode(sendOf({ buf, $thblob: 0 }));
    expect(typeof wire).toBe('string');
    expect(transferList).toEqual([]);
    const got = (decode<ToWorker>(wire) as { msg: { buf: ArrayBuffer; $thblob: number } }).msg;
    expect(got.buf).not.toBe(buf);
    expect(sumOf(got.buf)).toBe(sumOf(buf));
    expect(buf.byteLength).toBe(32);
    expect(got.$thblob).toBe(0);
  });

  it('refuses blob markers that fit no blob with FormatError', () => {
    const a = filled(16, 1);
    const b = filled(16, 2);
    const two = encode(sendOf({ a, v: new Float64Array(b, 8, 1) }), [a, b]).wire as readonly [string, ...ArrayBuffer[]];
    expect(() => decodeAll(two[0])).toThrow(FormatError); // markers, but no blobs rode along
    expect(() => decodeAll([two[0], two[1]])).toThrow(/marker 1 has no blob/);
    expect(() => decodeAll([two[0], two[1], new SharedArrayBuffer(16)])).not.toThrow();
    expect(() => decodeAll([two[0], two[1], new ArrayBuffer(12)])).toThrow(/does not fit/);
    expect(() => decodeAll([two[0], two[1], 'not a blob'])).toThrow(FormatError);
  });
});

describe('two copies of the protocol module in one process', () => {
  it('each decodes what either encodes, though msgpackr keeps one marker extension for both', async () => {
    vi.resetModules();
    const other = (await import('../../src/runtime/protocol.js')) as typeof protocol;
    expect(other).not.toBe(protocol);
    for (const [enc, dec] of [[protocol, other], [other, protocol], [protocol, protocol], [other, other]] as const) {
      const buf = filled(24, 5);
      const { wire } = enc.encode(sendOf({ v: new Uint32Array(buf, 4, 2), buf }), [buf]);
      const got = (dec.decode<ToWorker>(wire) as { msg: { v: Uint32Array; buf: ArrayBuffer } }).msg;
      expect(got.buf).toBe(buf);
      expect(got.v.buffer).toBe(buf);
      expect(got.v.byteOffset).toBe(4);
    }
  });
});

describe('channel over a real MessagePort', () => {
  it('moves listed buffers (detached at once), shares SharedArrayBuffers, keeps the order', async () => {
    const { port1, port2 } = new MessageChannel();
    const got: unknown[] = [];
    const all = new Promise<void>((resolve) => {
      port2.on('message', (data: unknown) => {
        for (const env of decodeAll<ToWorker>(data)) got.push(env.k === 'send' ? env.msg : env.k);
        if (got.length === 6) resolve();
      });
    });
    const ch = new Channel(port1);
    const sab = new SharedArrayBuffer(16);
    const seen = new Int32Array(sab);
    const moved = SIZES.slice(0, 4).map((n, i) => filled(n, i));
    ch.post(sendOf({ i: 0 }));
    ch.post(sendOf({ i: 1, blob: moved[1] }), [moved[1]]);
    expect(moved[1].byteLength).toBe(0);
    ch.post(sendOf({ i: 2 }));
    ch.post(sendOf({ i: 3, shared: seen }));
    ch.post(sendOf({ i: 4, views: [new Uint8Array(moved[2]), new Uint8Array(moved[3], 1)] }), [moved[2], moved[3]]);
    expect(moved[2].byteLength + moved[3].byteLength).toBe(0);
    ch.post(sendOf({ i: 5 }));
    await all;
    port1.close();
    expect(got.map((m) => (m as { i: number }).i)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(sumOf((got[1] as { blob: ArrayBuffer }).blob)).toBe(sumOf(filled(1, 1)));
    const views = (got[4] as { views: Uint8Array[] }).views;
    expect(views[1].byteOffset).toBe(1);
    expect(sumOf(views[0])).toBe(sumOf(filled(3, 2)));
    const theirs = (got[3] as { shared: Int32Array }).shared;
    expect(theirs.buffer).toBeInstanceOf(SharedArrayBuffer);
    Atomics.store(theirs, 2, 42);
    expect(Atomics.load(seen, 2)).toBe(42); // the same memory, not a copy
  });
});

describe('blobs to a worker actor and back (real threads)', () => {
  const system = new ActorSystem({
    root: { children: [{ id: 'echo', start: worker(new URL('./fixtures/blob-actor.ts', import.meta.url), 'blobEcho', undefined, { health: false }) }] },
  });
  afterAll(() => system.stop());

  it('round-trips blobs of every size from 0 B to 8 MiB, moved both ways, never copied by accident', async () => {
    await system.start();
    const echo = system.ref<BlobMsg, Echoed>('root/echo');
    for (const [i, n] of SIZES.entries()) {
      const buf = filled(n, i);
      const expected = sumOf(buf);
      const view = new Uint16Array(buf, 0, n >> 2);
      const back = await echo.call({ op: 'echo', items: [buf, view], tag: { n } }, { transfer: [buf], timeoutMs: 30_000 });
      expect(buf.byteLength).toBe(0); // moved there: the sender's buffer is detached
      expect(back.tag).toEqual({ n });
      expect(back.sums[0]).toBe(expected);
      expect(back.lengths).toEqual([n, (n >> 2) * 2]);
      expect(back.kinds).toEqual(['ArrayBuffer', 'Uint16Array']);
      const [b, v] = back.items as [ArrayBuffer, Uint16Array];
      expect(b.byteLength).toBe(n); // moved back
      expect(sumOf(b)).toBe(expected);
      expect(v.buffer).toBe(b); // one buffer, two references: still one buffer
    }
  });

  it('keeps per-sender FIFO order with blob and plain sends and calls mixed', async () => {
    const echo = system.ref<BlobMsg, Flushed>('root/echo');
    const expectSums: number[] = [];
    const order: number[] = [];
    for (let i = 0; i < 120; i++) {
      if (i % 3 === 1) {
        const blob = filled(SIZES[i % SIZES.length] % 70_000, i);
        expectSums.push(sumOf(blob));
        echo.send({ op: 'keep', i, blob }, [blob]);
        expect(blob.byteLength).toBe(0);
      } else echo.send({ op: 'keep', i });
      order.push(i);
      if (i % 40 === 39) {
        const { order: seen, blobs } = await echo.call({ op: 'flush' });
        expect(seen).toEqual(order);
        expect(blobs.map(sumOf)).toEqual(expectSums);
        order.length = 0;
        expectSums.length = 0;
      }
    }
  });

  it('shares a SharedArrayBuffer with the worker: its writes are seen here', async () => {
    const echo = system.ref<BlobMsg, number>('root/echo');
    const sab = new SharedArrayBuffer(64);
    const mine = new Int32Array(sab);
    expect(await echo.call({ op: 'poke', view: new Int32Array(sab, 16, 4), at: 1, value: 77 })).toBe(4);
    expect(Atomics.load(mine, 5)).toBe(77);
    expect(sab.byteLength).toBe(64); // shared, never detached
  });
});
