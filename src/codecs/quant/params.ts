/**
 * Parameter validation shared by the codecs. Every failure is an ArgumentError
 * whose message names the parameter as the user spells it: `params.blockSize`.
 */
import { ArgumentError } from '../../errors/index.js';

type RawParams = Readonly<Record<string, unknown>> | undefined;

/** The raw params as an object; rejects non-objects and keys the codec does not know (typos). */
export function paramObject(codec: string, raw: RawParams, known: readonly string[]): Readonly<Record<string, unknown>> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ArgumentError(`params for ${codec} must be an object, got ${describe(raw)}`);
  }
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) {
      const choices = known.length > 0 ? `known: ${known.join(', ')}` : 'it takes no parameters';
      throw new ArgumentError(`params.${key} is not a parameter of ${codec} (${choices})`);
    }
  }
  return raw;
}

/** An integer parameter in [min, max], with an optional multiple-of constraint. */
export function intParam(
  raw: Readonly<Record<string, unknown>>,
  name: string,
  dflt: number,
  opts: { min?: number; max?: number; multipleOf?: number } = {},
): number {
  const v = raw[name];
  if (v === undefined) return dflt;
  const min = opts.min ?? Number.MIN_SAFE_INTEGER;
  const max = opts.max ?? Number.MAX_SAFE_INTEGER;
  const mult = opts.multipleOf ?? 1;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max || v % mult !== 0) {
    const what = [
      mult > 1 ? `a multiple of ${mult}` : 'an integer',
      opts.min !== undefined ? `>= ${min}` : '',
      opts.max !== undefined ? `<= ${max}` : '',
    ]
      .filter((s) => s !== '')
      .join(' ');
    throw new ArgumentError(`params.${name} must be ${what}, got ${describe(v)}`);
  }
  return v;
}

export function boolParam(raw: Readonly<Record<string, unknown>>, name: string, dflt: boolean): boolean {
  const v = raw[name];
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw new ArgumentError(`params.${name} must be true or false, got ${describe(v)}`);
  return v;
}

export function enumParam<T extends string>(
  raw: Readonly<Record<string, unknown>>,
  name: string,
  choices: readonly T[],
  dflt: T,
): T {
  const v = raw[name];
  if (v === undefined) return dflt;
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) {
    throw new ArgumentError(`params.${name} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${describe(v)}`);
  }
  return v as T;
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  try {
    return JSON.stringify(v) ?? typeof v;
  } catch {
    return typeof v;
  }
}
