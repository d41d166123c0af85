/**
 * The codec benchmark: for every codec, ratio, bits per weight, SQNR, MSE and
 * encode/decode throughput, next to a memcpy of the same f32 bytes measured in
 * the same run. Throughput is counted in uncompressed f32 bytes.
 */
import type { AnyCodec } from '../codecs/codec.js';
import { CODECS } from '../codecs/registry.js';
import { SystemClock, type Clock } from '../clock/index.js';
import { Rng } from '../random/rng.js';
import { Tensor } from '../tensor/tensor.js';
import { numel } from '../tensor/shape.js';
import { TensorhiveError } from '../errors/index.js';
import { zstdSize } from './zstd-optional.js';

export interface CodecBenchRow {
  codec: string;
  ratio: number;
  bitsPerWeight: number;
  sqnrDb: number;
  mse: number;
  encodeMBps: number;
  decodeMBps: number;
  /** Tensors the codec could not encode (shape/dtype), skipped. */
  skipped: number;
  /**
   * Lossless codecs only: zstd level 3's ratio on the same source bytes (the
   * tensors this codec encoded), measured in the same run. Absent when
   * zstd-napi is not installed.
   */
  zstdRatio?: number;
}

export interface CodecBench {
  source: string;
  elements: number;
  baseline: { memcpyMBps: number };
  codecs: CodecBenchRow[];
}

export interface CodecBenchOptions {
  /** Codec names to run (default: all in the registry). */
  codecs?: readonly string[];
  /** Minimum time per measurement in ms (default 200). */
  minTimeMs?: number;
  clock?: Clock;
  onRow?: (row: CodecBenchRow) => void;
  /** What the tensors are, for the report (default: their names, or a count). */
  source?: string;
}

/** Seeded N(0,1) data, 2^20 values as a 1024×1024 F32 tensor (a multiple of every block size). */
export function seededBenchTensors(seed = 42, rows = 1024, cols = 1024): { name: string; tensor: Tensor }[] {
  return [{ name: `normal(${rows}x${cols}, seed ${seed})`, tensor: Tensor.fromF32(new Rng(seed).normalArray(rows * cols), [rows, cols]) }];
}

/** Time `fn` repeatedly for at least `minMs` (and twice at least); returns the best ms per call. */
export function best(clock: Clock, minMs: number, fn: () => void): number {
  let bestMs = Infinity;
  const start = clock.now();
  let runs = 0;
  do {
    const t0 = clock.now();
    fn();
    bestMs = Math.min(bestMs, clock.now() - t0);
    runs++;
  } while (clock.now() - start < minMs || runs < 2);
  return Math.max(bestMs, 1e-6);
}

export function memcpyMBps(bytes: number, clock: Clock = new SystemClock(), minMs = 200): number {
  const a = new Uint8Array(bytes).fill(1);
  const b = new Uint8Array(bytes);
  const ms = best(clock, minMs, () => b.set(a));
  return bytes / 1e6 / (ms / 1000);
}

export function benchCodecs(tensors: readonly { name: string; tensor: Tensor }[], options: CodecBenchOptions = {}): CodecBench {
  const clock = options.clock ?? new SystemClock();
  const minMs = options.minTimeMs ?? 200;
  const codecs: AnyCodec[] = options.codecs
    ? CODECS.filter((c) => options.codecs!.includes(c.name))
    : [...CODECS];
  const elements = tensors.reduce((a, t) => a + t.tensor.numel, 0);
  const baseline = { memcpyMBps: memcpyMBps(elements * 4, clock, minMs) };
  const rows: CodecBenchRow[] = [];
  // zstd's compressed size per tensor, computed once and shared by the lossless rows.
  const zstdBytes = new Map<Tensor, number | undefined>();
  const zstdOf = (t: Tensor): number | undefined => {
    if (!zstdBytes.has(t)) zstdBytes.set(t, zstdSize(t.bytes, 3));
    return zstdBytes.get(t);
  };
  for (const codec of codecs) {
    let zBytes: number | undefined = codec.lossless ? 0 : undefined;
    let srcBytes = 0;
    let outBytes = 0;
    let f32Bytes = 0;
    let encMs = 0;
    let decMs = 0;
    let sig = 0;
    let err = 0;
    let n = 0;
    let skipped = 0;
    for (const { tensor } of tensors) {
      const params = codec.params({});
      try {
        codec.check(tensor.shape, tensor.dtype, params);
      } catch (e) {
        if (e instanceof TensorhiveError) {
          skipped++;
          continue;
        }
        throw e;
      }
      let payload: Uint8Array = new Uint8Array(0);
      encMs += best(clock, minMs, () => {
        payload = codec.encode(tensor, params);
      });
      // Decode counts until f32 values exist: casts and pass-through return their own
      // dtype (a view for raw), so their conversion to f32 is part of the measured work.
      let got: Float32Array = new Float32Array(0);
      decMs += best(clock, minMs, () => {
        const f = codec.decode(payload, tensor.shape, tensor.dtype, params).toF32();
        got = f.buffer === payload.buffer ? f.slice() : f; // a view of the payload costs a copy
      });
      const ref = tensor.toF32();
      for (let i = 0; i < ref.length; i++) {
        const d = ref[i] - got[i];
        sig += ref[i] * ref[i];
        err += d * d;
      }
      n += ref.length;
      srcBytes += tensor.byteLength;
      outBytes += payload.byteLength;
      if (zBytes !== undefined) {
        const z = zstdOf(tensor);
        zBytes = z === undefined ? undefined : zBytes + z;
      }
      f32Bytes += numel(tensor.shape) * 4;
    }
    if (n === 0) continue;
    const row: CodecBenchRow = {
      codec: codec.name,
      ratio: srcBytes / outBytes,
      bitsPerWeight: (outBytes * 8) / n,
      sqnrDb: err === 0 ? Infinity : 10 * Math.log10(sig / err),
      mse: err / n,
      encodeMBps: f32Bytes / 1e6 / (encMs / 1000),
      decodeMBps: f32Bytes / 1e6 / (decMs / 1000),
      skipped,
      ...(zBytes !== undefined && zBytes > 0 ? { zstdRatio: srcBytes / zBytes } : {}),
    };
    rows.push(row);
    options.onRow?.(row);
  }
  const source = options.source ?? (tensors.length <= 3 ? tensors.map((t) => t.name).join(', ') : `${tensors.length} tensors`);
  return { source, elements, baseline, codecs: rows };
}
