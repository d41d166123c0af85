/**
 * The compression job over a whole model file: plan every tensor (selected or
 * kept, main codec or fallback), then stream tensor by tensor from the input
 * to an atomically written output. Only one tensor is in memory at a time.
 */
import { ArgumentError, DTypeError, ShapeError, TensorhiveError } from '../errors/index.js';
import type { AnyCodec, CodecParams } from '../codecs/codec.js';
import { codecByGgmlType, codecByName } from '../codecs/registry.js';
import type { DType } from '../tensor/dtype.js';
import { type Shape, numel } from '../tensor/shape.js';
import { sqnrDb } from '../tensor/stats.js';
import { openModelSource } from '../format/model-source.js';
import { type PlannedTensor, openSink, outputFormatOf, sinkRefusal } from './output-sink.js';
import { TensorSelector, type SelectOptions } from './select.js';
import { chooseCodec, type SelectTarget } from '../codecs/select/choose-codec.js';
import { CodecStats, type CodecStatsRow } from '../codecs/select/codec-stats.js';
import type { AwqParams } from '../codecs/awq.js';
import { AwqCalibration } from './awq-calibration.js';

/** The codec name that asks the job to pick a codec per tensor. */
export const AUTO = 'auto';

export interface CompressOptions extends SelectOptions {
  /** Codec name as the CLI spells it (`q4_0`, `nf4`, …), or `auto` (.thive output only). */
  codec: string;
  /** With `auto`: lossless only, an SQNR floor (dB) for lossy codecs, a ratio floor. */
  target?: SelectTarget;
  params?: Record<string, unknown>;
  /** Codec for selected tensors the main codec cannot encode (default `raw`: kept as they are). */
  fallback?: string;
  /**
   * With codec `awq`: a safetensors file of calibration activations per layer
   * (naming rule in awq-calibration.ts). Without it awq is plain INT4 g128.
   */
  calibration?: string;
  /** Decode each tensor again and report its SQNR (default true). */
  measure?: boolean;
  onProgress?: (p: CompressProgress) => void;
  signal?: AbortSignal;
}

export interface CompressProgress {
  done: number;
  total: number;
  name: string;
  bytesIn: number;
  bytesOut: number;
}

export interface TensorReport {
  name: string;
  shape: Shape;
  dtype: DType;
  codec: string;
  /** 'compressed', 'kept: <why>', or 'fallback: <why the main codec could not>'. */
  decision: string;
  bytesIn: number;
  bytesOut: number;
  bitsPerWeight: number;
  /** SQNR of the stored values against the source values; Infinity when exact. */
  sqnrDb?: number;
  /** With `auto`: why this codec (the tensor's profile, each candidate, the decision). */
  reasons?: string[];
}

export interface CompressReport {
  input: string;
  output: string;
  format: string;
  codec: string;
  tensors: TensorReport[];
  fellBack: string[];
  /** With `auto`: attempts, choices, ratio and time per codec. */
  codecStats?: CodecStatsRow[];
  bytesIn: number;
  bytesOut: number;
  ratio: number;
}

interface Plan extends PlannedTensor {
  decision: string;
  /** GGUF input tensors already in this codec are copied byte for byte. */
  copyBytes: boolean;
  bytesIn: number;
}

