/**
 * byteplane on real half-precision weights (issue 5): weights that a model
 * ships in F16/BF16 itself, not F32 weights we cast. Per model: byteplane's
 * ratio, zstd -3 / -19 on the same bytes, and the order-0 entropy of each
 * byte plane, which bounds any byte-plane coder (ZipNN's scheme): for the
 * sign-rotated planes (lossless/planes.ts) the bound is (H_hi + H_lo) / 16,
 * where H_hi is the exponent plane's entropy (BF16: the 8 exponent bits;
 * F16: 5 exponent + 3 mantissa bits) and H_lo ≈ 8 (mantissa, raw).
 *
 * Views per model:
 *   F16        the shipped half weights, all tensors concatenated (file order);
 *   F16/tensor the same tensors coded one by one (as the hive stores them),
 *              so per-section overhead shows;
 *   BF16       the same values re-rounded to BF16 (exponents exact, mantissa
 *              10 → 7 bits): the dtype the goal names, from real half weights.
 *
 * Inputs (files, or folders searched for them): .onnx (FLOAT16/BFLOAT16
 * initializers), .safetensors, .gguf (F16/BF16 tensors), and TF.js
 * model.json files whose weights are stored as float16 (quantization
 * dtype 'float16'). Without arguments: the models @vladmandic/human ships.
 *
 *   npx tsx bench/real-half.ts [--json] [path ...]
 */
import { createRequire } from 'node:module';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { codecByName } from '../src/codecs/registry.js';
import { histogram, planHuffman } from '../src/codecs/lossless/huffman.js';
import { splitPlanes } from '../src/codecs/lossless/planes.js';
import { GgufReader } from '../src/format/gguf-reader.js';
import { OnnxReader } from '../src/format/onnx-reader.js';
import { SafetensorsReader } from '../src/format/safetensors-reader.js';
import { zstdSize } from '../src/jobs/zstd-optional.js';
import { f16BitsToF32, f32ToBf16Bits } from '../src/tensor/half.js';
import { Tensor } from '../src/tensor/tensor.js';

type Half = 'F16' | 'BF16';
interface HalfModel {
  name: string;
  dtype: Half;
  tensors: Uint8Array[];
}

const { values, positionals } = parseArgs({ options: { json: { type: 'boolean' } }, allowPositionals: true });

// ---- readers ---------------------------------------------------------------

const isHalf = (d: string): d is Half => d === 'F16' || d === 'BF16';

/** Half tensors of one file, grouped by dtype (a file may hold both). */
async function readFile(path: string): Promise<HalfModel[]> {
  const byDtype = new Map<Half, Uint8Array[]>();
  const add = (d: Half, b: Uint8Array): void => {
    if (b.byteLength > 0) byDtype.set(d, [...(byDtype.get(d) ?? []), b]);
  };
  const ext = extname(path);
  if (ext === '.onnx') {
    const r = await OnnxReader.open(path);
    try {
      for (const t of r.tensors) if (isHalf(t.dtype)) add(t.dtype, (await r.read(t.name)).bytes);
    } finally {
      await r.close();
    }
  } else if (ext === '.safetensors') {
    const r = await SafetensorsReader.open(path);
    try {
      for (const t of r.tensors) if (isHalf(t.dtype)) add(t.dtype, await r.readBytes(t.name));
    } finally {
      await r.close();
    }
  } else if (ext === '.gguf') {
    const r = await GgufReader.open(path);
    try {
      for (const t of r.tensors) if (isHalf(t.typeName)) add(t.typeName, await r.readBytes(t.name));
    } finally {
      await r.close();
    }
  } else if (ext === '.json') {
    for (const b of tfjsFloat16(path)) add('F16', b);
  }
  return [...byDtype].map(([dtype, tensors]) => ({ name: basename(path), dtype, tensors }));
}

interface TfjsWeight {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string };
}

/**
 * The float16-stored weights of a TF.js graph model (src/format has no TF.js
 * reader yet). Layout: each weightsManifest group's shard files (`paths`)
 * concatenated hold its weights back to back in manifest order; a weight
 * quantized to 'float16' takes 2 bytes per value, 'uint8' 1, 'uint16' 2,
 * otherwise 4 (float32/int32) or 1 (bool).
 */
