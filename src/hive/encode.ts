/**
 * Encoding one chunk into a container blob: a named codec, or 'auto'
 * (chooseCodec per chunk). A codec that cannot take the chunk (shape, dtype,
 * values) is reported to the caller, which stores the chunk raw (seed 004's
 * fallback). Timing and sizes go to the codec stats.
 */
import type { Clock } from '../clock/index.js';
import { chooseCodec, type SelectTarget } from '../codecs/select/choose-codec.js';
import type { CodecStats } from '../codecs/select/codec-stats.js';
import { BLOB_FIXED_HEADER_BYTES, BLOB_MAGIC, BLOB_TRAILER_BYTES, blobLength, encodeBlob, readBlobHeader } from '../format/blob.js';
import { crc32 } from '../format/checksum.js';
import { compressTensor } from '../format/compress.js';
import { ActorDeadError } from '../errors/index.js';
import { JobCrashedError } from '../runtime/index.js';
import type { Tensor } from '../tensor/tensor.js';
import type { CodecPool } from './codec-pool.js';

export interface EncodedChunk {
  readonly blob: Uint8Array;
  /** The codec that wrote it (for 'auto', the one chosen). */
  readonly codec: string;
  /** The blob's CRC-32 trailer. */
  readonly checksum: number;
}

export function blobChecksum(blob: Uint8Array): number {
  return new DataView(blob.buffer, blob.byteOffset, blob.byteLength).getUint32(blob.byteLength - 4, true);
}

/**
 * CRC-32 of a whole container blob in O(header): the trailer is the CRC of
 * every byte before it, so continuing it over the trailer's own 4 bytes gives
 * the CRC of the whole (what a tier would compute in a pass over the blob).
 * undefined when `blob` is not a well-formed container (a manifest): the tier
 * then computes its own. A trailer that lies makes the tier's record fail its
 * check on read, never pass wrong bytes.
 */
export function containerCrc(blob: Uint8Array): number | undefined {
  if (blob.byteLength < BLOB_FIXED_HEADER_BYTES + BLOB_TRAILER_BYTES) return undefined;
  for (let i = 0; i < BLOB_MAGIC.length; i++) if (blob[i] !== BLOB_MAGIC[i]) return undefined;
  try {
    if (blobLength(readBlobHeader(blob)) !== blob.byteLength) return undefined;
  } catch {
    return undefined;
  }
  return crc32(blob.subarray(blob.byteLength - BLOB_TRAILER_BYTES), blobChecksum(blob));
}

/** Encode `t` with `codec` ('auto' allowed). Throws what the codec throws. */
export function encodeChunk(t: Tensor, codec: string, params: Record<string, unknown> | undefined, stats: CodecStats, clock: Clock): EncodedChunk {
  if (codec === 'auto') {
    const target: SelectTarget = {};
    if (params?.lossless !== undefined) target.lossless = params.lossless as boolean;
    if (params?.maxError !== undefined) target.maxError = params.maxError as number;
    if (params?.minRatio !== undefined) target.minRatio = params.minRatio as number;
    const sel = chooseCodec(t, target, { stats, clock });
    const blob = encodeBlob({ codecId: sel.codec.id, dtype: t.dtype, shape: t.shape, params: sel.params }, sel.payload);
    return { blob, codec: sel.codec.name, checksum: blobChecksum(blob) };
  }
  const t0 = clock.now();
  const blob = compressTensor(t, codec, params);
  stats.attempt(codec, clock.now() - t0);
  stats.chose(codec, t.byteLength, blob.byteLength);
  return { blob, codec, checksum: blobChecksum(blob) };
}

/**
 * encodeChunk, through the codec pool when there is one and the chunk is big
 * enough (a named codec only: 'auto' keeps its stats here). A pool that is
 * down or a job that crashed past its retries falls back to encoding inline.
 */
export async function encodeChunkVia(pool: CodecPool | undefined, t: Tensor, codec: string, params: Record<string, unknown> | undefined, stats: CodecStats, clock: Clock): Promise<EncodedChunk> {
  if (!pool || codec === 'auto' || t.byteLength < pool.offloadBytes) return encodeChunk(t, codec, params, stats, clock);
  const t0 = clock.now();
  let blob: Uint8Array;
  try {
    blob = await pool.encode(t, codec, params);
  } catch (err) {
    if (err instanceof ActorDeadError || err instanceof JobCrashedError) return encodeChunk(t, codec, params, stats, clock);
    throw err;
  }
  stats.attempt(codec, clock.now() - t0);
  stats.chose(codec, t.byteLength, blob.byteLength);
  return { blob, codec, checksum: blobChecksum(blob) };
}
