import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { ArgumentError, CapacityError } from '../../src/errors/index.js';
import { exposeHive, type ExposableHive } from '../../src/hive/client/index.js';
import type { HiveStats, PutOptions } from '../../src/hive/types.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { startWorkerClient } from '../helpers/worker-client.js';

/** A Map-backed stand-in with the Hive's put/get/delete/has/keys/stats shape. */
function fakeHive() {
  const store = new Map<string, Tensor>();
  const puts: { key: string; options?: PutOptions }[] = [];
  const handedOut: Tensor[] = [];
  const hang: { on: boolean; started?: () => void } = { on: false };
  const hive: ExposableHive = {
    async put(key, tensor, options) {
      if (key === 'full') throw new CapacityError('tier ram: no room for 12 bytes');
      puts.push({ key, options });
      store.set(key, tensor);
    },
    async get(key) {
      if (hang.on) {
        hang.started?.();
        return new Promise<Tensor>(() => {});
      }
      const t = store.get(key);
      if (!t) return undefined;
      // Like the hive: get() hands out bytes the caller owns.
      const out = new Tensor(t.dtype, t.shape, t.bytes.slice());
      handedOut.push(out);
      return out;
    },
    async delete(key) {
      return store.delete(key);
    },
    async has(key) {
      return store.has(key);
    },
    async keys() {
      return store.keys();
    },
    async stats() {
      return { tensors: store.size, chunks: store.size, tiers: [] } as unknown as HiveStats;
    },
  };
  return { hive, store, puts, handedOut, hang };
}

type Reply = { id: number; ok: boolean; value?: any; name?: string; message?: string; dead?: boolean; closed?: boolean };

function startClient(port: MessagePort): Promise<{ worker: Worker; ask: (c: object) => Promise<Reply> }> {
  return startWorkerClient<Reply>(new URL('./fixtures/hive-client-worker.ts', import.meta.url), port, workers);
}

const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.terminate()));
});

describe('the hive from another worker thread (comlink client)', () => {
  it('put, get, has, keys, delete and stats; tensor bytes are moved both ways', async () => {
    const f = fakeHive();
    const { port1, port2 } = new MessageChannel();
    exposeHive(f.hive, port1);
    const { ask } = await startClient(port2);

    const put = await ask({ op: 'put', key: 'w', values: [1, 2.5, -3] });
    expect(put).toMatchObject({ ok: true, value: { detached: true } }); // moved, not cloned
    expect(f.puts).toEqual([{ key: 'w', options: { codec: 'raw' } }]);
    expect([...f.store.get('w')!.toF32()]).toEqual([1, 2.5, -3]);

    const kept = await ask({ op: 'put', key: 'k', values: [4], keep: true });
    expect(kept.value).toEqual({ detached: false });

    const got = await ask({ op: 'get', key: 'w' });
    expect(got.value).toEqual({ dtype: 'F32', shape: [3], values: [1, 2.5, -3], isTensor: true });
    // The hive's answer left this thread: its buffer is detached here.
    expect(f.handedOut[0].bytes.buffer.byteLength).toBe(0);

    expect((await ask({ op: 'has', key: 'w' })).value).toBe(true);
    expect((await ask({ op: 'keys' })).value).toEqual(['w', 'k']);
    expect((await ask({ op: 'stats' })).value).toMatchObject({ tensors: 2 });
    expect((await ask({ op: 'delete', key: 'w' })).value).toBe(true);
    expect((await ask({ op: 'has', key: 'w' })).value).toBe(false);
  });

  it('errors keep their meaning: a bad tensor fails in the worker, a hive error comes back named', async () => {
    const f = fakeHive();
    const { port1, port2 } = new MessageChannel();
    exposeHive(f.hive, port1);
    const { ask } = await startClient(port2);
    const bad = await ask({ op: 'putBad', key: 'x' });
    expect(bad).toMatchObject({ ok: false, name: 'ShapeError' });
    expect(f.puts).toEqual([]);
    const full = await ask({ op: 'put', key: 'full', values: [1, 2, 3] });
    expect(full).toMatchObject({ ok: false, dead: false, closed: false });
    expect(full.message).toContain('CapacityError: tier ram: no room for 12 bytes');
    expect(await ask({ op: 'get', key: 'nope' })).toMatchObject({ ok: true, value: { missing: true } });
  });

  it('when the hive stops, pending and later calls reject with ActorDeadError', async () => {
    const f = fakeHive();
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    const { port1, port2 } = new MessageChannel();
    exposeHive(f.hive, port1, { stopped });
    const { ask } = await startClient(port2);
    await ask({ op: 'put', key: 'a', values: [1] });
    f.hang.on = true;
    const started = new Promise<void>((r) => (f.hang.started = r));
    const pending = ask({ op: 'get', key: 'a' });
    await started;
    stop();
    const r = await pending;
    expect(r).toMatchObject({ ok: false, dead: true, closed: true });
    expect(r.message).toContain('hive');
    expect(await ask({ op: 'has', key: 'a' })).toMatchObject({ ok: false, dead: true });
  });

  it('a port closed from the hive side rejects pending calls too', async () => {
    const f = fakeHive();
    const { port1, port2 } = new MessageChannel();
    const exposed = exposeHive(f.hive, port1);
    const { ask } = await startClient(port2);
    f.hang.on = true;
    const started = new Promise<void>((r) => (f.hang.started = r));
    const pending = ask({ op: 'get', key: 'a' });
    await started;
    exposed.close('service shutting down');
    expect(await pending).toMatchObject({ ok: false, dead: true });
  });

  it('exposeHive rejects something that is not a hive', () => {
    const { port1, port2 } = new MessageChannel();
    expect(() => exposeHive({} as never, port1)).toThrow(ArgumentError);
    port1.close();
    port2.close();
  });

  it('works against a real Hive; once it stops, calls reject with ActorDeadError', async () => {
    const { Hive } = await import('../../src/hive/index.js');
    const hive = await Hive.start({ tiers: { ram: '4MiB' }, workers: false });
    const { port1, port2 } = new MessageChannel();
    exposeHive(hive, port1);
    const { ask } = await startClient(port2);
    expect(await ask({ op: 'put', key: 'w', values: [0.5, -1, 2] })).toMatchObject({ ok: true, value: { detached: true } });
    expect((await ask({ op: 'get', key: 'w' })).value).toEqual({ dtype: 'F32', shape: [3], values: [0.5, -1, 2], isTensor: true });
    expect((await ask({ op: 'keys' })).value).toEqual(['w']);
    expect((await ask({ op: 'stats' })).value).toMatchObject({ tensors: 1 });
    await hive.stop();
    expect(await ask({ op: 'get', key: 'w' })).toMatchObject({ ok: false, dead: true });
    // The exposure closed with the hive: the client knows, and fails at once.
    expect(await ask({ op: 'has', key: 'w' })).toMatchObject({ ok: false, dead: true, closed: true });
  });
});
