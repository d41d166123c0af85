/**
 * `auto`: pick a codec for one tensor by looking at it and at a target.
 *
 *   target.lossless  only bit-exact codecs (the default when no maxError is given)
 *   target.maxError  SQNR floor in dB; lossy codecs must measure at least this
 *   target.minRatio  ratio floor (source bytes / payload bytes), default 1.05
 *
 * Lossless candidates are every `lossless`-family registry row the profile
 * does not rule out (too few zeros for sparse/zerorun, too many values for
 * dict); each is encoded and measured. Lossy candidates (float tensors, when
 * maxError is given) are tried from the smallest payload up, and the first
 * that meets the SQNR floor is the best lossy choice (any later one is
 * bigger). Guardrails: a candidate below the ratio floor, below its SQNR floor
 * or (with options.minMBps) below the speed floor is skipped; when nothing
 * qualifies the tensor goes through `raw`. Every step adds a line to
 * `reasons`, so the CLI can print why each tensor got its codec.
 *
 * Rank structure: when the profile's rank sketch holds ≥ LOWRANK_ENERGY of a
 * 2-D tensor's energy, `lowrank` joins the lossy candidates (otherwise
 * structural codecs are skipped, with the reason). The delta codecs need a
 * reference tensor and are never auto-selected. When a lossy GGML/NF4/INT8
 * codec wins, `packed` over it (same numbers, entropy-coded) is tried too.
 */
import type { Clock } from '../../clock/index.js';
import { SystemClock } from '../../clock/index.js';
import { ArgumentError, TensorhiveError } from '../../errors/index.js';
import { dtypeInfo } from '../../tensor/dtype.js';
import { sqnrDb } from '../../tensor/stats.js';
import { Tensor } from '../../tensor/tensor.js';
import type { AnyCodec, CodecParams } from '../codec.js';
import { CODECS, codecByName } from '../registry.js';
import type { CodecStats } from './codec-stats.js';
import { type TensorProfile, describeProfile, inspectTensor } from './inspect-tensor.js';
import { PACKED_INNERS } from '../packed.js';
import { SKETCH_RANK } from './rank-sketch.js';

export interface SelectTarget {
  lossless?: boolean;
  /** SQNR floor in dB for lossy codecs. */
  maxError?: number;
  /** Ratio floor: source bytes / payload bytes. */
  minRatio?: number;
}

export interface SelectOptions {
  stats?: CodecStats;
  /** Times attempts (for stats and minMBps); SystemClock by default. */
  clock?: Clock;
  /** Speed floor for encode, MB of source per second; off by default. */
  minMBps?: number;
  /** Tensors with fewer source bytes than this are stored raw (default 256). */
  minBytes?: number;
}

export interface Selection {
  codec: AnyCodec;
  params: CodecParams;
  /** The chosen codec's payload for this tensor (so the caller need not encode again). */
  payload: Uint8Array;
  ratio: number;
  /** +Infinity for lossless choices. */
  sqnrDb: number;
  reasons: string[];
  profile: TensorProfile;
}

export const DEFAULT_MIN_RATIO = 1.05;
export const DEFAULT_MIN_BYTES = 256;
/** Sketch energy share above which a 2-D tensor counts as clearly low-rank. */
export const LOWRANK_ENERGY = 0.9;
/** Codecs that need a reference tensor at hand: asked for by name (deltaEncode), never auto. */
const NEEDS_REFERENCE = 'needs a reference tensor; use deltaEncode/deltaDecode';

/** Why a lossless codec cannot win on this profile, or undefined to try it. Selection policy, keyed by name. */
const RULE_OUT: Record<string, (p: TensorProfile) => string | undefined> = {
  sparse: (p) => zerosRuleOut(p),
  zerorun: (p) => zerosRuleOut(p),
  dict: (p) => (p.distinct === undefined ? 'more than 65536 distinct values' : undefined),
  byteplane: (p) => (dtypeInfo(p.dtype).bytes < 2 ? 'one-byte elements have a single plane' : undefined),
  delta: () => NEEDS_REFERENCE,
};

