/**
 * A tiny Node service embedding a hive: RAM + disk tiers, a /metrics route
 * serving Prometheus text, a few tensors put and read back (one of them by a
 * worker thread of the service, through the comlink client), then stop.
 * Run: npx tsx examples/hive-service.ts
 * (Imports from the source tree until hiveMetrics and the client are exported
 * from the package root; the import will then be 'tensorhive'.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import { Hive, Rng, Tensor, hiveMetrics, exposeHive } from 'tensorhive';

const dir = mkdtempSync(join(tmpdir(), 'tensorhive-service-'));
const hive = await Hive.start({ dir, tiers: { ram: '32MiB', disk: '1GiB' }, codec: 'q8_0' });
const metrics = hiveMetrics(hive);
const server = createServer((req, res) => {
  if (req.url !== '/metrics') return void res.writeHead(404).end();
  metrics.text().then(
    (body) => res.writeHead(200, { 'content-type': metrics.contentType }).end(body),
    (err: Error) => res.writeHead(500).end(err.message),
  );
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));

try {
  // The service's own requests.
  const rng = new Rng(1);
  const w = Tensor.fromF32(rng.normalArray(256 * 1024, 0.02), [256, 1024]);
  await hive.put('layer.0.weight', w);
  await hive.put('layer.0.norm', Tensor.fromF32(new Float32Array(1024).fill(1)), { codec: 'raw' });
  const back = await hive.get('layer.0.weight');
  if (!back || back.shape.join('x') !== '256x1024') throw new Error('layer.0.weight did not come back');

  // A worker thread of the same service uses the hive through the comlink client.
  const { port1, port2 } = new MessageChannel();
  exposeHive(hive, port1);
  // The worker imports the package by name, like any module of the service would.
  const code = `
    const { workerData, parentPort } = await import('node:worker_threads');
    const { connectHive, Tensor } = await import('tensorhive');
    const hive = connectHive(workerData.port);
    await hive.put('from.worker', Tensor.fromF32(new Float32Array([1, 2, 3, 4]), [2, 2]), { codec: 'raw' });
    const norm = await hive.get('layer.0.norm');
    parentPort.postMessage({ keys: await hive.keys(), normSum: norm.toF32().reduce((a, b) => a + b, 0) });
    hive.close();`;
  const worker = new Worker(`(async () => {${code}})()`, { eval: true, workerData: { port: port2 }, transferList: [port2] });
  const seen = await new Promise<{ keys: string[]; normSum: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  if (seen.normSum !== 1024 || !hive.has('from.worker')) throw new Error(`the worker thread's calls went wrong: ${JSON.stringify(seen)}`);
  console.log(`worker thread saw keys ${seen.keys.join(', ')}`);

  // What a Prometheus scraper gets.
  const { port } = server.address() as { port: number };
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const shown = text.split('\n').filter((l) => /^tensorhive_(tier_(physical|logical)_bytes|ops_total)/.test(l));
  console.log(shown.join('\n'));
  if (!text.includes('tensorhive_ops_total{op="put"} 3')) throw new Error('metrics did not count the 3 puts');
} finally {
  server.close();
  metrics.stop();
  await hive.stop();
  rmSync(dir, { recursive: true, force: true });
}
