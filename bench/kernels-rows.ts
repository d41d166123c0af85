/** The row shapes of the kernel benchmark (bench/kernels.ts) and its JSON. */
import type { Clock } from '../src/clock/index.js';
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

export interface HalfDecodeBenchRow {
  codec: string;
  to: 'F16' | 'BF16';
  /** MB/s of 16-bit output. */
  nativeMBps: number;
  /** (16-bit output bytes / time) ÷ (same bytes / memcpy time). */
  nativeVsMemcpy: number;
  /** Time of native f32 decode + TS narrowing (f32ToF16Bits/f32ToBf16Bits) ÷ direct kernel. */
  speedupVsDecodeThenNarrow: number;
}

export interface FusedBenchRow {
  codec: string;
  /** 'int8': activations quantized to 8 bits per 32-block (Q4_K: per 256; NF4: int8 codebook too), the default; 'f32': kept in f32. */
  activations: 'int8' | 'f32';
  rows: number;
  cols: number;
  /** Effective GB/s over the compressed weight bytes, matrix larger than the LLC. */
  GBps: number;
  /** That ÷ a streaming read of as many bytes, both out of cache (the honest ratio). */
  bandwidthRatio: number;
  /** The same with a 4096×4096 matrix that fits the LLC (the read baseline is then L3). */
  bandwidthRatioInCache: number;
  /** Time of decode-then-multiply (native decode + TS f32 mat-vec) ÷ fused, 4096×4096. */
  speedupVsDecodeThenMultiply: number;
}

export interface FusedBatchRow {
  codec: string;
  batch: number;
  /** Time per activation vector at batch 1 ÷ at this batch (weights read once per call). */
  speedupPerVector: number;
}

export interface EncodeBenchRow {
  codec: string;
  /** GB/s of f32 input through kernels.quantize (the dispatch level in use), or null without the addon. */
  nativeGBps: number | null;
  /** GB/s of f32 input through the TS reference row quantizer. */
  tsGBps: number;
  /** ggml's quantize_row_*_ref on this machine (measured once, docs/kernels.md), for comparison; null if not measured. */
  ggmlRefGBps: number | null;
}

/** ggml's reference quantizers measured on this machine (GB/s of f32 input; issue 4). */
export const GGML_REF_ENCODE_GBPS: Record<number, number | null> = { 8: 1.3, 2: 3.9, 12: 0.06, 14: null };

/** byteplane encode, MB/s of 16 MiB input: native plane split (kernels on) vs the TS reference; the rest of encode is TS either way. */
export interface LosslessEncodeRow {
  codec: string;
  nativeMBps: number | null;
  tsMBps: number;
  /** Payload bytes ÷ input bytes. */
  ratio: number;
}

export interface KernelsBench {
  native: { loaded: boolean; level: string; reason?: string };
  elements: number;
  /** How every ratio was measured: `rounds` interleaved rounds, each side the best over `windowMs`; ratios are medians of per-round ratios. */
  method: { rounds: number; windowMs: number };
  /** Medians over every round of every row that used the baseline. */
  baseline: { memcpyMBps: number; streamReadMBps: number; streamReadInCacheMBps: number; llcBytes: number; outOfCacheBytes: number };
  decode: DecodeBenchRow[];
  decodeHalf: HalfDecodeBenchRow[];
  fused: FusedBenchRow[];
  fusedBatch: FusedBatchRow[];
  encode: EncodeBenchRow[];
  losslessEncode: LosslessEncodeRow[];
}

export interface KernelsBenchOptions {
  /** Time per measurement in ms (default 150), split over the interleaved rounds. */
  minTimeMs?: number;
  /** Interleaved rounds per ratio (default 5; at least 1). */
  rounds?: number;
  /** Values decoded per call (default 2^22: 16 MiB of f32, past the caches). */
  elements?: number;
  clock?: Clock;
  /** Compressed weight bytes of the out-of-cache fused runs (default: 2 × LLC, at least 256 MiB). */
  outOfCacheBytes?: number;
}
