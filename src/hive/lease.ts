/**
 * A lease on an expanded tensor: its chunks are LEASEd in the catalog (never
 * moved or evicted while held), its decoded bytes come from the hive's
 * capped BufferPool, and release() hands them back — re-encoding and storing
 * the tensor first when the lease is writable.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { Lease } from './types.js';

// Node 20 may lack Symbol.asyncDispose; TypeScript's `await using` looks it up by this name.
(Symbol as { asyncDispose?: symbol }).asyncDispose ??= Symbol.for('Symbol.asyncDispose');

export class HiveLease implements Lease {
  private done: Promise<void> | undefined;

  constructor(
    readonly key: string,
    readonly tensor: Tensor,
    readonly writable: boolean,
    readonly on: 'cpu' | 'gpu',
    private readonly onRelease: (lease: HiveLease) => Promise<void>,
  ) {}

  get released(): boolean {
    return this.done !== undefined;
  }

  /** Idempotent: the second call returns the first call's promise. */
  release(): Promise<void> {
    this.done ??= this.onRelease(this);
    return this.done;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.release();
  }
}
