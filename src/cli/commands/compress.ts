import { codecByName } from '../../codecs/registry.js';
import { AUTO, compressFile } from '../../jobs/compress-file.js';
import type { SelectTarget } from '../../codecs/select/choose-codec.js';

function autoTarget(maxError: string | undefined, minRatio: string | undefined, lossless: boolean | undefined): SelectTarget {
  const t: SelectTarget = {};
  if (maxError !== undefined) {
    t.maxError = Number(maxError);
    if (!Number.isFinite(t.maxError)) throw new UsageError(`--max-error must be an SQNR floor in dB, got ${JSON.stringify(maxError)}`);
  }
  if (minRatio !== undefined) {
    t.minRatio = Number(minRatio);
    if (!(t.minRatio >= 1)) throw new UsageError(`--min-ratio must be a number >= 1, got ${JSON.stringify(minRatio)}`);
  }
  if (lossless) {
    if (maxError !== undefined) throw new UsageError('--lossless and --max-error exclude each other');
    t.lossless = true;
  }
  return t;
}
import { decompressFile } from '../../jobs/decompress-file.js';
import { Progress } from '../progress.js';
import { formatBytes, table } from '../table.js';
import { UsageError, parse, parseParams } from '../usage.js';

/** Abort on the first SIGINT/SIGTERM so the job removes its temporary file. */
function interruptible(): { signal: AbortSignal; dispose: () => void } {
  const ac = new AbortController();
  const onSignal = (): void => ac.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    signal: ac.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

export async function compressCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      output: { type: 'string', short: 'o' },
      codec: { type: 'string', short: 'c' },
      include: { type: 'string', multiple: true },
      exclude: { type: 'string', multiple: true },
      'min-elements': { type: 'string' },
      fallback: { type: 'string' },
      param: { type: 'string', multiple: true },
      'max-error': { type: 'string' },
      'min-ratio': { type: 'string' },
      lossless: { type: 'boolean' },
      explain: { type: 'boolean' },
      json: { type: 'boolean' },
      calibration: { type: 'string' },
    },
    1,
  );
  const auto = values.codec === AUTO;
  const target = auto ? autoTarget(values['max-error'], values['min-ratio'], values.lossless) : undefined;
  if (!auto && (values['max-error'] !== undefined || values['min-ratio'] !== undefined || values.lossless)) {
    throw new UsageError('--max-error, --min-ratio and --lossless go with --codec auto');
  }
  const input = positionals[0];
  if (!input) throw new UsageError('compress needs an input file');
  if (!values.output) throw new UsageError('compress needs -o <output>');
  if (!values.codec) throw new UsageError('compress needs --codec <name> (see `tensorhive codecs`)');
  for (const name of [values.codec, values.fallback]) {
    if (name === undefined || name === AUTO) continue;
    try {
      codecByName(name);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  const minElements = values['min-elements'] === undefined ? 0 : Number(values['min-elements']);
  if (!Number.isSafeInteger(minElements) || minElements < 0) {
    throw new UsageError(`--min-elements must be a non-negative integer, got ${JSON.stringify(values['min-elements'])}`);
  }
  const progress = new Progress('compress');
  const { signal, dispose } = interruptible();
  try {
    const report = await compressFile(input, values.output, {
      codec: values.codec,
      params: parseParams(values.param),
      include: values.include,
      exclude: values.exclude,
      minElements,
      fallback: values.fallback,
      ...(target ? { target } : {}),
      ...(values.calibration !== undefined ? { calibration: values.calibration } : {}),
      signal,
      onProgress: (p) => progress.update(p.done, p.total, p.name),
    });
    progress.done();
    if (values.json) {
      console.log(JSON.stringify(report, (_k, v) => (v === Infinity ? 'inf' : v), 2));
      return 0;
    }
    console.log(
      table(
        ['tensor', 'shape', 'dtype', 'codec', 'bytes', 'bits/w', 'SQNR dB', 'decision'],
        report.tensors.map((t) => [
          t.name,
          `[${t.shape.join('x')}]`,
          t.dtype,
          t.codec,
          t.bytesOut,
          t.bitsPerWeight,
          t.sqnrDb ?? '-',
          t.decision,
        ]),
      ),
    );
    if (auto) {
      console.log('\nauto: what each tensor got and why');
      for (const t of report.tensors) {
        if (!t.reasons) continue;
        const lines = values.explain ? t.reasons : [t.reasons[0], t.reasons[t.reasons.length - 1]];
        console.log(`  ${t.name} -> ${t.codec}\n${lines.map((l) => `      ${l}`).join('\n')}`);
      }
      if (report.codecStats?.length) {
        console.log(
          '\n' +
            table(
              ['codec', 'attempts', 'chosen', 'bytes in', 'bytes out', 'avg ratio', 'saved', 'ms'],
              report.codecStats.map((r) => [r.codec, r.attempts, r.chosen, r.bytesIn, r.bytesOut, r.avgRatio, r.bytesSaved, r.ms]),
            ),
        );
      }
    }
    console.log(
      `\n${report.output}: ${formatBytes(report.bytesIn)} -> ${formatBytes(report.bytesOut)} (ratio ${report.ratio.toFixed(2)}), ` +
        `${report.tensors.length} tensors, ${report.fellBack.length} fell back` +
        (report.fellBack.length ? `: ${report.fellBack.join(', ')}` : ''),
    );
    return 0;
  } finally {
    progress.done();
    dispose();
  }
}

export async function decompressCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { output: { type: 'string', short: 'o' } }, 1);
  const input = positionals[0];
  if (!input) throw new UsageError('decompress needs an input file');
  if (!values.output) throw new UsageError('decompress needs -o <out.safetensors>');
  const progress = new Progress('decompress');
  const { signal, dispose } = interruptible();
  try {
    const r = await decompressFile(input, values.output, { signal, onProgress: (p) => progress.update(p.done, p.total, p.name) });
    progress.done();
    console.log(`${r.output}: ${r.tensors} tensors, ${formatBytes(r.bytesOut)}`);
    return 0;
  } finally {
    progress.done();
    dispose();
  }
}
