/**
 * Kernel benchmark: decode to f32, native vs the TS reference, each as a
 * ratio to memcpy of the same f32 output bytes; and the fused mat-vec
 * kernels as effective bandwidth over the compressed weight bytes ÷ a plain
 * streaming read of the same number of bytes (Buffer#indexOf over written
 * memory: a memchr), plus the speed-up over decode-then-multiply (native
 * decode into a reused f32 buffer, then a TS f32 mat-vec). One thread.
 *
 * Every ratio is measured interleaved: a kernel and its baseline take turns
 * (`rounds` rounds, each the best time over a short window, the order
 * reversed every other round) and the ratio is the median of the per-round
 * ratios — so both sides see the same load. A baseline measured once up
 * front made every ratio hostage to that one moment (a read once ran at
 * 1.2 GB/s under load). `npx tsx bench/kernels.ts --json` prints JSON.
 */
import { best } from '../src/jobs/bench-codecs.js';
import { pathToFileURL } from 'node:url';
import { SystemClock } from '../src/clock/index.js';
import { CODECS } from '../src/codecs/registry.js';
import { nf4 } from '../src/codecs/nf4.js';
import { int8 } from '../src/codecs/int8.js';
import { byteplane } from '../src/codecs/byteplane.js';
import { quantizeRowQ6_K } from '../src/codecs/q6_k.js';
import { quantizeRowQ8_0 } from '../src/codecs/q8_0.js';
import { quantizeRowQ4_0 } from '../src/codecs/q4_0.js';
import { quantizeRowQ4_K } from '../src/codecs/q4_k.js';
import { encodeKernelRows } from './encode-kernels.js';
import { Rng } from '../src/random/rng.js';
import { Tensor } from '../src/tensor/tensor.js';
import { bytesToF32 } from '../src/tensor/convert.js';
import { f32ToBf16Bits, f32ToF16Bits } from '../src/tensor/half.js';
import { NATIVE_GGML, kernelLevel, kernels, nativeStatus, setNativeKernels } from '../src/kernels/index.js';

import { GGML_REF_ENCODE_GBPS, type DecodeBenchRow, type EncodeBenchRow, type FusedBatchRow, type FusedBenchRow, type HalfDecodeBenchRow, type KernelsBench, type KernelsBenchOptions, type LosslessEncodeRow } from './kernels-rows.js';
import { MB, REF_ROWS, interleave, llcBytes, median, randomBlocks, ratio, tiled, tsMatVec } from './kernels-timing.js';
export type * from './kernels-rows.js';

