import { MessageChannel, Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { ActorSystem, defineActor, inline, reply } from '../../src/runtime/index.js';
import { exposeActorSystem } from '../../src/runtime/outside/index.js';

const echo = defineActor<number, unknown, unknown>({
  init: () => 0,
  receive: (n, msg) => reply(n + 1, msg),
});
let hungCalls = 0;
const hang = defineActor<number, unknown, unknown>({
  init: () => 0,
  receive: () => {
    hungCalls++;
    return new Promise<number>(() => undefined);
  },
});

function startClient(port: import('node:worker_threads').MessagePort) {
  const url = new URL('./fixtures/outside-client.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then((m) => m.tsImport(${JSON.stringify(url)}, ${JSON.stringify(url)}))`;
  const worker = new Worker(boot, { eval: true, workerData: { port }, transferList: [port] });
  let next = 1;
  const waiting = new Map<number, (r: Record<string, unknown>) => void>();
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (m: { id: number; ready?: boolean }) => (m.ready ? resolve() : waiting.get(m.id)?.(m)));
  });
  const ask = (c: object) =>
    new Promise<Record<string, unknown>>((r) => {
      const id = next++;
      waiting.set(id, r);
      worker.postMessage({ id, ...c });
    });
  return { worker, ready, ask };
}

const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.terminate()));
});

describe('outside access to a real ActorSystem', () => {
  it('a worker thread calls actors by path; the system stopping rejects its pending call', async () => {
    const system = new ActorSystem({
      root: {
        children: [
          { id: 'echo', start: inline(echo) },
          { id: 'hang', start: inline(hang), shutdown: 'brutal_kill' },
        ],
      },
    });
    await system.start();
    const { port1, port2 } = new MessageChannel();
    exposeActorSystem(system, port1);
    const client = startClient(port2);
    workers.push(client.worker);
    await client.ready;

    expect(await client.ask({ op: 'call', target: 'root/echo', msg: { a: [1, 2] } })).toMatchObject({ ok: true, value: { a: [1, 2] } });
    expect(await client.ask({ op: 'call', target: 'root/nobody' })).toMatchObject({ ok: false, name: 'ActorDeadError', typed: true });

    const pending = client.ask({ op: 'call', target: 'root/hang', msg: 1 });
    while (hungCalls === 0) await new Promise((r) => setImmediate(r));
    await system.stop();
    expect(await pending).toMatchObject({ ok: false, name: 'ActorDeadError', typed: true });
    expect(await client.ask({ op: 'call', target: 'root/echo', msg: 2 })).toMatchObject({ ok: false, typed: true, closed: true });
  });
});
