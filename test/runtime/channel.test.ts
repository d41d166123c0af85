import { afterAll, describe, expect, it } from 'vitest';
import { ArgumentError, FormatError } from '../../src/errors/index.js';
import { ActorSystem, decode, encode, extractBlobs, restoreBlobs, worker, type ToWorker } from '../../src/runtime/index.js';
import { Channel } from '../../src/runtime/channel.js';
import { batchHeader, decodeAll, encodePart } from '../../src/runtime/protocol.js';
import type { OrderMsg } from './fixtures/order-actor.js';

/** A port that records what was posted. */
function recordingPort(): { posts: { value: unknown; transfer: readonly ArrayBuffer[] }[]; postMessage(v: unknown, t?: readonly ArrayBuffer[]): void } {
  const posts: { value: unknown; transfer: readonly ArrayBuffer[] }[] = [];
  return { posts, postMessage: (value, transfer = []) => void posts.push({ value, transfer }) };
}

const sends = (port: ReturnType<typeof recordingPort>): unknown[] =>
  port.posts.flatMap((p) => decodeAll<ToWorker>(p.value).map((e) => (e.k === 'send' ? e.msg : e.k)));

describe('channel: coalesced posts keep their order', () => {
  it('posts the first envelope of a synchronous run at once and the rest as one batch after the run', async () => {
    const port = recordingPort();
    const ch = new Channel(port);
    for (let i = 0; i < 5; i++) ch.post({ k: 'send', msg: { i } });
    ch.post({ k: 'ping', seq: 9 });
    expect(sends(port)).toEqual([{ i: 0 }]); // the first goes at once: the receiver can start on it
    await Promise.resolve();
    expect(port.posts).toHaveLength(2);
    expect(sends(port)).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }, { i: 3 }, { i: 4 }, 'ping']);
    // A new run starts over: its first envelope goes at once again.
    ch.post({ k: 'send', msg: 'next' });
    expect(port.posts).toHaveLength(3);
  });

  it('encodes at post time: later changes to the message are not sent', async () => {
    const port = recordingPort();
    const ch = new Channel(port);
    const msg = { v: 1 };
    ch.post({ k: 'send', msg });
    msg.v = 2;
    await Promise.resolve();
    expect(sends(port)).toEqual([{ v: 1 }]);
  });

  it('an envelope with blobs goes at once, after what was queued, with exactly its transfer list', () => {
    const port = recordingPort();
    const ch = new Channel(port);
    ch.post({ k: 'send', msg: 'a' });
    ch.post({ k: 'send', msg: 'b' }); // queued behind 'a'
    const buf = new Uint8Array([7, 8]);
    ch.post({ k: 'send', msg: { buf } }, [buf.buffer as ArrayBuffer]);
    expect(port.posts).toHaveLength(3);
    expect(port.posts[1].transfer).toEqual([]);
    expect(port.posts[2].transfer).toEqual([buf.buffer]);
    const got = sends(port);
    expect(got.slice(0, 2)).toEqual(['a', 'b']);
    expect(Array.from((got[2] as { buf: Uint8Array }).buf)).toEqual([7, 8]);
  });

  it('a bad transfer list throws to the poster and queues nothing; queued envelopes still go', async () => {
    const port = recordingPort();
    const ch = new Channel(port);
    ch.post({ k: 'send', msg: 1 });
    ch.post({ k: 'send', msg: 2 });
    expect(() => ch.post({ k: 'send', msg: 3 }, [new ArrayBuffer(4)])).toThrow(ArgumentError);
    await Promise.resolve();
    expect(sends(port)).toEqual([1, 2]);
  });

  it('bounds a batch: a long synchronous burst is split, every envelope once, in order', async () => {
    const port = recordingPort();
    const ch = new Channel(port);
    for (let i = 0; i < 2500; i++) ch.post({ k: 'send', msg: i });
    await Promise.resolve();
    expect(port.posts.length).toBeGreaterThanOrEqual(3);
    expect(sends(port)).toEqual(Array.from({ length: 2500 }, (_, i) => i));
  });

  it('drops what is queued once closed', async () => {
    const port = recordingPort();
    const ch = new Channel(port);
    ch.post({ k: 'send', msg: 1 });
    ch.post({ k: 'send', msg: 2 });
    ch.close();
    ch.post({ k: 'send', msg: 3 });
    await Promise.resolve();
    expect(sends(port)).toEqual([1]); // 2 was still queued
  });
});

