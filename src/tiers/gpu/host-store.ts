/**
 * Budget-only mode: the blobs live in host memory, with the same 4-byte padding
 * accounting as device buffers, so the tier's budget logic behaves exactly as
 * on a device. Used by tests and by hives on machines without a GPU that still
 * want to exercise GPU placement policy.
 */
import { padded4, type BlobStore, type StoredBlob } from './blob-store.js';

interface HostBlob extends StoredBlob {
  readonly bytes: Uint8Array;
}

export class HostBlobStore implements BlobStore<HostBlob> {
  readonly mode = 'budget-only' as const;
  readonly maxBlobBytes: number;

  constructor(maxBlobBytes: number) {
    this.maxBlobBytes = maxBlobBytes;
  }

  /** Takes ownership of `bytes` (the tier hands in its own copy). */
  async alloc(bytes: Uint8Array): Promise<HostBlob> {
    return { length: bytes.byteLength, paddedBytes: padded4(bytes.byteLength), bytes };
  }

  async read(blob: HostBlob): Promise<Uint8Array> {
    return blob.bytes.slice();
  }

  free(): void {
    // Host memory is reclaimed by the garbage collector once the entry is dropped.
  }
}
