/**
 * What a chunk costs on a tier, as the planner and the ledger count it. The
 * RAM tier stores each blob in a power-of-two block (with a header and the
 * tier key), so a 66 KB blob takes a 128 KiB block: counting blob bytes there
 * would let a plan overshoot the RAM budget by up to half. Other tiers cost
 * their blob bytes.
 */
import type { Footprint, FootprintChunk, PolicyView } from '../scheduler/index.js';
import { MAX_KEY_BYTES, type TierKind } from '../tiers/driver.js';
import { ramBlockBytes } from '../tiers/ram/index.js';
import type { HiveCore } from './core.js';

/** Bytes a blob stored under `tierKey` occupies on `kind`. */
export function footprintOn(kind: TierKind, tierKey: string, blobBytes: number): number {
  return kind === 'ram' ? ramBlockBytes(Buffer.byteLength(tierKey, 'utf8'), blobBytes) : blobBytes;
}

/**
 * The hive's Footprint for policy views: a chunk in the catalog by its own
 * tier key; a chunk being placed (no id yet) by `placing`, the tier key it
 * will be stored under.
 */
export function hiveFootprint(core: HiveCore, placing?: string): Footprint {
  return (kind: TierKind, chunk: FootprintChunk): number => {
    if (kind !== 'ram') return chunk.blobBytes;
    const c = chunk.id === undefined ? undefined : core.catalog.chunk(chunk.id);
    const tierKey = c && core.meta.has(c.key) ? core.tierKeyOf(c) : placing;
    // Unknown key: the longest a tier key can be, so the cost is never under-counted.
    return tierKey === undefined ? ramBlockBytes(MAX_KEY_BYTES, chunk.blobBytes) : footprintOn(kind, tierKey, chunk.blobBytes);
  };
}

/** The policy view the hive plans and places with (HiveCore.view): its ledger, and footprints that count RAM blocks. */
export function policyView(core: HiveCore, placing?: string): PolicyView {
  const { catalog, ledger, options } = core;
  return { catalog, tiers: ledger.stats(), clock: options.clock, history: catalog.history, footprint: hiveFootprint(core, placing) };
}
