/**
 * Where the GPU tier's bytes physically live. Two implementations: device
 * buffers (the real thing) and host memory (budget-only mode, for tests and
 * machines without a GPU). The tier does keys, budget and lifecycle; a store
 * only allocates, reads and frees.
 */

/** One stored blob: its true length and the 4-byte-padded bytes it occupies. */
export interface StoredBlob {
  readonly length: number;
  readonly paddedBytes: number;
}

export interface BlobStore<H extends StoredBlob = StoredBlob> {
  /** 'device' or 'budget-only'. */
  readonly mode: 'device' | 'budget-only';
  /** Largest single blob this store can hold (device maxBufferSize). */
  readonly maxBlobBytes: number;
  /** Stores `bytes` (which the caller gives up); rejects with CapacityError when the memory cannot be had. */
  alloc(bytes: Uint8Array): Promise<H>;
  /** A fresh copy of the blob's `length` bytes. */
  read(blob: H): Promise<Uint8Array>;
  free(blob: H): void;
}

/** Size on the device: WebGPU copies and buffer sizes work in 4-byte units. */
export function padded4(n: number): number {
  return Math.ceil(n / 4) * 4;
}
