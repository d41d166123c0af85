/** Checks on the arguments of the hive's methods; each error names what is wrong. */
import { codecByName } from '../codecs/registry.js';
import { ArgumentError } from '../errors/index.js';
import { Tensor } from '../tensor/tensor.js';
import type { TierKind } from '../tiers/driver.js';
import { checkCodecName } from './options.js';
import type { AcquireOptions, PutOptions } from './types.js';

/** Room left in the tiers' 512-byte key limit for the `c:<gen>:…#<index>` wrapping. */
export const MAX_HIVE_KEY_BYTES = 480;

export function checkKey(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0) throw new ArgumentError(`key must be a non-empty string, got ${JSON.stringify(key)}`);
  if (key.includes('\0')) throw new ArgumentError('key must not contain NUL characters');
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > MAX_HIVE_KEY_BYTES) throw new ArgumentError(`key must be at most ${MAX_HIVE_KEY_BYTES} bytes of UTF-8, got ${bytes}`);
  return key;
}

export interface CheckedPut {
  readonly codec: string;
  readonly params: Record<string, unknown> | undefined;
  readonly pin: boolean | undefined;
  readonly tier: TierKind | undefined;
}

const AUTO_PARAMS = new Set(['lossless', 'maxError', 'minRatio']);

export function checkPut(tensor: unknown, opts: PutOptions | undefined, defaultCodec: string, tiers: readonly TierKind[]): CheckedPut {
  if (!(tensor instanceof Tensor)) throw new ArgumentError('tensor must be a Tensor');
  const o = opts ?? {};
  if (typeof o !== 'object' || o === null) throw new ArgumentError('opts must be an object');
  const codec = o.codec === undefined ? defaultCodec : checkCodecName(o.codec, 'opts.codec');
  if (o.params !== undefined && (typeof o.params !== 'object' || o.params === null || Array.isArray(o.params))) throw new ArgumentError('opts.params must be an object');
  if (codec === 'auto') {
    for (const k of Object.keys(o.params ?? {})) if (!AUTO_PARAMS.has(k)) throw new ArgumentError(`opts.params.${k} is not a selection target (lossless, maxError, minRatio)`);
  } else {
    codecByName(codec).params(o.params ?? {}); // throws ArgumentError naming the parameter
  }
  if (o.pin !== undefined && typeof o.pin !== 'boolean') throw new ArgumentError(`opts.pin must be a boolean, got ${JSON.stringify(o.pin)}`);
  if (o.tier !== undefined && !tiers.includes(o.tier)) throw new ArgumentError(`opts.tier must be one of this hive's tiers (${tiers.join(', ')}), got ${JSON.stringify(o.tier)}`);
  return { codec, params: o.params, pin: o.pin, tier: o.tier };
}

export function checkAcquire(opts: AcquireOptions | undefined): Required<Pick<AcquireOptions, 'on' | 'write'>> & { timeoutMs: number | undefined } {
  const o = opts ?? {};
  if (typeof o !== 'object' || o === null) throw new ArgumentError('opts must be an object');
  const on = o.on ?? 'cpu';
  if (on !== 'cpu' && on !== 'gpu') throw new ArgumentError(`opts.on must be 'cpu' or 'gpu', got ${JSON.stringify(o.on)}`);
  if (o.write !== undefined && typeof o.write !== 'boolean') throw new ArgumentError(`opts.write must be a boolean, got ${JSON.stringify(o.write)}`);
  if (o.timeoutMs !== undefined && (typeof o.timeoutMs !== 'number' || !(o.timeoutMs >= 0))) throw new ArgumentError(`opts.timeoutMs must be a non-negative number, got ${JSON.stringify(o.timeoutMs)}`);
  return { on, write: o.write ?? false, timeoutMs: o.timeoutMs };
}
