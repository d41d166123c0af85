import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { ActorDeadError, TimeoutError } from '../../src/errors/index.js';
import { connectSystem, exposeSystem, type SystemLike } from '../../src/runtime/outside/index.js';
import { startWorkerClient } from '../helpers/worker-client.js';

/** A small system with the actor system's call/send shape. */
function fakeSystem() {
  const received: Array<{ target: string; msg: unknown }> = [];
  let stop!: () => void;
  const stopped = new Promise<void>((r) => (stop = r));
  const hung: Array<(e: unknown) => void> = [];
  const system: SystemLike = {
    async call(target, msg, options) {
      received.push({ target, msg });
      if (target === 'echo') return msg;
      if (target === 'size') return (msg as { blob: ArrayBuffer }).blob.byteLength;
      if (target === 'slow') throw new TimeoutError(`call to slow got no reply within ${options?.timeout ?? 5000} ms`);
      if (target === 'hang') return new Promise((_, reject) => hung.push(reject));
      throw new ActorDeadError(target, 'noproc');
    },
    send(target, msg) {
      received.push({ target, msg });
    },
  };
  return { system, received, stopped, stop };
}

type Reply = { id: number; ok: boolean; value?: unknown; name?: string; message?: string; typed?: boolean; closed?: boolean };

function startClient(port: MessagePort): Promise<{ worker: Worker; ask: (c: object) => Promise<Reply> }> {
  return startWorkerClient<Reply>(new URL('./fixtures/outside-client.ts', import.meta.url), port, workers);
}

const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.terminate()));
});

describe('outside access through comlink', () => {
  it('a worker thread calls and sends to the system; errors keep their type', async () => {
    const { system, received } = fakeSystem();
    const { port1, port2 } = new MessageChannel();
    const exposed = exposeSystem(system, port1);
    const { worker, ask } = await startClient(port2);

    expect(await ask({ op: 'call', target: 'echo', msg: { n: 42, f: [1.5] } })).toMatchObject({ ok: true, value: { n: 42, f: [1.5] } });
    expect(await ask({ op: 'send', target: 'log', msg: 'hello' })).toMatchObject({ ok: true });
    expect(received.at(-1)).toEqual({ target: 'log', msg: 'hello' });
    // The blob is moved out of the worker (its copy detached), not cloned.
    expect(await ask({ op: 'callBlob', target: 'size', bytes: 1 << 20 })).toMatchObject({ ok: true, value: { v: 1 << 20, detached: true } });
    const dead = await ask({ op: 'call', target: 'nobody' });
    expect(dead).toMatchObject({ ok: false, name: 'ActorDeadError', typed: true, closed: false });
    expect(dead.message).toContain('actor nobody is not alive (noproc)');
    expect(await ask({ op: 'call', target: 'slow' })).toMatchObject({ ok: false, name: 'TimeoutError' });
    exposed.close();
  });

  it('when the system stops, pending calls reject with ActorDeadError instead of hanging', async () => {
    const { system, received, stopped, stop } = fakeSystem();
    const { port1, port2 } = new MessageChannel();
    exposeSystem(system, port1, { stopped });
    const { worker, ask } = await startClient(port2);

    const pending = ask({ op: 'call', target: 'hang', msg: 1 });
    while (received.length === 0) await new Promise((r) => setImmediate(r));
    stop();
    const reply = await pending;
    expect(reply).toMatchObject({ ok: false, name: 'ActorDeadError', typed: true, closed: true });
    expect(reply.message).toContain('actor hive is not alive (system stopped)');
    // Later calls fail at once.
    expect(await ask({ op: 'call', target: 'echo', msg: 2 })).toMatchObject({ ok: false, typed: true });
  });

  it('a port closed without notice also rejects pending calls', async () => {
    const { system, received } = fakeSystem();
    const { port1, port2 } = new MessageChannel();
    exposeSystem(system, port1);
    const client = connectSystem(port2);
    const pending = client.call('hang', 1);
    while (received.length === 0) await new Promise((r) => setImmediate(r));
    port1.close();
    await expect(pending).rejects.toBeInstanceOf(ActorDeadError);
    await expect(pending).rejects.toThrow(/actor system is not alive \(port closed\)/);
    await expect(client.call('echo', 1)).rejects.toBeInstanceOf(ActorDeadError);
  });
});
