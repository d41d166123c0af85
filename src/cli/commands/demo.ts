/**
 * `tensorhive demo` — the README's main command, in two parts:
 *  1. codecs: a sample model compressed with every codec, one table
 *     (`--skip-codecs` leaves it out);
 *  2. the hive: a model several times larger than the GPU+RAM budgets through
 *     a hive, a tier worker killed mid-run, everything read back and verified
 *     (`--skip-hive` leaves it out).
 * Budgets are scaled down from the 64 MiB GPU / 256 MiB RAM so the
 * demo stays under a minute on 2 cores; `--gpu`, `--ram`, `--layers` scale up.
 */
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseByteSize } from '../../hive/bytes.js';
import type { TierKind } from '../../tiers/driver.js';
import { UsageError, parse } from '../usage.js';
import { codecTable } from './demo-codecs.js';
import { hiveDemo } from './demo-hive.js';

const KILLABLE: readonly TierKind[] = ['ram', 'disk', 'gpu'];

function positiveInt(v: string | undefined, name: string, dflt: number, max: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1 || n > max) throw new UsageError(`--${name} must be an integer in 1..${max}, got ${JSON.stringify(v)}`);
  return n;
}

function budget(v: string | undefined, name: string, dflt: string): string {
  const s = v ?? dflt;
  try {
    parseByteSize(s, `--${name}`);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return s;
}

export async function demoCommand(args: string[]): Promise<number> {
  const { values } = parse(
    args,
    {
      dir: { type: 'string' },
      json: { type: 'boolean' },
      'skip-codecs': { type: 'boolean' },
      'skip-hive': { type: 'boolean' },
      layers: { type: 'string' },
      hidden: { type: 'string' },
      gpu: { type: 'string' },
      ram: { type: 'string' },
      kill: { type: 'string' },
    },
    0,
  );
  const layers = positiveInt(values.layers, 'layers', 6, 256);
  const hidden = positiveInt(values.hidden, 'hidden', 1024, 8192);
  if (hidden % 256 !== 0) throw new UsageError(`--hidden must be a multiple of 256, got ${hidden}`);
  const gpu = values.gpu === 'off' || values.gpu === 'false' ? false : budget(values.gpu, 'gpu', '16MiB');
  const ram = budget(values.ram, 'ram', '16MiB');
  const kill = (values.kill ?? 'ram') as TierKind;
  if (!KILLABLE.includes(kill)) throw new UsageError(`--kill must be one of ${KILLABLE.join(', ')}, got ${JSON.stringify(values.kill)}`);
  const json = values.json === true;
  const dir = values.dir ?? (await mkdtemp(join(tmpdir(), 'tensorhive-demo-')));
  await mkdir(dir, { recursive: true });

  const out: Record<string, unknown> = {};
  let ok = true;
  if (!values['skip-codecs']) {
    if (!json) console.log('## 1. codecs: a sample model compressed with every codec\n');
    const r = await codecTable(dir, json);
    ok &&= r.ok;
    Object.assign(out, r.json);
  }
  if (!values['skip-hive']) {
    if (!json) console.log('\n## 2. the hive: more weights than GPU+RAM hold, a tier killed mid-run, nothing lost\n');
    const r = await hiveDemo({
      dir,
      model: { layers, hidden, mlp: Math.round((hidden * 11) / 4 / 256) * 256, seed: 7 },
      gpu,
      ram,
      disk: '4GiB',
      kill,
      json,
    });
    ok &&= r.ok;
    out.hive = r.json;
  }
  if (json) console.log(JSON.stringify(out, (_k, v) => (v === Infinity ? null : v), 2));
  return ok ? 0 : 1;
}
