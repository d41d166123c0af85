/**
 * `npm run bench`: every speed goal as a ratio against a baseline measured in
 * the same run — codecs vs a memcpy of the same f32 bytes, native kernels vs
 * memcpy and a streaming read, the runtime vs bare worker_threads postMessage,
 * the hive's disk tier vs raw file I/O and its get() vs decode alone.
 * It runs the built package (dist/, which `npm run bench` builds first), since
 * that is what users run. `-- --json` prints one JSON object; `-- --quick`
 * shortens every measurement.
 */
import { kernelsBench } from './kernels.js';
import { runtimeBench } from './runtime.js';
import { hiveBench, printHiveBench } from './hive.js';

type Lib = typeof import('../src/index.js');
type BenchCli = typeof import('../src/cli/commands/bench.js');
const lib = (await import(new URL('../dist/src/index.js', import.meta.url).href)) as Lib;
const cli = (await import(new URL('../dist/src/cli/commands/bench.js', import.meta.url).href)) as BenchCli;

const json = process.argv.includes('--json');
const quick = process.argv.includes('--quick');
const say = (s: string): void => {
  if (!json) console.log(s);
};

const codecs = lib.benchCodecs(lib.seededBenchTensors(), { minTimeMs: quick ? 20 : 200 });
if (!json) cli.printCodecBench(codecs);

const kernels = kernelsBench({ minTimeMs: quick ? 30 : 150, elements: quick ? 1 << 20 : 1 << 22 });
say(
  `\nnative kernels (${kernels.native.loaded ? `level ${kernels.native.level}` : `not loaded: ${kernels.native.reason}`}); ` +
    `memcpy ${kernels.baseline.memcpyMBps.toFixed(0)} MB/s, streaming read ${kernels.baseline.streamReadMBps.toFixed(0)} MB/s ` +
    `out of cache, ${kernels.baseline.streamReadInCacheMBps.toFixed(0)} MB/s in cache`,
);
for (const r of kernels.decode) {
  say(`  decode ${r.codec.padEnd(8)} native/memcpy ${r.nativeVsMemcpy?.toFixed(2) ?? '-'}  native/TS ${r.speedup?.toFixed(1) ?? '-'}x`);
}
for (const f of kernels.fused) {
  say(
    `  fused  ${f.codec.padEnd(8)} ${f.activations} activations: bandwidth ratio ${f.bandwidthRatio.toFixed(2)} out of cache, ` +
      `${f.bandwidthRatioInCache.toFixed(2)} in cache; vs decode-then-multiply ${f.speedupVsDecodeThenMultiply.toFixed(1)}x`,
  );
}

const runtime = await runtimeBench({ quick });
if (!json) {
  say('\nruntime (actor messages across worker threads vs bare postMessage, same run)');
  say(JSON.stringify(runtime, null, 2));
}

const hive = await hiveBench({ quick });
if (json) console.log(JSON.stringify({ ...cli.benchJson(codecs), kernels, fused: kernels.fused, runtime, hive }));
else {
  console.log('');
  printHiveBench(hive);
}
