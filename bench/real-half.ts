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
 *   npx tsx bench/real-half.ts [--json] [--min-gain <x>] [path ...]
 *   npx tsx bench/real-half.ts --speed [--speed-gains 0,0.02] [--repeat 15]
 */
import { parseArgs } from 'node:util';
import { codecByName } from '../src/codecs/registry.js';
import { planCompact } from '../src/codecs/lossless/huffman-compact.js';
import { histogram } from '../src/codecs/lossless/huffman.js';
import { splitPlanes } from '../src/codecs/lossless/planes.js';
import { zstdSize } from '../src/jobs/zstd-optional.js';
import { Rng } from '../src/random/rng.js';
import { f16BitsToF32, f32ToBf16Bits } from '../src/tensor/half.js';
import { Tensor } from '../src/tensor/tensor.js';
import { type Half, inputs, readFile } from './real-half-inputs.js';

const { values, positionals } = parseArgs({
  options: {
    json: { type: 'boolean' },
    'min-gain': { type: 'string' },
    speed: { type: 'boolean' },
    'speed-gains': { type: 'string' },
    repeat: { type: 'string' },
    help: { type: 'boolean' },
  },
  allowPositionals: true,
});

const HELP = `byteplane vs zstd on real half-precision weights, per tensor and as one stream, with the entropy bound.

  npx tsx bench/real-half.ts [--json] [--min-gain <x>] [path ...]
      path: .onnx / .safetensors / .gguf / TF.js model.json files or folders
      (default: the models @vladmandic/human ships). --min-gain sets byteplane's
      minGain param (default: the codec's default).
  npx tsx bench/real-half.ts --speed [--speed-gains 0,0.01,0.02,0.05] [--repeat 15]
      decode MB/s of 16 MiB seeded F32/BF16/F16 weights for each minGain (median, best).`;

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
const params = byteplane.params(values['min-gain'] === undefined ? {} : { minGain: Number(values['min-gain']) });
const minGain = Number(params.minGain);

interface PlaneStats {
  n: number;
  hHi: number;
  hLo: number;
  hExp: number;
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
  return { n, hHi: entropy(hi, n), hLo: entropy(lo, n), hExp: entropy(exp, n) };
}

/**
 * Where one tensor's payload bytes go beyond the order-0 bound Σ n·H/8 over
 * its two planes, mirroring byteplane's choices (constant / coded when the
 * compact section saves ≥ minGain of the plane / raw; stored whole when the
 * frame says so): code lengths (Huffman's whole bits + the last byte's
 * padding), tables (value range + lengths + stream-length varint), planes
 * left raw (8 − H bits a value), and headers (frame, plane methods, constant
 * values) as the remainder.
 */
function losses(bytes: Uint8Array, stored: boolean): { codes: number; tables: number; raw: number } {
  const n = bytes.byteLength / 2;
  const planes = new Uint8Array(2 * n);
  splitPlanes(bytes, n, 2, true, planes);
  let codes = 0;
  let tables = 0;
  let raw = 0;
  for (let k = 0; k < 2; k++) {
    const counts = histogram(planes.subarray(k * n, (k + 1) * n));
    const h = entropy(counts, n);
    const distinct = counts.reduce((a, c) => a + (c > 0 ? 1 : 0), 0);
    if (stored) raw += n - (n * h) / 8;
    else if (distinct > 1) {
      const plan = planCompact(counts);
      const gain = n - plan.sectionBytes;
      if (gain > 0 && gain >= minGain * n) {
        codes += plan.streamBytes - (n * h) / 8;
        tables += plan.sectionBytes - plan.streamBytes;
      } else raw += n - (n * h) / 8;
    }
  }
  return { codes, tables, raw };
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
  /** Ratio points between byteplane and the bound: code lengths, tables, planes left raw, headers. */
  lostCodes: number;
  lostTables: number;
  lostRaw: number;
  lostHeaders: number;
  /** Units the frame stored whole (mode 0). */
  storedUnits: number;
}

