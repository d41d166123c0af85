/**
 * `npx tsx bench/runtime-cli.ts [--quick] [--json]`: the runtime figures as a
 * table, or with --json as one object `{ runtime: {...} }`.
 */
import { runtimeBench, type RuntimeBench } from './runtime.js';

const json = process.argv.includes('--json');
const quick = process.argv.includes('--quick');
const runtime = await runtimeBench({ quick });
if (json) console.log(JSON.stringify({ runtime }));
else print(runtime);

function print(r: RuntimeBench): void {
  const f = (x: number | null, d = 0): string => (x === null ? '—' : x.toFixed(d));
  const rows = [['blob', 'burst', 'stream actor MB/s', 'bare MB/s', 'ratio', 'round trip actor µs', 'bare µs', 'ratio', 'pool/bare']];
  for (const b of r.blobThroughput) {
    rows.push([
      `${b.bytes / (1 << 20)} MiB`, String(b.burst), f(b.actorMBps), f(b.bareMBps), f(b.ratio, 2),
      f(b.actorRoundTripUs, 1), f(b.bareRoundTripUs, 1), f(b.roundTripRatio, 2), f(b.poolRatio, 2),
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  console.log('runtime: blobs moved to a worker actor vs bare postMessage (same run, same transfers, alternating rounds, medians)');
  console.log('  stream = a burst of one-way sends each moving a blob, then one call moving them back (throughput);');
  console.log('  round trip = one call moving a blob there and back, awaited (latency)');
  for (const row of rows) console.log('  ' + row.map((cell, c) => cell.padStart(widths[c])).join('  '));
  console.log(`  blob throughput ratio (stream, median over sizes)   ${f(r.blobThroughputRatio, 2)}   goal >= 0.9`);
  console.log(`  blob round-trip ratio (latency, median over sizes)  ${f(r.blobRoundTripRatio, 2)}`);
  console.log(`  small sends/s   actor ${f(r.sendsPerSec)}   bare ${f(r.bareSendsPerSec)}   ratio ${f(r.sendRatio, 2)}`);
  console.log(`  round trips/s   actor ${f(r.roundTripsPerSec)}   bare ${f(r.bareRoundTripsPerSec)}   ratio ${f(r.roundTripRatio, 2)}`);
  console.log(`                  pool  ${f(r.pool.roundTripsPerSec)}   ratio ${f(r.pool.roundTripRatio, 2)}`);
  console.log(`  restart latency actor ${f(r.restartLatencyMs, 1)} ms with a warm spare thread (goal < 50)`);
  console.log(`                  actor ${f(r.coldRestartLatencyMs, 1)} ms cold (a new thread)   pool ${f(r.pool.restartLatencyMs, 1)} ms`);
  for (const n of r.notes) console.log(`  note: ${n}`);
}
