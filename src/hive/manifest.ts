/**
 * What the disk tier holds besides chunk blobs: one manifest record per
 * tensor (`m:<key>`), written after its chunks, so a hive restarted on the
 * same directory rebuilds its catalog from the disk tier alone. Chunk blobs
 * are keyed `c:<generation>:<key>#<index>`; a generation is fresh for every
 * put, so replacing a tensor never overwrites the chunks its manifest still
 * names, and chunks no manifest names are leftovers of an unfinished put.
 */
import { FormatError } from '../errors/index.js';
import type { ChunkSpec, TensorSpec } from '../scheduler/index.js';
import { isDType } from '../tensor/dtype.js';

export const MANIFEST_PREFIX = 'm:';
export const CHUNK_PREFIX = 'c:';

export interface Manifest extends TensorSpec {
  readonly v: 1;
  readonly key: string;
  readonly gen: number;
  /** The codec asked for at put (what a writable lease re-encodes with). */
  readonly requested: string;
  readonly params?: Record<string, unknown>;
  /** Pinned (never moved or evicted); absent: not pinned. */
  readonly pinned?: boolean;
}

export function manifestKey(key: string): string {
  return MANIFEST_PREFIX + key;
}

export function chunkTierKey(gen: number, key: string, index: number): string {
  return `${CHUNK_PREFIX}${gen}:${key}#${index}`;
}

/** The generation in a chunk tier key, or undefined when it is not one. */
export function genOfChunkKey(tierKey: string): number | undefined {
  if (!tierKey.startsWith(CHUNK_PREFIX)) return undefined;
  const end = tierKey.indexOf(':', CHUNK_PREFIX.length);
  const g = Number(tierKey.slice(CHUNK_PREFIX.length, end));
  return end > 0 && Number.isSafeInteger(g) ? g : undefined;
}

export function encodeManifest(m: Manifest): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(m));
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

/** Parse and check a manifest record; FormatError names the field. The catalog checks the chunk tiling. */
export function parseManifest(bytes: Uint8Array, tierKey: string): Manifest {
  let m: Manifest;
  try {
    m = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as Manifest;
  } catch (err) {
    throw new FormatError(`manifest ${tierKey}`, 'not UTF-8 JSON', { cause: err });
  }
  const where = `manifest ${tierKey}`;
  if (!m || typeof m !== 'object' || m.v !== 1) throw new FormatError(`${where}.v`, 'unknown manifest version');
  if (typeof m.key !== 'string' || manifestKey(m.key) !== tierKey) throw new FormatError(`${where}.key`, `does not match the record key`);
  if (!isCount(m.gen)) throw new FormatError(`${where}.gen`, 'must be a non-negative integer');
  if (!isDType(m.dtype)) throw new FormatError(`${where}.dtype`, `unknown dtype ${JSON.stringify(m.dtype)}`);
  if (typeof m.codec !== 'string' || typeof m.requested !== 'string') throw new FormatError(`${where}.codec`, 'must be a codec name');
  if (!Array.isArray(m.shape) || !m.shape.every(isCount)) throw new FormatError(`${where}.shape`, 'must be non-negative integers');
  if (m.pinned !== undefined && typeof m.pinned !== 'boolean') throw new FormatError(`${where}.pinned`, 'must be a boolean');
  if (!Array.isArray(m.chunks)) throw new FormatError(`${where}.chunks`, 'must be an array');
  for (const c of m.chunks as ChunkSpec[]) {
    if (!c || !isCount(c.index) || !isCount(c.elementOffset) || !isCount(c.elements) || !isCount(c.blobBytes) || !isCount(c.checksum)) {
      throw new FormatError(`${where}.chunks`, 'every chunk needs index, elementOffset, elements, blobBytes and checksum');
    }
  }
  return m;
}
