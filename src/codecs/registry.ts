/**
 * The codec registry: one row per codec, like ggml's type-traits table.
 * Ids are permanent. Retired ids stay listed in RETIRED_IDS so they are
 * never handed out again.
 */
import { CodecError } from '../errors/index.js';
import type { AnyCodec } from './codec.js';
import { raw } from './raw.js';
import { f16, bf16, f8e4m3, f8e5m2 } from './casts.js';
import { q8_0 } from './q8_0.js';
import { q4_0 } from './q4_0.js';
import { q4_1 } from './q4_1.js';
import { q5_0 } from './q5_0.js';
import { q5_1 } from './q5_1.js';
import { q4_k } from './q4_k.js';
import { q6_k } from './q6_k.js';
import { nf4 } from './nf4.js';
import { int8 } from './int8.js';
import { byteplane } from './byteplane.js';
import { zerorun } from './zerorun.js';
import { sparse } from './sparse.js';
import { dict } from './dict.js';
import { lowrank } from './lowrank.js';
import { awq } from './awq.js';
import { delta } from './delta.js';
import { deltaQ8 } from './delta-q8.js';
import { packed } from './packed.js';

export const CODECS: readonly AnyCodec[] = [
  raw, //      0
  f16, //      1
  bf16, //     2
  f8e4m3, //   3
  f8e5m2, //   4
  q8_0, //    10
  q4_0, //    11
  q4_1, //    12
  q5_0, //    13
  q5_1, //    14
  q4_k, //    15
  q6_k, //    16
  nf4, //     20
  int8, //    21
  byteplane, // 30
  zerorun, // 31
  sparse, //  32
  dict, //    33
  lowrank, // 34
  awq, //     35
  delta, //   36
  deltaQ8, // 37
  packed, //  38
] as AnyCodec[];

/** Ids that once belonged to a codec and must never be reused. */
export const RETIRED_IDS: readonly number[] = [];

const byId = new Map<number, AnyCodec>();
const byName = new Map<string, AnyCodec>();
for (const c of CODECS) {
  if (byId.has(c.id) || RETIRED_IDS.includes(c.id)) throw new Error(`codec id ${c.id} used twice`);
  if (byName.has(c.name)) throw new Error(`codec name ${c.name} used twice`);
  byId.set(c.id, c);
  byName.set(c.name, c);
}

export function codecById(id: number): AnyCodec | undefined {
  return byId.get(id);
}

/** Look a codec up by its CLI name (case-insensitive); throws CodecError naming the choices. */
export function codecByName(name: string): AnyCodec {
  const c = byName.get(String(name).toLowerCase());
  if (!c) throw new CodecError(`unknown codec ${JSON.stringify(name)}; known: ${[...byName.keys()].join(', ')}`);
  return c;
}

export function codecByGgmlType(ggmlType: number): AnyCodec | undefined {
  return CODECS.find((c) => c.ggmlType === ggmlType);
}
