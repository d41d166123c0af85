/**
 * What the catalog holds, as plain data: tensors and their chunks.
 */
import type { DType } from '../tensor/dtype.js';
import type { TierKind } from '../tiers/driver.js';
import type { ResidencyEventType, ResidencyState } from './residency.js';

/** A chunk as the hive hands it to the catalog. */
export interface ChunkSpec {
  readonly index: number;
  /** First element of the tensor (flat, row-major) the chunk holds. */
  readonly elementOffset: number;
  readonly elements: number;
  /** Encoded (blob) bytes. */
  readonly blobBytes: number;
  /** CRC-32 of the blob, u32. */
  readonly checksum: number;
}

export interface ChunkRecord extends ChunkSpec {
  /** Unique: `${key}#${index}`. */
  readonly id: string;
  readonly key: string;
  /** Tier holding the primary bytes; undefined while absent or loading. */
  readonly tier: TierKind | undefined;
  /** Where a load or move in flight is going. */
  readonly target: TierKind | undefined;
  /** Further tiers holding a verified copy (durability, cache). */
  readonly copies: readonly TierKind[];
  readonly pinned: boolean;
  readonly leases: number;
  readonly state: ResidencyState;
}

export interface TensorSpec {
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Codec name as the registry spells it. */
  readonly codec: string;
  /** Uncompressed bytes of the whole tensor. */
  readonly logicalBytes: number;
  readonly chunks: readonly ChunkSpec[];
}

export interface TensorRecord extends Omit<TensorSpec, 'chunks'> {
  readonly key: string;
  readonly chunks: readonly ChunkRecord[];
}

/** One accepted residency event, as the catalog reports it. */
export interface ResidencyChange {
  readonly chunkId: string;
  readonly key: string;
  readonly event: ResidencyEventType;
  readonly from: ResidencyState;
  readonly to: ResidencyState;
  readonly tier: TierKind | undefined;
  readonly target: TierKind | undefined;
  readonly leases: number;
  readonly pinned: boolean;
  readonly at: number;
}

export function chunkId(key: string, index: number): string {
  return `${key}#${index}`;
}