describe('protocol: batches of positional envelopes', () => {
  it('round-trips every field of each kind and rejects malformed batches with FormatError', () => {
    const env: ToWorker = { k: 'call', cid: 7, msg: { a: [1, 'x'] }, timeoutMs: 250 };
    expect(decode(encode(env).wire)).toEqual(env);
    expect(decode(encode({ k: 'stop', reason: { error: { name: 'Error', message: 'boom' } } } as ToWorker).wire)).toMatchObject({ k: 'stop', reason: { error: { message: 'boom' } } });
    const two = batchHeader(2) + encodePart({ k: 'send', msg: 1 }).part + encodePart({ k: 'ping', seq: 2 }).part;
    expect(decodeAll(two)).toEqual([{ k: 'send', msg: 1 }, { k: 'ping', seq: 2 }]);
    expect(() => decode(two)).toThrow(/one envelope/);
    expect(() => decodeAll([two, new ArrayBuffer(1)])).toThrow(FormatError); // blobs belong to a batch of one
    expect(() => decodeAll([batchHeader(1) + encodePart({ k: 'ping', seq: 1 }).part, new ArrayBuffer(1)])).toThrow(/no payload/);
    expect(() => decodeAll(batchHeader(1) + '\x91\x7f')).toThrow(/unknown envelope kind/);
    expect(() => decodeAll(batchHeader(1) + '\x93\x01\x01\x01')).toThrow(/fields/);
    expect(() => decodeAll('\x90')).toThrow(/non-empty batch/);
    expect(() => decodeAll('')).toThrow(FormatError);
    expect(() => decodeAll({ h: '\x90' })).toThrow(/expected a string/);
    expect(() => encode({ k: 'nope' } as unknown as ToWorker)).toThrow(/unknown envelope kind/);
  });

  it('cuts blobs only out of the payload: one buffer twice is one blob, many buffers each move once', () => {
    const a = new Float32Array([1, 2, 3, 4]);
    const bufs = Array.from({ length: 12 }, (_, i) => new Uint8Array([i]));
    const msg = { a, again: new Uint16Array(a.buffer, 4, 2), bufs };
    const transfer = [a.buffer as ArrayBuffer, ...bufs.map((b) => b.buffer as ArrayBuffer)];
    const { body, blobs, moved } = extractBlobs(msg, transfer);
    expect(blobs).toHaveLength(13);
    expect(moved).toEqual(transfer);
    const back = restoreBlobs(body, blobs) as typeof msg;
    expect(Array.from(back.a)).toEqual([1, 2, 3, 4]);
    expect(back.again.buffer).toBe(back.a.buffer);
    expect(back.again.byteOffset).toBe(4);
    expect(back.again.length).toBe(2);
    expect(back.bufs.map((b) => b[0])).toEqual(bufs.map((_, i) => i));
    expect(() => extractBlobs(msg, [...transfer, transfer[3]])).toThrow('transfer[13] lists the same ArrayBuffer twice');
    expect(() => extractBlobs({ a }, [a.buffer as ArrayBuffer, new ArrayBuffer(1)])).toThrow('transfer[1] is not referenced');
    // No transfer list: only SharedArrayBuffers are cut out (shared), found at any depth.
    const sab = new SharedArrayBuffer(8);
    const shared = extractBlobs({ deep: [{ x: new Int32Array(sab) }] });
    expect(shared.blobs).toEqual([sab]);
    expect(shared.moved).toEqual([]);
    let deep: unknown = 1;
    for (let i = 0; i < 70; i++) deep = [deep];
    expect(() => extractBlobs(deep)).toThrow(/deeper than 64/);
  });
});

describe('per-sender order across threads, small and blob messages mixed', () => {
  const system = new ActorSystem({
    root: { children: [{ id: 'rec', start: worker(new URL('./fixtures/order-actor.ts', import.meta.url), 'recorder', undefined, { health: false }) }] },
  });
  afterAll(() => system.stop());

  it('delivers sends in the order sent; moved buffers are detached at once', async () => {
    await system.start();
    const rec = system.ref<OrderMsg, number[]>('root/rec');
    const expected: number[] = [];
    for (let i = 0; i < 300; i++) {
      if (i % 7 === 3) {
        const blob = new Uint8Array([i & 0xff, 1, 2]);
        rec.send({ i, blob }, [blob.buffer as ArrayBuffer]);
        expect(blob.byteLength).toBe(0);
        expected.push(i, i & 0xff);
      } else {
        rec.send({ i });
        expected.push(i, -1);
      }
    }
    expect(await rec.call('seen')).toEqual(expected);
  });
});