export function kernelsBench(options: KernelsBenchOptions = {}): KernelsBench {
  const clock = options.clock ?? new SystemClock();
  const minMs = options.minTimeMs ?? 150;
  const rounds = Math.max(1, Math.floor(options.rounds ?? 5));
  const windowMs = minMs / rounds;
  const timed = (fns: readonly (() => void)[]): number[][] => interleave(clock, windowMs, rounds, fns);
  const n = options.elements ?? 1 << 22;
  const rng = new Rng(7);
  const status = nativeStatus();
  const on = setNativeKernels(true);
  const out = new Float32Array(n);
  const copySrc = rng.normalArray(n);
  const memcpy = (): void => out.set(copySrc);
  const memcpyMs: number[] = [];
  const rate = (ms: number): number => (4 * n) / MB / (ms / 1000);

  const decode: DecodeBenchRow[] = [];
  const row = (codec: string, nativeFn: (() => void) | undefined, tsFn: () => void): void => {
    const t = timed(nativeFn ? [memcpy, tsFn, nativeFn] : [memcpy, tsFn]);
    const [mc, ts] = t;
    const nat = nativeFn ? t[2] : null;
    memcpyMs.push(...mc);
    decode.push({
      codec,
      nativeMBps: nat && rate(median(nat)),
      tsMBps: rate(median(ts)),
      speedup: nat && ratio(ts, nat),
      nativeVsMemcpy: nat && ratio(mc, nat),
      tsVsMemcpy: ratio(mc, ts),
    });
  };

  for (const c of CODECS) {
    const type = c.ggmlType;
    if (type === undefined || !(type in NATIVE_GGML)) continue;
    const payload = randomBlocks(type, n / NATIVE_GGML[type].qk, rng);
    const k = kernels.dequantize[type];
    row(c.name, k && (() => k(payload, out)), () => REF_ROWS[type](payload, out));
  }
  {
    const p = nf4.params({ blockSize: 64 });
    const payload = nf4.encode(Tensor.fromF32(copySrc, [n]), p);
    const absmax = new Float32Array(payload.buffer, 0, n / 64);
    const codes = payload.subarray(4 * (n / 64));
    const k = kernels.nf4Dequantize;
    row('nf4', k && (() => k(codes, absmax, 64, out)), () => {
      setNativeKernels(false);
      nf4.decode(payload, [n], 'F32', p);
      setNativeKernels(on);
    });
  }
  {
    const p = int8.params({ granularity: 'block', blockSize: 64 });
    const payload = int8.encode(Tensor.fromF32(copySrc, [n]), p);
    const scales = new Float32Array(payload.slice(0, 4 * (n / 64)).buffer);
    const q = new Int8Array(payload.buffer, payload.byteOffset + 4 * (n / 64), n);
    const k = kernels.int8Dequantize;
    row('int8', k && (() => k(q, scales, null, 64, out)), () => {
      setNativeKernels(false);
      int8.decode(payload, [n], 'F32', p);
      setNativeKernels(on);
    });
  }
  for (const dtype of ['F8_E4M3', 'F16', 'BF16'] as const) {
    const bytes = rng.bytes(dtype === 'F8_E4M3' ? n : 2 * n);
    if (dtype !== 'F8_E4M3') for (let i = 1; i < bytes.length; i += 2) bytes[i] &= 0xbf; // keep values finite
    const k = kernels.castToF32[dtype];
    row(dtype.toLowerCase(), k && (() => k(bytes, out)), () => bytesToF32(dtype, bytes, out));
  }

  const losslessEncode: LosslessEncodeRow[] = [];
  {
    // Lossless byte planes of weight-like values (Huffman exponent plane, raw
    // mantissa planes), 16 MiB of output in each dtype (2n elements for the
    // 16-bit ones); native = the Huffman kernel (multi-chain) + the native
    // plane merge (kernels on), TS = the reference kernels. MB/s of output.
    const p = byteplane.params();
    const w2 = new Float32Array(2 * n);
    for (let i = 0; i < 2 * n; i++) w2[i] = copySrc[i % n] * (i < n ? 0.02 : 0.013);
    const tensors: [string, Tensor][] = [
      ['byteplane', Tensor.fromF32(w2.subarray(0, n), [n])],
      ['byteplane bf16', Tensor.fromF32As('BF16', w2, [2 * n])],
      ['byteplane f16', Tensor.fromF32As('F16', w2, [2 * n])],
    ];
    const reference = <T>(fn: () => T): T => {
      setNativeKernels(false);
      try {
        return fn();
      } finally {
        setNativeKernels(on);
      }
    };
    for (const [label, t] of tensors) {
      const payload = byteplane.encode(t, p);
      const dec = (): void => void byteplane.decode(payload, t.shape, t.dtype, p);
      const tsDec = (): void => reference(dec);
      // A decode takes tens of ms, so `best` sees few runs: warm the JIT first.
      for (let k = 0; k < 3; k++) (dec(), tsDec());
      row(label, kernels.huffmanDecode && dec, tsDec);
      const enc = (): void => void byteplane.encode(t, p);
      const [tsEnc, nativeEnc] = timed(on ? [() => reference(enc), enc] : [() => reference(enc)]);
      losslessEncode.push({ codec: label, nativeMBps: nativeEnc ? rate(median(nativeEnc)) : null, tsMBps: rate(median(tsEnc)), ratio: payload.length / t.bytes.length });
    }
  }
  // Decode straight to f16/bf16 (output bytes vs memcpy of as many bytes).
  const decodeHalf: HalfDecodeBenchRow[] = [];
  if (on) {
    const half = new Uint16Array(n);
    const halfSrc = new Uint16Array(n).fill(0x3c00);
    const memcpy16 = (): void => half.set(halfSrc);
    const narrow = { F16: f32ToF16Bits, BF16: f32ToBf16Bits };
    const halfRow = (codec: string, to: 'F16' | 'BF16', direct: () => void, f32Decode: () => void): void => {
      const [mc, slow, ms] = timed([memcpy16, () => {
        f32Decode();
        const f = narrow[to];
        for (let i = 0; i < n; i++) half[i] = f(out[i]);
      }, direct]);
      const MBps = (2 * n) / MB / (median(ms) / 1000);
      decodeHalf.push({ codec, to, nativeMBps: MBps, nativeVsMemcpy: ratio(mc, ms), speedupVsDecodeThenNarrow: ratio(slow, ms) });
    };
    for (const type of [8, 2, 12, 14]) {
      const payload = randomBlocks(type, n / NATIVE_GGML[type].qk, rng);
      for (const to of ['F16', 'BF16'] as const) {
        const k = (to === 'F16' ? kernels.dequantizeF16 : kernels.dequantizeBf16)[type]!;
        halfRow(NATIVE_GGML[type].name, to, () => k(payload, half), () => kernels.dequantize[type]!(payload, out));
      }
    }
    const codes = rng.bytes(n / 2);
    const absmax = new Float32Array(n / 64).fill(0.75);
    for (const to of ['F16', 'BF16'] as const) {
      const k = to === 'F16' ? kernels.nf4DequantizeF16! : kernels.nf4DequantizeBf16!;
      halfRow('nf4', to, () => k(codes, absmax, 64, half), () => kernels.nf4Dequantize!(codes, absmax, 64, out));
    }
  }

  // Fused mat-vec: 4096×4096 (fits the LLC) and a matrix of ~2 × LLC
  // compressed bytes, each against a streaming read (memchr) of as many bytes.
  const llc = llcBytes();
  const bigBytes = options.outOfCacheBytes ?? Math.max(2 * llc, 256 * 1024 ** 2);
  const cols = 4096;
  const xs = rng.normalArray(8 * cols);
  const x = xs.subarray(0, cols);
  const ys = new Float32Array(8 * Math.max(4096, Math.ceil(bigBytes / 1024)));
  const wf32 = new Float32Array(4096 * cols);
  // The bytes must be written first: a never-touched Buffer.alloc is the
  // kernel's shared zero page, so memchr over it reads one 4 KiB page from L1
  // over and over (that inflated this baseline ~2.5× before: 39 vs ~15 GB/s).
  // Both reads are timed interleaved with the kernels they are compared to.
  const smallReadBytes = 4096 * 4352;
  const onesSmall = on ? Buffer.alloc(smallReadBytes, 1) : Buffer.alloc(0);
  const onesBig = on ? Buffer.alloc(bigBytes, 1) : Buffer.alloc(0);
  const readSmall = (): void => void onesSmall.indexOf(0);
  const readBig = (): void => void onesBig.indexOf(0);
  const readSmallMs: number[] = [];
  const readBigMs: number[] = [];
  const fused: FusedBenchRow[] = [];
  const fusedBatch: FusedBatchRow[] = [];
  type Mv = (w: Uint8Array, rows: number, act: 'int8' | 'f32', batch: number) => void;
  const fusedRows = (codec: string, bytesPerRow: number, make: (rows: number) => Uint8Array, mv: Mv, decodeFn: (w: Uint8Array) => void, acts: ('int8' | 'f32')[]): void => {
    const small = make(4096);
    const bigRows = Math.max(1, Math.floor(bigBytes / bytesPerRow));
    const big = make(bigRows);
    const dtm = (): void => {
      decodeFn(small);
      tsMatVec(wf32, 4096, cols, x, ys);
    };
    // In cache: [read, each activation kind, decode-then-multiply]; out of cache: [read, each kind].
    const [rs, ...inCache] = timed([readSmall, ...acts.map((act) => () => mv(small, 4096, act, 1)), dtm]);
    const dtmMs = inCache.pop()!;
    const [rb, ...outOfCache] = timed([readBig, ...acts.map((act) => () => mv(big, bigRows, act, 1))]);
    readSmallMs.push(...rs);
    readBigMs.push(...rb);
    acts.forEach((act, k) => {
      const bigMs = outOfCache[k];
      const smallMs = inCache[k];
      // All compressed bytes read (NF4: codes and the f32 absmax).
      const bigW = bigRows * bytesPerRow;
      fused.push({
        codec, activations: act, rows: bigRows, cols,
        GBps: bigW / 1e9 / (median(bigMs) / 1000),
        bandwidthRatio: (bigW / bigBytes) * ratio(rb, bigMs),
        bandwidthRatioInCache: ((4096 * bytesPerRow) / smallReadBytes) * ratio(rs, smallMs),
        speedupVsDecodeThenMultiply: ratio(dtmMs, smallMs),
      });
    });
    const batches = [1, 2, 4, 8];
    const perBatch = timed(batches.map((batch) => () => mv(big, bigRows, acts[0], batch)));
    batches.forEach((batch, k) => {
      if (k > 0) fusedBatch.push({ codec, batch, speedupPerVector: ratio(perBatch[0].map((ms) => ms * batch), perBatch[k]) });
    });
  };
  if (on) {
    for (const c of CODECS) {
      const type = c.ggmlType;
      const mvk = type === undefined ? undefined : kernels.matvec[type];
      if (type === undefined || !mvk) continue;
      const g = NATIVE_GGML[type];
      const make = (rows: number): Uint8Array => {
        const bytes = (rows * cols * g.bytes) / g.qk;
        return tiled(bytes, g.bytes, rng, (chunk) => chunk.set(randomBlocks(type, chunk.length / g.bytes, rng)));
      };
      fusedRows(c.name, (cols / g.qk) * g.bytes, make, (w, rows, act, batch) => {
        mvk(w, rows, cols, xs.subarray(0, batch * cols), ys.subarray(0, batch * rows), { activations: act, batch });
      }, (w) => kernels.dequantize[type]!(w, wf32), ['int8', 'f32']);
    }
    const absmaxOf = (rows: number): Float32Array => {
      const a = new Float32Array((rows * cols) / 64);
      for (let i = 0; i < a.length; i++) a[i] = 0.5 + (i % 97) / 97;
      return a;
    };
    const abs = new Map<number, Float32Array>();
    fusedRows('nf4', cols / 2 + (4 * cols) / 64, (rows) => {
      abs.set(rows, absmaxOf(rows));
      return tiled((rows * cols) / 2, 1, rng, () => {});
    }, (w, rows, act, batch) => {
      kernels.nf4MatVec!(w, abs.get(rows)!, 64, rows, cols, xs.subarray(0, batch * cols), ys.subarray(0, batch * rows), { batch, activations: act });
    }, (w) => kernels.nf4Dequantize!(w, abs.get(4096)!, 64, wf32), ['int8', 'f32']);
  }

  // Encode (quantize) f32 -> GGML blocks: GB/s of f32 input, native kernel vs TS
  // reference, beside ggml's reference quantizer figures. The K-quant TS
  // rows are slow (~MB/s), so they get a smaller input.
  const encode: EncodeBenchRow[] = [];
  const QUANT_REF: Record<number, (src: Float32Array, dst: Uint8Array) => void> = {
    8: quantizeRowQ8_0, 2: quantizeRowQ4_0, 12: quantizeRowQ4_K, 14: quantizeRowQ6_K,
  };
  for (const [key, ref] of Object.entries(QUANT_REF)) {
    const type = Number(key);
    const g = NATIVE_GGML[type];
    const m = g.qk === 256 ? n / 8 : n;
    const src = copySrc.subarray(0, m);
    const dst = new Uint8Array((m / g.qk) * g.bytes);
    const gbps = (ms: number, values: number): number => (4 * values) / 1e9 / (ms / 1000);
    const k = kernels.quantize[type];
    const tsValues = g.qk === 256 ? Math.min(m, 1 << 15) : m;
    const tsFn = (): void => void ref(src.subarray(0, tsValues), dst.subarray(0, (tsValues / g.qk) * g.bytes));
    const [tsMs, nativeMs] = timed(k ? [tsFn, () => void k(src, dst)] : [tsFn]);
    encode.push({ codec: g.name, nativeGBps: nativeMs ? gbps(median(nativeMs), m) : null, tsGBps: gbps(median(tsMs), tsValues), ggmlRefGBps: GGML_REF_ENCODE_GBPS[type] ?? null });
  }
  // Q4_1 / Q5_x, NF4, INT8 and f32 → f16/bf16/fp8 casts (bench/encode-kernels.ts); whole 4096-value rows.
  const encodeSrc = copySrc.subarray(0, Math.floor(n / 4096) * 4096);
  if (encodeSrc.length > 0) for (const r of encodeKernelRows(encodeSrc, timed)) encode.push({ ...r, ggmlRefGBps: null });

  const mbps = (bytes: number, ms: number[]): number => (ms.length ? bytes / MB / (median(ms) / 1000) : 0);
  return {
    native: { loaded: status.loaded, level: kernelLevel(), ...(status.reason ? { reason: status.reason } : {}) },
    elements: n,
    method: { rounds, windowMs },
    baseline: {
      memcpyMBps: mbps(4 * n, memcpyMs),
      streamReadMBps: mbps(bigBytes, readBigMs),
      streamReadInCacheMBps: mbps(smallReadBytes, readSmallMs),
      llcBytes: llc,
      outOfCacheBytes: bigBytes,
    },
    decode,
    decodeHalf,
    fused,
    fusedBatch,
    encode,
    losslessEncode,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  const arg = (name: string): number | undefined => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? Number(process.argv[i + 1]) : undefined;
  };
  const r = kernelsBench({ minTimeMs: quick ? 30 : 150, elements: quick ? 1 << 20 : 1 << 22, rounds: arg('--rounds') ?? (quick ? 3 : 5) });
  if (process.argv.includes('--json')) console.log(JSON.stringify(r));
  else {
    console.log(`native: ${r.native.loaded ? r.native.level : `missing (${r.native.reason})`}; memcpy ${r.baseline.memcpyMBps.toFixed(0)} MB/s; ratios: medians of ${r.method.rounds} interleaved rounds`);
    console.table(r.decode.map((d) => ({ ...d, nativeMBps: d.nativeMBps?.toFixed(0), tsMBps: d.tsMBps.toFixed(0) })));
    console.table(r.decodeHalf);
    console.log('byteplane encode, MB/s of input:');
    console.table(r.losslessEncode);
    console.log(`fused: stream read ${r.baseline.streamReadMBps.toFixed(0)} MB/s out of cache (${(r.baseline.outOfCacheBytes / 2 ** 20).toFixed(0)} MiB; LLC ${(r.baseline.llcBytes / 2 ** 20).toFixed(0)} MiB), ${r.baseline.streamReadInCacheMBps.toFixed(0)} MB/s in cache`);
    console.table(r.fused);
    console.table(r.fusedBatch);
    console.log('encode (quantize), GB/s of f32 input:');
    console.table(r.encode);
  }
}