function tfjsFloat16(path: string): Uint8Array[] {
  let model: { weightsManifest?: { paths: string[]; weights: TfjsWeight[] }[] };
  try {
    model = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return [];
  }
  const out: Uint8Array[] = [];
  for (const group of model.weightsManifest ?? []) {
    const data = Buffer.concat(group.paths.map((p) => readFileSync(join(dirname(path), p))));
    let at = 0;
    for (const w of group.weights) {
      const n = w.shape.reduce((a, b) => a * b, 1);
      const q = w.quantization?.dtype;
      const width = q === 'float16' || q === 'uint16' ? 2 : q === 'uint8' || w.dtype === 'bool' ? 1 : 4;
      if (q === 'float16') out.push(new Uint8Array(data.buffer, data.byteOffset + at, n * 2));
      at += n * width;
    }
    if (at !== data.byteLength) throw new Error(`${path}: manifest covers ${at} bytes, shards hold ${data.byteLength}`);
  }
  return out;
}

function inputs(): string[] {
  let roots = positionals;
  if (roots.length === 0) {
    try {
      roots = [join(dirname(createRequire(import.meta.url).resolve('@vladmandic/human/package.json')), 'models')];
    } catch {
      console.error('no input: pass .onnx/.safetensors/.gguf/tfjs model.json paths or folders, or install @vladmandic/human');
      process.exit(2);
    }
  }
  const files: string[] = [];
  const walk = (p: string): void => {
    if (statSync(p).isDirectory()) for (const e of readdirSync(p).sort()) walk(join(p, e));
    else if (['.onnx', '.safetensors', '.gguf', '.json'].includes(extname(p))) files.push(p);
  };
  roots.forEach(walk);
  return files;
}

// ---- measures --------------------------------------------------------------

const entropy = (counts: ArrayLike<number>, n: number): number => {
  let h = 0;
  for (let v = 0; v < counts.length; v++) if (counts[v] > 0) h -= (counts[v] / n) * Math.log2(counts[v] / n);
  return h;
};

/** F16 bits → BF16 bits (round to nearest even, exponents kept). */
function toBf16(f16: Uint8Array): Uint8Array {
  const src = new Uint16Array(f16.buffer.slice(f16.byteOffset, f16.byteOffset + f16.byteLength));
  const dst = new Uint16Array(src.length);
  for (let i = 0; i < src.length; i++) dst[i] = f32ToBf16Bits(f16BitsToF32(src[i]));
  return new Uint8Array(dst.buffer);
}

const byteplane = codecByName('byteplane');
interface PlaneStats {
  n: number;
  hHi: number;
  hLo: number;
  hExp: number;
  /** Bits per value a 12-bit-limited Huffman plan spends beyond the entropy, on each plane it would code. */
  hiExcess: number;
  loExcess: number;
  /** Huffman table + length bytes per coded section. */
  tables: number;
}

function planeStats(dtype: Half, bytes: Uint8Array): PlaneStats {
  const n = bytes.byteLength / 2;
  const planes = new Uint8Array(2 * n);
  splitPlanes(bytes, n, 2, true, planes);
  const hi = histogram(planes.subarray(n));
  const lo = histogram(planes.subarray(0, n));
  const expBits = dtype === 'BF16' ? 8 : 5;
  const exp = new Float64Array(1 << expBits);
  for (let v = 0; v < 256; v++) exp[v >> (8 - expBits)] += hi[v];
  const excess = (counts: Float64Array, h: number): [number, number] => {
    const plan = planHuffman(counts);
    if (plan.sectionBytes >= n) return [0, 0]; // stored raw
    let bits = 0;
    for (let v = 0; v < 256; v++) bits += counts[v] * plan.lens[v];
    return [bits / n - h, plan.sectionBytes - plan.streamBytes];
  };
  const hHi = entropy(hi, n);
  const hLo = entropy(lo, n);
  const [hiExcess, hiTable] = excess(hi, hHi);
  const [loExcess, loTable] = excess(lo, hLo);
  return { n, hHi, hLo, hExp: entropy(exp, n), hiExcess, loExcess, tables: hiTable + loTable };
}

interface Row {
  model: string;
  view: string;
  values: number;
  tensors: number;
  byteplane: number;
  zstd3?: number;
  zstd19?: number;
  hExp: number;
  hHi: number;
  hLo: number;
  /** Σ n·(H_hi + H_lo) / 16n over the coded units (whole model or each tensor): the order-0 byte-plane bound. */
  bound: number;
  /** Σ n·(H_hi + 8) / 16n: the bound when the low plane is stored raw (ZipNN's scheme). */
  boundRawLo: number;
  /** Ratio points lost to Huffman code lengths, to tables/headers, in all. */
  lostCodes: number;
  lostTables: number;
}

