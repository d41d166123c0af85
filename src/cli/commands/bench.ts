import { benchCodecs, seededBenchTensors, type CodecBench } from '../../jobs/bench-codecs.js';
import { openAnyModelFile } from '../../jobs/open-any.js';
import { dtypeInfo } from '../../tensor/dtype.js';
import { numel } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { table } from '../table.js';
import { UsageError, parse } from '../usage.js';

/** Float tensors of a file, in file order, up to `cap` elements in all. */
async function fileTensors(path: string, cap: number): Promise<{ name: string; tensor: Tensor }[]> {
  const f = await openAnyModelFile(path);
  try {
    const out: { name: string; tensor: Tensor }[] = [];
    let total = 0;
    for (const e of f.entries) {
      if (!dtypeInfo(e.dtype).float) continue;
      const n = numel(e.shape);
      if (total + n > cap && out.length > 0) break;
      out.push({ name: e.name, tensor: await f.read(e.name) });
      total += n;
    }
    return out;
  } finally {
    await f.close();
  }
}

export async function runCodecBench(args: string[]): Promise<{ bench: CodecBench; json: boolean }> {
  const { values, positionals } = parse(
    args,
    { json: { type: 'boolean' }, codec: { type: 'string', multiple: true }, 'min-time': { type: 'string' }, 'max-elements': { type: 'string' } },
    1,
  );
  const minTimeMs = values['min-time'] === undefined ? 200 : Number(values['min-time']);
  if (!(minTimeMs >= 0)) throw new UsageError(`--min-time must be a number of milliseconds`);
  const cap = values['max-elements'] === undefined ? 1 << 22 : Number(values['max-elements']);
  if (!Number.isSafeInteger(cap) || cap <= 0) throw new UsageError('--max-elements must be a positive integer');
  const tensors = positionals[0] ? await fileTensors(positionals[0], cap) : seededBenchTensors();
  if (tensors.length === 0) throw new UsageError(`${positionals[0]} has no float tensors to benchmark`);
  const json = Boolean(values.json);
  const bench = benchCodecs(tensors, {
    ...(positionals[0] ? { source: `${tensors.length} float tensors of ${positionals[0]}` } : {}),
    codecs: values.codec,
    minTimeMs,
    onRow: (r) => {
      if (!json) process.stderr.write(`  ${r.codec} done\n`);
    },
  });
  return { bench, json };
}

export function printCodecBench(b: CodecBench): void {
  console.log(`codec bench on ${b.elements} values (${b.source}); memcpy of the same f32 bytes: ${b.baseline.memcpyMBps.toFixed(0)} MB/s`);
  console.log(
    table(
      ['codec', 'ratio', 'zstd ratio', 'bits/w', 'SQNR dB', 'MSE', 'enc MB/s', 'dec MB/s', 'enc/memcpy', 'dec/memcpy'],
      b.codecs.map((r) => [
        r.codec,
        r.ratio,
        r.zstdRatio ?? '-',
        r.bitsPerWeight,
        r.sqnrDb,
        r.mse,
        r.encodeMBps,
        r.decodeMBps,
        r.encodeMBps / b.baseline.memcpyMBps,
        r.decodeMBps / b.baseline.memcpyMBps,
      ]),
    ),
  );
}

export function benchJson(b: CodecBench): Record<string, unknown> {
  return {
    baseline: b.baseline,
    source: b.source,
    elements: b.elements,
    codecs: b.codecs.map((r) => ({ ...r, sqnrDb: Number.isFinite(r.sqnrDb) ? r.sqnrDb : null })),
  };
}

export async function benchCommand(args: string[]): Promise<number> {
  const { bench, json } = await runCodecBench(args);
  if (json) console.log(JSON.stringify(benchJson(bench)));
  else printCodecBench(bench);
  return 0;
}
