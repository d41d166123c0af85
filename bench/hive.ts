/**
 * The hive's speed figures, each against a baseline measured in the same
 * run (see bench/hive-disk.ts, hive-get.ts, hive-stream.ts). Runs the built
 * package. `npx tsx bench/hive.ts [--quick] [--json]`; bench/main.ts imports
 * `hiveBench`.
 */
import { fileURLToPath } from 'node:url';
import { diskBench, type DiskFigures } from './hive-disk.js';
import { getBench, type GetFigures } from './hive-get.js';
import { loadBuilt } from './hive-lib.js';
import { streamBench, type StreamFigures } from './hive-stream.js';

export interface HiveBench {
  /** Disk tier sequential put MB/s / raw file write MB/s (goal ≥ 0.8). */
  readonly diskWriteRatio: number;
  /** Disk tier sequential get MB/s / raw file read MB/s (goal ≥ 0.8). */
  readonly diskReadRatio: number;
  /** get() of a RAM-resident Q4_0 chunk / decode alone (goal ≤ 1.2). */
  readonly getOverheadRatio: number;
  /** Steady-state hit rates of a cyclic streamed read, nextUse vs LRU (simulateStream). */
  readonly streamHitRate: { nextUse: number; lru: number };
  /** Hive run: stall ms over the passes after the first; null when the Hive is not built. */
  readonly stallMs: number | null;
  /** Hive run: hit rate over the passes after the first; null when the Hive is not built. */
  readonly hitRate: number | null;
  readonly details: { disk: DiskFigures; get: GetFigures; stream: StreamFigures };
}

export async function hiveBench(opts: { quick?: boolean } = {}): Promise<HiveBench> {
  const quick = opts.quick === true;
  const { lib, Hive } = await loadBuilt();
  const disk = await diskBench(lib, quick);
  const get = await getBench(lib, Hive, quick);
  const stream = await streamBench(lib, Hive, quick);
  return {
    diskWriteRatio: disk.writeRatio,
    diskReadRatio: disk.readRatio,
    getOverheadRatio: get.overheadRatio,
    streamHitRate: stream.simulated,
    stallMs: stream.stallMs,
    hitRate: stream.hitRate,
    details: { disk, get, stream },
  };
}

export function printHiveBench(h: HiveBench): void {
  const f = (x: number | null, d = 2): string => (x === null ? '—' : x.toFixed(d));
  const { disk, get, stream } = h.details;
  console.log('hive (ratios against baselines measured in the same run)');
  console.log(`  disk tier put ${f(disk.tierWriteMBps, 0)} MB/s vs raw file write ${f(disk.rawWriteMBps, 0)} MB/s   ratio ${f(h.diskWriteRatio)}   goal >= 0.8`);
  console.log(`  disk tier get ${f(disk.tierReadMBps, 0)} MB/s vs raw file read  ${f(disk.rawReadMBps, 0)} MB/s   ratio ${f(h.diskReadRatio)}   goal >= 0.8`);
  console.log(`    (as the hive runs it: io 'sync', put with the container's CRC, get verify:false; a get that also crc32s every value: ${f(disk.tierReadVerifiedMBps, 0)} MB/s, ratio ${f(disk.readVerifiedRatio)})`);
  console.log(`  get() of a RAM-resident Q4_0 chunk (${get.source}) ${f(get.getUs, 0)} µs vs decode alone ${f(get.decodeUs, 0)} µs   overhead ratio ${f(h.getOverheadRatio)}   goal <= 1.2`);
  console.log(`  streamed read of ${stream.modelBytes >> 20} MiB through ${stream.budgetBytes >> 20} MiB of RAM, ${stream.passes} passes:`);
  console.log(`    hive (${stream.source.hive}): hit rate ${f(h.hitRate)}  stall ${f(h.stallMs, 0)} ms  ${f(stream.secondsPerPass)} s/pass`);
  console.log(`    simulateStream steady hit rate: nextUse ${f(h.streamHitRate.nextUse)}  LRU ${f(h.streamHitRate.lru)}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const hive = await hiveBench({ quick: process.argv.includes('--quick') });
  if (process.argv.includes('--json')) console.log(JSON.stringify({ hive }));
  else printHiveBench(hive);
}
