/**
 * decodeAsync: decode a tensor to f32 without blocking the event loop. GGML
 * block codecs with a native kernel decode on libuv's thread pool (napi
 * async work) and the Promise settles when done; timers and I/O keep
 * running meanwhile. Other codecs (or no addon) decode synchronously after
 * one turn of the event loop — for those, use the hive's codec worker pool.
 * The payload and the result must not be transferred before it settles.
 */
import type { AnyCodec, CodecParams } from '../codecs/codec.js';
import type { Shape } from '../tensor/shape.js';
import { numel } from '../tensor/shape.js';
import { kernels } from './table.js';

/** Decodes `payload` (shape `shape`, source dtype F32) to a new Float32Array. */
export async function decodeAsync(codec: AnyCodec, payload: Uint8Array, shape: Shape, params: CodecParams): Promise<Float32Array> {
  const type = codec.ggmlType;
  const kernel = type === undefined ? undefined : kernels.dequantizeAsync[type];
  if (kernel && payload.byteLength === codec.payloadBytes(shape, 'F32', params)) {
    const out = new Float32Array(numel(shape));
    if (await kernel(payload, out)) return out;
    // A bad stored scale: the codec's own decode throws the precise FormatError.
  } else {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return codec.decode(payload, shape, 'F32', params).toF32();
}
