/**
 * Kernel benchmark: decode to f32, native vs the TS reference, each as a
 * ratio to memcpy of the same f32 output bytes measured in the same run; and
 * the fused mat-vec kernels as effective bandwidth over the compressed
 * weight bytes ÷ a plain streaming read of the same number of bytes
 * (Buffer#indexOf over zeros: a memchr), plus the speed-up over
 * decode-then-multiply (native decode into a reused f32 buffer, then a TS
 * f32 mat-vec). One thread. `npx tsx bench/kernels.ts --json` prints JSON.
 */
import { best } from '../src/jobs/bench-codecs.js';
import { pathToFileURL } from 'node:url';
import { SystemClock, type Clock } from '../src/clock/index.js';
import { CODECS } from '../src/codecs/registry.js';
import { nf4 } from '../src/codecs/nf4.js';
import { dequantizeRowQ8_0 } from '../src/codecs/q8_0.js';
import { dequantizeRowQ4_0 } from '../src/codecs/q4_0.js';
import { dequantizeRowQ4_1 } from '../src/codecs/q4_1.js';
import { dequantizeRowQ5_0 } from '../src/codecs/q5_0.js';
import { dequantizeRowQ5_1 } from '../src/codecs/q5_1.js';
import { dequantizeRowQ4_K } from '../src/codecs/q4_k.js';
import { dequantizeRowQ6_K } from '../src/codecs/q6_k.js';
import { Rng } from '../src/random/rng.js';
import { Tensor } from '../src/tensor/tensor.js';
import { bytesToF32 } from '../src/tensor/convert.js';
import { NATIVE_GGML, kernelLevel, kernels, nativeStatus, setNativeKernels } from '../src/kernels/index.js';

export interface DecodeBenchRow {
  codec: string;
  nativeMBps: number | null;
  tsMBps: number;
  /** native ÷ TS reference. */
  speedup: number | null;
  /** (f32 bytes / decode time) ÷ (same bytes / memcpy time). */
  nativeVsMemcpy: number | null;
  tsVsMemcpy: number;
}

export interface FusedBenchRow {
  codec: string;
  rows: number;
  cols: number;
  weightBytes: number;
  bandwidthRatio: number;
  speedupVsDecodeThenMultiply: number;
}

export interface KernelsBench {
  native: { loaded: boolean; level: string; reason?: string };
  elements: number;
  baseline: { memcpyMBps: number; streamReadMBps: number };
  decode: DecodeBenchRow[];
  fused: FusedBenchRow[];
}

export interface KernelsBenchOptions {
  /** Minimum time per measurement in ms (default 150). */
  minTimeMs?: number;
  /** Values decoded per call (default 2^22: 16 MiB of f32, past the caches). */
  elements?: number;
  clock?: Clock;
}


const MB = 1e6;
const REF_ROWS: Record<number, (src: Uint8Array, dst: Float32Array) => void> = {
  8: dequantizeRowQ8_0, 2: dequantizeRowQ4_0, 3: dequantizeRowQ4_1, 6: dequantizeRowQ5_0,
  7: dequantizeRowQ5_1, 12: dequantizeRowQ4_K, 14: dequantizeRowQ6_K,
};

/** Seeded random blocks with finite fp16 scales (exponent 10..17). */
function randomBlocks(type: number, blocks: number, rng: Rng): Uint8Array {
  const { bytes } = NATIVE_GGML[type];
  const p = rng.bytes(blocks * bytes);
  const fields = type === 14 ? [208] : [3, 7, 12].includes(type) ? [0, 2] : [0];
  for (let b = 0; b < blocks; b++) {
    for (const off of fields) p[b * bytes + off + 1] = (p[b * bytes + off + 1] & 0x83) | ((10 + rng.int(8)) << 2);
  }
  return p;
}

function tsMatVec(w: Float32Array, rows: number, cols: number, x: Float32Array, y: Float32Array): void {
  for (let r = 0; r < rows; r++) {
    let s = 0;
    const o = r * cols;
    for (let c = 0; c < cols; c++) s += w[o + c] * x[c];
    y[r] = s;
  }
}