export async function compressFile(input: string, output: string, options: CompressOptions): Promise<CompressReport> {
  const format = outputFormatOf(output);
  const auto = options.codec === AUTO;
  if (auto && format !== 'thive') throw new ArgumentError(`--codec auto may pick any codec, so it writes .thive files only; got ${JSON.stringify(output)}`);
  if (!auto && options.target) throw new ArgumentError('options.target goes with codec auto only');
  if (options.calibration !== undefined && options.codec !== 'awq') throw new ArgumentError(`options.calibration goes with codec awq only, got codec ${JSON.stringify(options.codec)}`);
  const stats = auto ? new CodecStats() : undefined;
  const main = auto ? codecByName('raw') : codecByName(options.codec);
  const mainParams = main.params(options.params ?? {});
  const fallback = codecByName(options.fallback ?? 'raw');
  const fallbackParams = fallback.params({});
  const raw = codecByName('raw');
  // A format that cannot hold the main (or fallback) codec at all is a mistake in the
  // command, not a reason to fall back on every tensor.
  for (const c of [main, fallback]) {
    const why = c.family === 'raw' ? undefined : sinkRefusal(format, c, 'F32');
    if (why) throw new ArgumentError(why);
  }
  const selector = new TensorSelector(options);
  const measure = options.measure ?? true;

  const source = await openModelSource(input);
  let calibration: AwqCalibration | undefined;
  try {
    if (options.calibration !== undefined) calibration = await AwqCalibration.open(options.calibration);
    const plans: Plan[] = source.tensors.map((info) => {
      const quantized = info.dtype === undefined && info.ggmlType !== undefined ? codecByGgmlType(info.ggmlType) : undefined;
      const dtype: DType = info.dtype ?? 'F32';
      const base = { name: info.name, shape: info.shape, dtype, bytesIn: info.byteLength };
      const sel = selector.select(info.name, numel(info.shape));
      if (!sel.selected) {
        if (quantized) return { ...base, codec: quantized, params: quantized.params({}), decision: `kept: ${sel.reason}`, copyBytes: true };
        return { ...base, codec: raw, params: raw.params({}), decision: `kept: ${sel.reason}`, copyBytes: false };
      }
      const why = refusal(main, mainParams, info.shape, dtype, format);
      if (why === undefined) return { ...base, codec: main, params: mainParams, decision: 'compressed', copyBytes: false };
      const fbWhy = refusal(fallback, fallbackParams, info.shape, dtype, format);
      if (fbWhy !== undefined) {
        throw new ArgumentError(`tensor ${info.name}: ${why}; the fallback codec ${fallback.name} cannot store it either: ${fbWhy}`);
      }
      return { ...base, codec: fallback, params: fallbackParams, decision: `fallback: ${why}`, copyBytes: false };
    });

    const metadata: Record<string, unknown> = { ...source.metadata };
    if (format !== 'gguf') metadata['tensorhive.codec'] = auto ? AUTO : main.name;
    const sink = await openSink(output, plans, metadata);
    const reports: TensorReport[] = [];
    let bytesIn = 0;
    let bytesOut = 0;
    try {
      for (const [i, p] of plans.entries()) {
        if (options.signal?.aborted) throw new TensorhiveError('ERR_ABORTED', 'compression job aborted');
        let payload: Uint8Array;
        let sqnr: number | undefined;
        let reasons: string[] | undefined;
        let plan: Plan = p;
        if (p.copyBytes) {
          payload = await source.readBytes(p.name);
        } else if (auto && p.decision === 'compressed') {
          const tensor = await source.read(p.name);
          const sel = chooseCodec(tensor, options.target ?? {}, { stats });
          plan = { ...p, codec: sel.codec, params: sel.params, decision: `auto: ${sel.reasons[sel.reasons.length - 1]}` };
          payload = sel.payload;
          sqnr = sel.codec.family === 'raw' ? undefined : sel.sqnrDb;
          reasons = sel.reasons;
        } else {
          const tensor = await source.read(p.name);
          if (calibration && p.codec === main && p.decision === 'compressed') {
            let decision: string;
            ({ payload, decision } = await calibration.encode(p.name, tensor, p.params as AwqParams));
            plan = { ...p, decision };
          } else payload = p.codec.encode(tensor, p.params);
          if (measure && p.codec.family !== 'raw') {
            const back = p.codec.decode(payload, p.shape, tensor.dtype, p.params);
            sqnr = sqnrDb(tensor.toF32(), back.toF32());
          }
        }
        await sink.write(plan, payload);
        bytesIn += p.bytesIn;
        bytesOut += payload.byteLength;
        reports.push({
          name: p.name,
          shape: p.shape,
          dtype: p.dtype,
          codec: plan.codec.name,
          decision: plan.decision,
          bytesIn: p.bytesIn,
          bytesOut: payload.byteLength,
          bitsPerWeight: (payload.byteLength * 8) / Math.max(1, numel(p.shape)),
          ...(sqnr === undefined ? {} : { sqnrDb: sqnr }),
          ...(reasons === undefined ? {} : { reasons }),
        });
        options.onProgress?.({ done: i + 1, total: plans.length, name: p.name, bytesIn, bytesOut });
      }
      await sink.commit();
    } catch (err) {
      await sink.abort();
      throw err;
    }
    return {
      input,
      output,
      format,
      codec: auto ? AUTO : main.name,
      tensors: reports,
      fellBack: reports.filter((r) => r.decision.startsWith('fallback')).map((r) => r.name),
      ...(stats ? { codecStats: stats.rows() } : {}),
      bytesIn,
      bytesOut,
      ratio: bytesOut === 0 ? 1 : bytesIn / bytesOut,
    };
  } finally {
    await calibration?.close();
    await source.close();
  }
}

/** Why `codec` cannot store this tensor in `format`, or undefined. */
function refusal(codec: AnyCodec, params: CodecParams, shape: Shape, dtype: DType, format: ReturnType<typeof outputFormatOf>): string | undefined {
  try {
    codec.check(shape, dtype, params);
  } catch (err) {
    if (err instanceof ShapeError || err instanceof DTypeError) return err.message;
    throw err;
  }
  return sinkRefusal(format, codec, dtype);
}
