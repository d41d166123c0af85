/**
 * `npm run bench`: every speed goal as a ratio against a baseline measured in
 * the same run. Codecs vs memcpy of the same f32 bytes; the runtime vs bare
 * worker_threads postMessage. `-- --json` prints one JSON object.
 */
import { benchCodecs, seededBenchTensors } from '../src/jobs/bench-codecs.js';
import { benchJson, printCodecBench } from '../src/cli/commands/bench.js';
import { runtimeBench } from './runtime.js';

const json = process.argv.includes('--json');
const quick = process.argv.includes('--quick');

const codecs = benchCodecs(seededBenchTensors(), {
  minTimeMs: quick ? 20 : 200,
  onRow: (r) => {
    if (!json) process.stderr.write(`  ${r.codec} done\n`);
  },
});
if (!json) printCodecBench(codecs);

const runtime = await runtimeBench({ quick });
if (json) {
  console.log(JSON.stringify({ ...benchJson(codecs), runtime }));
} else {
  console.log('\nruntime (actor messages across worker threads vs bare postMessage, same run)');
  console.log(JSON.stringify(runtime, null, 2));
}
