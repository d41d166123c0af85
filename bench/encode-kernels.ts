/**
 * Encode benchmarks for the native encoders of issue 4 (Q4_1 / Q5_0 / Q5_1,
 * NF4, INT8, f32 → f16 / bf16 / fp8 casts): GB/s of f32 input, native vs the
 * TS reference, timed in the same interleaved rounds. GGML rows time the row
 * quantizers; NF4 / INT8 rows time the whole codec encode (scales included),
 * the TS side with the kernel table switched to the TS reference; cast rows
 * time the cast kernel vs f32ToBytes. Run alone: `npx tsx bench/encode-kernels.ts`.
 */
import { pathToFileURL } from 'node:url';
import { quantizeRowQ4_1 } from '../src/codecs/q4_1.js';
import { quantizeRowQ5_0 } from '../src/codecs/q5_0.js';
import { quantizeRowQ5_1 } from '../src/codecs/q5_1.js';
import { nf4 } from '../src/codecs/nf4.js';
import { int8 } from '../src/codecs/int8.js';
import { NATIVE_GGML, kernelLevel, kernels, setNativeKernels } from '../src/kernels/index.js';
import { f32ToBytes } from '../src/tensor/convert.js';
import { Tensor } from '../src/tensor/tensor.js';
import { Rng } from '../src/random/rng.js';
import { SystemClock } from '../src/clock/index.js';

export interface EncodeKernelRow {
  codec: string;
  /** GB/s of f32 input, native (the dispatch level in use), or null without the addon. */
  nativeGBps: number | null;
  /** GB/s of f32 input, TS reference. */
  tsGBps: number;
}

type Timed = (fns: readonly (() => void)[]) => number[][];

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Rows for `src` (a multiple of 32 values; 4 Mi values is typical). */
export function encodeKernelRows(src: Float32Array, timed: Timed): EncodeKernelRow[] {
  const rows: EncodeKernelRow[] = [];
  const gbps = (ms: number[]): number => (4 * src.length) / 1e9 / (median(ms) / 1000);
  const push = (codec: string, native: (() => void) | undefined, ts: () => void): void => {
    const [tsMs, nativeMs] = timed(native ? [ts, native] : [ts]);
    rows.push({ codec, nativeGBps: nativeMs ? gbps(nativeMs) : null, tsGBps: gbps(tsMs) });
  };
  const reference = (fn: () => void) => (): void => {
    setNativeKernels(false);
    try {
      fn();
    } finally {
      setNativeKernels(true);
    }
  };

  for (const [type, ref] of [[3, quantizeRowQ4_1], [6, quantizeRowQ5_0], [7, quantizeRowQ5_1]] as const) {
    const g = NATIVE_GGML[type];
    const dst = new Uint8Array((src.length / g.qk) * g.bytes);
    const k = kernels.quantize[type];
    push(g.name, k ? () => void k(src, dst) : undefined, () => ref(src, dst));
  }
  const t = Tensor.fromF32(src, [src.length]);
  const native = (fn: () => void, on: boolean): (() => void) | undefined => (on ? fn : undefined);
  for (const doubleQuant of [false, true]) {
    const p = nf4.params({ blockSize: 64, doubleQuant });
    const enc = (): void => void nf4.encode(t, p);
    push(`nf4 b64${doubleQuant ? ' dq' : ''}`, native(enc, kernels.nf4Quantize !== undefined), reference(enc));
  }
  const shape = [src.length / 4096, 4096];
  const t2 = Tensor.fromF32(src, shape);
  for (const [label, raw] of [
    ['int8 sym block64', { scheme: 'symmetric', granularity: 'block', blockSize: 64 }],
    ['int8 asym block64', { scheme: 'asymmetric', granularity: 'block', blockSize: 64 }],
    ['int8 sym tensor', { scheme: 'symmetric', granularity: 'tensor' }],
    ['int8 asym channel (axis 0)', { scheme: 'asymmetric', granularity: 'channel', axis: 0 }],
  ] as const) {
    const p = int8.params(raw);
    const enc = (): void => void int8.encode(t2, p);
    push(label, native(enc, kernels.int8Quantize !== undefined), reference(enc));
  }
  for (const [dtype, bytes] of [['F16', 2], ['BF16', 2], ['F8_E4M3', 1], ['F8_E5M2', 1]] as const) {
    const dst = new Uint8Array(src.length * bytes);
    const k = kernels.castFromF32?.[dtype];
    push(`cast f32 → ${dtype}`, k ? () => k(src, dst) : undefined, () => void f32ToBytes(dtype, src, dst));
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const clock = new SystemClock();
  const rounds = 3;
  // Each fn once per round (16 MiB of input: one call is many ms), order reversed every other round.
  const timed: Timed = (fns) => {
    const ms = fns.map((): number[] => []);
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < fns.length; k++) {
        const i = r % 2 === 0 ? k : fns.length - 1 - k;
        fns[i]();
        const t0 = clock.now();
        fns[i]();
        ms[i].push(clock.now() - t0);
      }
    }
    return ms;
  };
  const src = new Rng(7).normalArray(1 << 22);
  console.log(`level ${kernelLevel()}; GB/s of f32 input, medians of ${rounds} interleaved rounds, 16 MiB input`);
  console.table(encodeKernelRows(src, timed).map((r) => ({ ...r, nativeGBps: r.nativeGBps?.toFixed(2), tsGBps: r.tsGBps.toFixed(3), speedup: r.nativeGBps ? (r.nativeGBps / r.tsGBps).toFixed(1) : '' })));
}