export function kernelsBench(options: KernelsBenchOptions = {}): KernelsBench {
  const clock = options.clock ?? new SystemClock();
  const minMs = options.minTimeMs ?? 150;
  const n = options.elements ?? 1 << 22;
  const rng = new Rng(7);
  const status = nativeStatus();
  const on = setNativeKernels(true);
  const out = new Float32Array(n);
  const copySrc = rng.normalArray(n);
  const memcpyMs = best(clock, minMs, () => out.set(copySrc));
  const memcpyMBps = (4 * n) / MB / (memcpyMs / 1000);
  const rate = (ms: number): number => (4 * n) / MB / (ms / 1000);

  const decode: DecodeBenchRow[] = [];
  const row = (codec: string, nativeFn: (() => void) | undefined, tsFn: () => void): void => {
    const nativeMBps = nativeFn ? rate(best(clock, minMs, nativeFn)) : null;
    const tsMBps = rate(best(clock, minMs, tsFn));
    decode.push({
      codec,
      nativeMBps,
      tsMBps,
      speedup: nativeMBps === null ? null : nativeMBps / tsMBps,
      nativeVsMemcpy: nativeMBps === null ? null : nativeMBps / memcpyMBps,
      tsVsMemcpy: tsMBps / memcpyMBps,
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
  for (const dtype of ['F16', 'BF16'] as const) {
    const bytes = rng.bytes(2 * n);
    for (let i = 1; i < bytes.length; i += 2) bytes[i] &= 0xbf; // keep values finite
    const k = kernels.castToF32[dtype];
    row(dtype.toLowerCase(), k && (() => k(bytes, out)), () => bytesToF32(dtype, bytes, out));
  }

  // Fused mat-vec over a 4096×4096 weight matrix (16.8M weights).
  const rows = 4096;
  const cols = 4096;
  const x = rng.normalArray(cols);
  const y = new Float32Array(rows);
  const wf32 = new Float32Array(rows * cols);
  let streamReadMBps = 0;
  const fused: FusedBenchRow[] = [];
  const fusedRow = (codec: string, weightBytes: number, fusedFn: () => void, decodeFn: () => void): void => {
    const zeros = Buffer.alloc(weightBytes);
    const readMs = best(clock, minMs, () => zeros.indexOf(1));
    streamReadMBps = weightBytes / MB / (readMs / 1000);
    const fusedMs = best(clock, minMs, fusedFn);
    const dtmMs = best(clock, minMs, () => {
      decodeFn();
      tsMatVec(wf32, rows, cols, x, y);
    });
    fused.push({ codec, rows, cols, weightBytes, bandwidthRatio: readMs / fusedMs, speedupVsDecodeThenMultiply: dtmMs / fusedMs });
  };
  if (on) {
    for (const c of CODECS) {
      const type = c.ggmlType;
      const mv = type === undefined ? undefined : kernels.matvec[type];
      if (type === undefined || !mv) continue;
      const w = randomBlocks(type, (rows * cols) / NATIVE_GGML[type].qk, rng);
      fusedRow(c.name, w.byteLength, () => mv(w, rows, cols, x, y), () => kernels.dequantize[type]!(w, wf32));
    }
    const nb = (rows * cols) / 64;
    const absmax = Float32Array.from({ length: nb }, () => 0.5 + rng.next());
    const codes = rng.bytes((rows * cols) / 2);
    fusedRow('nf4', codes.byteLength + 4 * nb, () => kernels.nf4MatVec!(codes, absmax, 64, rows, cols, x, y), () =>
      kernels.nf4Dequantize!(codes, absmax, 64, wf32),
    );
  }

  return {
    native: { loaded: status.loaded, level: kernelLevel(), ...(status.reason ? { reason: status.reason } : {}) },
    elements: n,
    baseline: { memcpyMBps, streamReadMBps },
    decode,
    fused,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  const r = kernelsBench({ minTimeMs: quick ? 30 : 150, elements: quick ? 1 << 20 : 1 << 22 });
  if (process.argv.includes('--json')) console.log(JSON.stringify(r));
  else {
    console.log(`native: ${r.native.loaded ? r.native.level : `missing (${r.native.reason})`}; memcpy ${r.baseline.memcpyMBps.toFixed(0)} MB/s`);
    console.table(r.decode.map((d) => ({ ...d, nativeMBps: d.nativeMBps?.toFixed(0), tsMBps: d.tsMBps.toFixed(0) })));
    console.table(r.fused);
  }
}
