/**
 * Start a TS fixture in a real worker thread that answers `{ id, ...command }`
 * messages with `{ id, ... }` replies after posting `{ ready: true }`.
 * Node 20 does not apply tsx's ESM hooks inside workers, so the entry is
 * loaded through tsx's API. Started workers are pushed onto `workers` so the
 * test file can terminate them after each test.
 */
import { Worker, type MessagePort } from 'node:worker_threads';

export function startWorkerClient<R extends { id: number }>(
  fixture: URL,
  port: MessagePort,
  workers: Worker[],
): Promise<{ worker: Worker; ask: (c: object) => Promise<R> }> {
  const url = fixture.href;
  const boot = `import('tsx/esm/api').then((m) => m.tsImport(${JSON.stringify(url)}, ${JSON.stringify(url)}))`;
  const worker = new Worker(boot, { eval: true, workerData: { port }, transferList: [port] });
  workers.push(worker);
  let next = 1;
  const waiting = new Map<number, (r: R) => void>();
  const ask = (c: object): Promise<R> => {
    const id = next++;
    return new Promise((r) => {
      waiting.set(id, r);
      worker.postMessage({ id, ...c });
    });
  };
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (m: R & { ready?: boolean }) => {
      if (m.ready) resolve({ worker, ask });
      else waiting.get(m.id)?.(m);
    });
  });
}
