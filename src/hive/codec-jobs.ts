/**
 * The codec pool's job handlers (the pool's worker threads import this
 * file; nothing on the main thread calls these directly). Inputs are cloned
 * in (one copy, and the pool still holds them, so a job whose worker died
 * can run again — moved input would have died with it); outputs are moved
 * back whole (zero copy).
 */
import { compressTensor, decompressBlobAs } from '../format/compress.js';
import { moved, type Moved } from '../runtime/index.js';
import type { DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';

export interface EncodeInput {
  readonly bytes: Uint8Array;
  readonly dtype: DType;
  readonly shape: number[];
  readonly codec: string;
  readonly params: Record<string, unknown> | undefined;
}

export interface Decoded {
  readonly dtype: DType;
  readonly shape: number[];
  readonly bytes: Uint8Array;
}

/** Chaos hook (CodecPool.crashNextJob): the worker running the job dies abruptly, once. */
function crashOnce(flag: Int32Array): void {
  // The first worker to see the flag at 0 dies; the retried job sees 1 and goes on.
  if (Atomics.add(flag, 0, 1) === 0) process.exit(71);
}

function own(b: Uint8Array): Uint8Array {
  // A view into a shared or larger buffer cannot be moved: copy it out.
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && !(b.buffer instanceof SharedArrayBuffer) ? b : b.slice();
}

export function encodeJob(input: EncodeInput, crash?: Int32Array): Uint8Array {
  if (crash) crashOnce(crash);
  const t = new Tensor(input.dtype, input.shape, input.bytes);
  return own(compressTensor(t, input.codec, input.params));
}

export function decodeJob(blob: Uint8Array, crash?: Int32Array): Moved<Decoded> {
  if (crash) crashOnce(crash);
  const t = decompressBlobAs(blob, 'source');
  const bytes = own(t.bytes);
  return moved({ dtype: t.dtype, shape: [...t.shape], bytes }, [bytes.buffer as ArrayBuffer]);
}
