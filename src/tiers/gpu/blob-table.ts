/**
 * The GPU tier's key → blob table with its byte accounting and read pins. A
 * blob that is replaced or deleted while a read holds it is freed only when
 * the last read lets go (WebGPU would otherwise see a destroyed buffer between
 * readback slices).
 */
import type { BlobStore, StoredBlob } from './blob-store.js';

export interface Entry {
  readonly blob: StoredBlob;
  readers: number;
  detached: boolean;
}

export class BlobTable {
  private readonly entries = new Map<string, Entry>();
  /** Sum of true blob lengths. */
  used = 0;
  /** Sum of padded device sizes: what the budget counts. */
  footprint = 0;

  constructor(private readonly store: BlobStore) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): Entry | undefined {
    return this.entries.get(key);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** Stores `blob` under `key`, detaching (and, unless read, freeing) what was there. */
  set(key: string, blob: StoredBlob): void {
    this.delete(key);
    this.entries.set(key, { blob, readers: 0, detached: false });
    this.used += blob.length;
    this.footprint += blob.paddedBytes;
  }

  delete(key: string): boolean {
    const entry = this.entries.get(key);
    if (entry === undefined) return false;
    this.entries.delete(key);
    this.used -= entry.blob.length;
    this.footprint -= entry.blob.paddedBytes;
    entry.detached = true;
    this.release(entry);
    return true;
  }

  /** Frees every blob (those being read are freed when their reads end). */
  clear(): void {
    for (const key of this.keys()) this.delete(key);
  }

  /** Forgets every blob without freeing: the device already took them all. */
  forget(): void {
    this.entries.clear();
    this.used = 0;
    this.footprint = 0;
  }

  /** Runs `fn` with the entry's blob kept alive. */
  async pinned<T>(entry: Entry, fn: () => Promise<T>): Promise<T> {
    entry.readers++;
    try {
      return await fn();
    } finally {
      entry.readers--;
      this.release(entry);
    }
  }

  private release(entry: Entry): void {
    if (entry.detached && entry.readers === 0) this.store.free(entry.blob);
  }
}
