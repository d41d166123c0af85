/**
 * Part 1 of the demo: generate a sample model, compress it with every codec,
 * check that the results read back, and print one table (the foundation's
 * main command; `tensorhive demo --skip-codecs` leaves it out).
 */
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { compressFile, type CompressReport } from '../../jobs/compress-file.js';
import { decompressFile } from '../../jobs/decompress-file.js';
import { inspectFile } from '../../jobs/inspect-file.js';
import { writeSampleModel } from '../../jobs/sample-model.js';
import { Progress } from '../progress.js';
import { formatBytes, table } from '../table.js';

const DEMO_CODECS = ['f16', 'bf16', 'f8_e4m3', 'q8_0', 'q6_k', 'q5_1', 'q5_0', 'q4_k', 'q4_1', 'q4_0', 'nf4', 'int8'];

/** Runs part 1 in `dir`; prints the table (or returns the JSON object); ok when the round trip kept the layout. */
export async function codecTable(dir: string, json: boolean): Promise<{ ok: boolean; json: Record<string, unknown> }> {
  await mkdir(dir, { recursive: true });
  const model = join(dir, 'sample.safetensors');
  await writeSampleModel(model);
  const sourceBytes = (await stat(model)).size;
  const info = await inspectFile(model);
  if (!json) {
    console.log(`sample model: ${model}`);
    console.log(`  ${info.totals.tensors} tensors, ${info.totals.elements} weights, ${formatBytes(sourceBytes)} (F32/F16/BF16 mixed)\n`);
  }

  const progress = new Progress('demo');
  const results: { codec: string; path: string; report: CompressReport; seconds: number; fileBytes: number }[] = [];
  for (const [i, codec] of DEMO_CODECS.entries()) {
    progress.update(i, DEMO_CODECS.length, codec);
    const out = join(dir, `sample.${codec}.thive`);
    const t0 = performance.now();
    // Norms (1-D, small) stay as they are; tensors whose rows do not fit a block fall back to f16.
    const report = await compressFile(model, out, { codec, minElements: 4096, fallback: 'f16' });
    results.push({ codec, path: out, report, seconds: (performance.now() - t0) / 1000, fileBytes: (await stat(out)).size });
  }
  progress.update(DEMO_CODECS.length, DEMO_CODECS.length, 'done');
  progress.done();

  // GGUF interop: Q4_0 into a .gguf that any GGUF reader opens.
  const gguf = join(dir, 'sample.q4_0.gguf');
  const ggufReport = await compressFile(model, gguf, { codec: 'q4_0', minElements: 4096, fallback: 'f16' });
  const ggufInfo = await inspectFile(gguf);
  // Round trip: .thive back to safetensors in the source dtypes.
  const back = join(dir, 'sample.q8_0.decompressed.safetensors');
  await decompressFile(join(dir, 'sample.q8_0.thive'), back);
  const backInfo = await inspectFile(back);
  const sameLayout =
    backInfo.tensors.length === info.tensors.length &&
    backInfo.tensors.every((t, i) => t.name === info.tensors[i].name && t.dtype === info.tensors[i].dtype);

  const rows = results.map(({ codec, report, seconds, fileBytes }) => {
    const lossy = report.tensors.filter((t) => t.decision === 'compressed' && t.sqnrDb !== undefined);
    const sqnrs = lossy.map((t) => t.sqnrDb!);
    const compressedIn = report.tensors.filter((t) => t.decision === 'compressed');
    const elements = compressedIn.reduce((a, t) => a + t.shape.reduce((x, y) => x * y, 1), 0);
    const bytes = compressedIn.reduce((a, t) => a + t.bytesOut, 0);
    return {
      codec,
      fileBytes,
      ratio: sourceBytes / fileBytes,
      bitsPerWeight: elements ? (bytes * 8) / elements : 0,
      sqnrMinDb: sqnrs.length ? Math.min(...sqnrs) : Infinity,
      sqnrMeanDb: sqnrs.length ? sqnrs.reduce((a, b) => a + b, 0) / sqnrs.length : Infinity,
      fellBack: report.fellBack.length,
      seconds,
    };
  });

  const out = { model, sourceBytes, codecs: rows, gguf: { path: gguf, tensors: ggufInfo.totals.tensors, bytes: ggufReport.bytesOut }, roundTrip: sameLayout };
  if (!json) {
    console.log(
      table(
        ['codec', 'file size', 'ratio', 'bits/w', 'SQNR min dB', 'SQNR mean dB', 'fell back', 'seconds'],
        rows.map((r) => [r.codec, formatBytes(r.fileBytes), r.ratio, r.bitsPerWeight, r.sqnrMinDb, r.sqnrMeanDb, r.fellBack, r.seconds]),
      ),
    );
    console.log(`\nratio: sample file bytes / compressed file bytes; bits/w and SQNR over the compressed tensors.`);
    console.log(`GGUF: ${gguf} opens as GGUF with ${ggufInfo.totals.tensors} tensors (${formatBytes(ggufReport.bytesOut)} of tensor data).`);
    console.log(`round trip: ${back} ${sameLayout ? 'has every tensor back in its source dtype' : 'DIFFERS from the source layout'}.`);
    console.log(`files are in ${dir}`);
  }
  return { ok: sameLayout, json: out };
}