function zerosRuleOut(p: TensorProfile): string | undefined {
  const P = dtypeInfo(p.dtype).bytes;
  const breakEven = 1 / (8 * P); // a bitmap costs 1/8 byte per element
  if (p.zeroFraction <= breakEven) return `${(100 * p.zeroFraction).toFixed(1)}% zeros ≤ break-even ${(100 * breakEven).toFixed(1)}%`;
  return undefined;
}

function checkTarget(target: SelectTarget): Required<Pick<SelectTarget, 'lossless' | 'minRatio'>> & { maxError?: number } {
  if (typeof target !== 'object' || target === null) throw new ArgumentError('target must be an object');
  const { lossless, maxError, minRatio } = target;
  if (lossless !== undefined && typeof lossless !== 'boolean') throw new ArgumentError(`target.lossless must be true or false, got ${String(lossless)}`);
  if (maxError !== undefined && (typeof maxError !== 'number' || !Number.isFinite(maxError))) {
    throw new ArgumentError(`target.maxError must be a finite SQNR floor in dB, got ${String(maxError)}`);
  }
  if (minRatio !== undefined && (typeof minRatio !== 'number' || !(minRatio >= 1) || !Number.isFinite(minRatio))) {
    throw new ArgumentError(`target.minRatio must be a finite number >= 1, got ${String(minRatio)}`);
  }
  if (lossless === true && maxError !== undefined) throw new ArgumentError('target.maxError cannot be combined with target.lossless: true');
  return { lossless: lossless ?? maxError === undefined, minRatio: minRatio ?? DEFAULT_MIN_RATIO, ...(maxError === undefined ? {} : { maxError }) };
}

interface Tried {
  codec: AnyCodec;
  params: CodecParams;
  payload: Uint8Array;
  ratio: number;
  sqnr: number;
}