function measure(model: string, view: string, dtype: Half, units: Uint8Array[]): Row {
  const total = units.reduce((a, u) => a + u.byteLength, 0);
  let size = 0;
  let bound = 0;
  let boundRawLo = 0;
  let codes = 0;
  let tables = 0;
  let raw = 0;
  let storedUnits = 0;
  let z3: number | undefined = 0;
  let z19: number | undefined = 0;
  for (const u of units) {
    const tensor = new Tensor(dtype, [u.byteLength / 2], u);
    const payload = byteplane.encode(tensor, params);
    const back = byteplane.decode(payload, tensor.shape, dtype, params);
    if (Buffer.compare(back.bytes, u) !== 0) throw new Error(`${model} ${view}: byteplane did not round-trip`);
    size += payload.byteLength;
    const s = planeStats(dtype, u);
    bound += (s.n * (s.hHi + s.hLo)) / 8;
    boundRawLo += (s.n * (s.hHi + 8)) / 8;
    const stored = payload[0] === 0;
    if (stored) storedUnits++;
    const l = losses(u, stored);
    codes += l.codes;
    tables += l.tables;
    raw += l.raw;
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
    lostRaw: raw / total,
    lostHeaders: (size - bound - codes - tables - raw) / total,
    storedUnits,
  };
}

/**
 * --speed: decode MB/s (of output) of 16 MiB of seeded weight-like values in
 * F32, BF16 and F16 (as bench/kernels.ts builds them) for each minGain given
 * (--speed-gains, default 0,0.01,0.02,0.05), median of --repeat decodes.
 */
function speed(): void {
  const gains = (values['speed-gains'] ?? '0,0.01,0.02,0.05').split(',').map(Number);
  const repeat = Number(values.repeat ?? 15);
  const n = 1 << 22;
  const x = new Rng(1).normalArray(2 * n);
  for (let i = 0; i < 2 * n; i++) x[i] *= i < n ? 0.02 : 0.013;
  const tensors: [string, Tensor][] = [
    ['F32', Tensor.fromF32(x.subarray(0, n), [n])],
    ['BF16', Tensor.fromF32As('BF16', x, [2 * n])],
    ['F16', Tensor.fromF32As('F16', x, [2 * n])],
  ];
  console.log(`| dtype | minGain | ratio | planes (0 raw, 1 huffman, 2 constant) | decode MB/s median | best |`);
  console.log('|---|---:|---:|---|---:|---:|');
  for (const [name, t] of tensors) {
    for (const g of gains) {
      const p = byteplane.params({ minGain: g });
      const payload = byteplane.encode(t, p);
      const P = t.bytes.byteLength / t.numel;
      const ms: number[] = [];
      for (let k = 0; k < repeat + 2; k++) {
        const t0 = performance.now();
        byteplane.decode(payload, t.shape, t.dtype, p);
        if (k >= 2) ms.push(performance.now() - t0); // two warm-up decodes
      }
      ms.sort((a, b) => a - b);
      const rate = (m: number): string => (t.bytes.byteLength / 1e6 / (m / 1000)).toFixed(0);
      const methods = payload[0] === 1 ? Array.from(payload.subarray(3, 3 + P)).join(',') : 'stored';
      console.log(`| ${name} | ${g} | ${(payload.byteLength / t.bytes.byteLength).toFixed(4)} | ${methods} | ${rate(ms[ms.length >> 1])} | ${rate(ms[0])} |`);
    }
  }
}

// ---- run -------------------------------------------------------------------

if (values.help) {
  console.log(HELP);
  process.exit(0);
}
if (values.speed) {
  speed();
  process.exit(0);
}
const rows: Row[] = [];
const all: Record<Half, Uint8Array[]> = { F16: [], BF16: [] };
for (const file of inputs(positionals)) {
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
  console.log(`byteplane params: ${JSON.stringify(params)}\n`);
  console.log('| model | view | values | tensors | stored whole | byteplane | zstd -3 | zstd -19 | H_exp | H_hi | H_lo | bound (H_hi+H_lo)/16 | bound (H_hi+8)/16 | lost: code lengths | lost: tables | lost: raw planes | lost: headers |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.model} | ${r.view} | ${r.values} | ${r.tensors} | ${r.storedUnits} | ${f(r.byteplane)} | ${f(r.zstd3)} | ${f(r.zstd19)} | ${f(r.hExp, 3)} | ${f(r.hHi, 3)} | ${f(r.hLo, 3)} | ${f(r.bound)} | ${f(r.boundRawLo)} | ${f(r.lostCodes)} | ${f(r.lostTables)} | ${f(r.lostRaw)} | ${f(r.lostHeaders)} |`,
    );
  }
  console.log('\nratios are output/input bytes (lower is better); zstd codes the same units (whole model, or each tensor for /tensor views).');
  console.log('H_* are bits per value over the whole model; bounds sum over the coded units. lost: ratio points between byteplane and the');
  console.log('(H_hi+H_lo)/16 bound: Huffman code lengths, tables, planes left raw (minGain, or no gain), headers; they add up to byteplane − bound.');
}