function measure(model: string, view: string, dtype: Half, units: Uint8Array[]): Row {
  const total = units.reduce((a, u) => a + u.byteLength, 0);
  let size = 0;
  let bound = 0;
  let boundRawLo = 0;
  let codes = 0;
  let tables = 0;
  let z3: number | undefined = 0;
  let z19: number | undefined = 0;
  for (const u of units) {
    const tensor = new Tensor(dtype, [u.byteLength / 2], u);
    const payload = byteplane.encode(tensor, byteplane.params({}));
    const back = byteplane.decode(payload, tensor.shape, dtype, byteplane.params({}));
    if (Buffer.compare(back.bytes, u) !== 0) throw new Error(`${model} ${view}: byteplane did not round-trip`);
    size += payload.byteLength;
    const s = planeStats(dtype, u);
    bound += (s.n * (s.hHi + s.hLo)) / 8;
    boundRawLo += (s.n * (s.hHi + 8)) / 8;
    codes += (s.n * (s.hiExcess + s.loExcess)) / 8;
    tables += s.tables;
    const a = zstdSize(u, 3);
    const b = zstdSize(u, 19);
    z3 = a === undefined || z3 === undefined ? undefined : z3 + a;
    z19 = b === undefined || z19 === undefined ? undefined : z19 + b;
  }
  const whole = units.length === 1 ? planeStats(dtype, units[0]) : planeStats(dtype, new Uint8Array(Buffer.concat(units)));
  return {
    model,
    view,
    values: total / 2,
    tensors: units.length,
    byteplane: size / total,
    zstd3: z3 === undefined ? undefined : z3 / total,
    zstd19: z19 === undefined ? undefined : z19 / total,
    hExp: whole.hExp,
    hHi: whole.hHi,
    hLo: whole.hLo,
    bound: bound / total,
    boundRawLo: boundRawLo / total,
    lostCodes: codes / total,
    lostTables: tables / total,
  };
}

// ---- run -------------------------------------------------------------------

const rows: Row[] = [];
const all: Record<Half, Uint8Array[]> = { F16: [], BF16: [] };
for (const file of inputs()) {
  for (const m of await readFile(file)) {
    const flat = new Uint8Array(Buffer.concat(m.tensors));
    all[m.dtype].push(...m.tensors);
    rows.push(measure(m.name, m.dtype, m.dtype, [flat]));
    rows.push(measure(m.name, `${m.dtype}/tensor`, m.dtype, m.tensors));
    if (m.dtype === 'F16') {
      const bf = m.tensors.map(toBf16);
      all.BF16.push(...bf);
      rows.push(measure(m.name, 'BF16', 'BF16', [new Uint8Array(Buffer.concat(bf))]));
      rows.push(measure(m.name, 'BF16/tensor', 'BF16', bf));
    }
    if (!values.json) process.stderr.write(`  ${m.name}: ${m.tensors.length} ${m.dtype} tensors, ${flat.byteLength / 2} values\n`);
  }
}
for (const dtype of ['F16', 'BF16'] as const) {
  if (all[dtype].length < 2) continue;
  rows.push(measure('(all)', dtype, dtype, [new Uint8Array(Buffer.concat(all[dtype]))]));
  rows.push(measure('(all)', `${dtype}/tensor`, dtype, all[dtype]));
}

if (values.json) {
  console.log(JSON.stringify(rows));
} else {
  const f = (x: number | undefined, d = 4): string => (x === undefined ? '-' : x.toFixed(d));
  console.log('| model | view | values | tensors | byteplane | zstd -3 | zstd -19 | H_exp | H_hi | H_lo | bound (H_hi+H_lo)/16 | bound (H_hi+8)/16 | lost: code lengths | lost: tables |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.model} | ${r.view} | ${r.values} | ${r.tensors} | ${f(r.byteplane)} | ${f(r.zstd3)} | ${f(r.zstd19)} | ${f(r.hExp, 3)} | ${f(r.hHi, 3)} | ${f(r.hLo, 3)} | ${f(r.bound)} | ${f(r.boundRawLo)} | ${f(r.lostCodes)} | ${f(r.lostTables)} |`,
    );
  }
  console.log('\nratios are output/input bytes (lower is better); zstd codes the same units (whole model, or each tensor for /tensor views).');
  console.log('H_* are bits per value over the whole model; bounds sum over the coded units. lost: ratio points spent on Huffman code lengths and on tables.');
}