export function chooseCodec(tensor: Tensor, target: SelectTarget = {}, options: SelectOptions = {}): Selection {
  if (!(tensor instanceof Tensor)) throw new ArgumentError('tensor must be a Tensor');
  const goal = checkTarget(target);
  const clock = options.clock ?? new SystemClock();
  const minBytes = options.minBytes ?? DEFAULT_MIN_BYTES;
  if (options.minMBps !== undefined && !(options.minMBps > 0)) throw new ArgumentError(`options.minMBps must be > 0, got ${String(options.minMBps)}`);
  const profile = inspectTensor(tensor);
  const reasons = [describeProfile(profile)];
  const raw = codecByName('raw');

  const finish = (t: Tried | undefined, why: string): Selection => {
    const pick = t ?? { codec: raw, params: raw.params({}), payload: raw.encode(tensor, {}), ratio: 1, sqnr: Infinity };
    reasons.push(why);
    options.stats?.chose(pick.codec.name, tensor.byteLength, pick.payload.byteLength);
    return { codec: pick.codec, params: pick.params, payload: pick.payload, ratio: pick.ratio, sqnrDb: pick.sqnr, reasons, profile };
  };

  if (tensor.byteLength < minBytes) return finish(undefined, `raw: ${tensor.byteLength} B is below ${minBytes} B, not worth a codec`);

  /** Encode with `c`; the candidate, or undefined with the reason recorded. */
  const attempt = (c: AnyCodec, lossy: boolean, raw: Record<string, unknown> = {}): Tried | undefined => {
    const params = c.params(raw);
    try {
      c.check(tensor.shape, tensor.dtype, params);
    } catch (err) {
      if (!(err instanceof TensorhiveError)) throw err;
      reasons.push(`${c.name}: skipped, ${err.message}`);
      return undefined;
    }
    const t0 = clock.now();
    let payload: Uint8Array;
    let sqnr = Infinity;
    try {
      payload = c.encode(tensor, params);
      if (lossy) sqnr = sqnrDb(tensor.toF32(), c.decode(payload, tensor.shape, tensor.dtype, params).toF32());
    } catch (err) {
      if (!(err instanceof TensorhiveError)) throw err;
      reasons.push(`${c.name}: skipped, ${err.message}`);
      return undefined;
    }
    const ms = clock.now() - t0;
    options.stats?.attempt(c.name, ms);
    const ratio = payload.byteLength === 0 ? Infinity : tensor.byteLength / payload.byteLength;
    const what = `${c.name}: ratio ${ratio.toFixed(3)}${lossy ? `, SQNR ${sqnr.toFixed(1)} dB` : ''}`;
    if (ratio < goal.minRatio) {
      reasons.push(`${what} < ratio floor ${goal.minRatio}, skipped`);
      return undefined;
    }
    if (lossy && goal.maxError !== undefined && !(sqnr >= goal.maxError)) {
      reasons.push(`${what} < SQNR floor ${goal.maxError} dB, skipped`);
      return undefined;
    }
    if (options.minMBps !== undefined && ms > 0 && tensor.byteLength / 1e3 / ms < options.minMBps) {
      reasons.push(`${what}, ${(tensor.byteLength / 1e3 / ms).toFixed(0)} MB/s < speed floor ${options.minMBps} MB/s, skipped`);
      return undefined;
    }
    reasons.push(`${what}, qualifies`);
    return { codec: c, params, payload, ratio, sqnr };
  };

  let best: Tried | undefined;
  const consider = (t: Tried | undefined) => {
    if (t && (!best || t.ratio > best.ratio)) best = t;
  };

  for (const c of CODECS) {
    if (c.family !== 'lossless') continue;
    const why = RULE_OUT[c.name]?.(profile);
    if (why !== undefined) reasons.push(`${c.name}: skipped, ${why}`);
    else consider(attempt(c, false));
  }

  if (!goal.lossless) {
    if (!profile.float) reasons.push(`lossy codecs: skipped, ${profile.dtype} is not a float dtype`);
    else if (profile.nonFinite > 0) reasons.push(`lossy codecs: skipped, ${profile.nonFinite} non-finite values`);
    else {
      // Structural codecs: awq needs calibration data (asked for by name); lowrank's SVD
      // only pays on tensors with rank structure, which the profile's sketch measures.
      const e = profile.rankEnergy;
      if (e !== undefined && e >= LOWRANK_ENERGY) {
        reasons.push(`lowrank: candidate, rank-${SKETCH_RANK} sketch holds ${(100 * e).toFixed(1)}% ≥ ${100 * LOWRANK_ENERGY}% of the energy`);
        consider(attempt(codecByName('lowrank'), true));
        reasons.push('awq: not auto-selected, needs calibration activations (ask for it by name)');
      } else {
        const why = e === undefined ? 'no rank sketch (not a 2-D matrix of ≥ 32×32)' : `rank-${SKETCH_RANK} sketch holds only ${(100 * e).toFixed(1)}% < ${100 * LOWRANK_ENERGY}% of the energy`;
        reasons.push(`structural codecs (lowrank, awq): not auto-selected, ${why}; ask for them by name`);
      }
      reasons.push(`delta_q8: skipped, ${NEEDS_REFERENCE}`);
      // Smallest payload first: the first one that meets the floors beats every later one.
      const lossy = CODECS.filter((c) => !c.lossless && c.family !== 'raw' && c.family !== 'structural' && c.name !== 'delta_q8' && c.name !== 'packed')
        .map((c) => ({ c, size: sizeFor(c, tensor) }))
        .filter((x) => x.size !== undefined)
        .sort((a, b) => (a.size as number) - (b.size as number));
      for (const { c } of lossy) {
        const t = attempt(c, true);
        if (t) {
          consider(t);
          // The same numbers with the code bytes entropy-coded: never bigger (stored when coding does not pay).
          if (PACKED_INNERS.includes(c.name)) consider(attempt(codecByName('packed'), true, { inner: c.name }));
          break;
        }
      }
    }
  }

  if (!best) return finish(undefined, `raw: no codec met the floors (ratio ≥ ${goal.minRatio}${goal.maxError !== undefined ? `, SQNR ≥ ${goal.maxError} dB` : ''})`);
  const b = best as Tried;
  return finish(b, `chose ${b.codec.name}: best ratio ${b.ratio.toFixed(3)} among qualifying codecs`);
}

/** A lossy codec's payload size for this tensor, or undefined when it cannot take the shape. */
function sizeFor(c: AnyCodec, t: Tensor): number | undefined {
  try {
    const p = c.params({});
    c.check(t.shape, t.dtype, p);
    return c.payloadBytes(t.shape, t.dtype, p);
  } catch (err) {
    if (err instanceof TensorhiveError) return undefined;
    throw err;
  }
}
