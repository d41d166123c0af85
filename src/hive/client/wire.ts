/**
 * What crosses the port between a service's worker thread and the hive:
 * tensors as { dtype, shape, bytes } with the bytes' buffer MOVED, in both
 * directions.
 *
 * Worker → hive (put): the client marks the message with comlink's
 * `transfer` (connectSystem's `transfer` option). Hive → worker (get):
 * exposeSystem answers with an Outcome object it builds itself, which
 * comlink would clone; a comlink transfer handler registered under our own
 * name moves the bytes of the results we marked. Both threads import this
 * module (expose and connect do), so both know the handler.
 */
import * as Comlink from 'comlink';
import { Tensor } from '../../tensor/tensor.js';
import type { DType } from '../../tensor/dtype.js';

export interface WireTensor {
  readonly dtype: DType;
  readonly shape: number[];
  readonly bytes: Uint8Array;
}

/** The hive methods a client may call, by SystemLike target name. */
export type HiveOp = 'put' | 'get' | 'delete' | 'has' | 'keys' | 'stats';
export const HIVE_OPS: readonly HiveOp[] = ['put', 'get', 'delete', 'has', 'keys', 'stats'];

/**
 * `tensor` as wire data plus the buffer to move. A view over part of a
 * buffer, or over a SharedArrayBuffer, is copied once into a buffer of its
 * own (moving the whole buffer would take bytes the view does not own).
 * With `keep`, the caller's buffer is never moved (a copy is moved).
 */
export function toWire(tensor: Tensor, keep = false): { wire: WireTensor; transfer: ArrayBuffer[] } {
  let bytes = tensor.bytes;
  const whole = bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  if (!whole || keep) bytes = bytes.slice();
  return { wire: { dtype: tensor.dtype, shape: [...tensor.shape], bytes }, transfer: [bytes.buffer as ArrayBuffer] };
}

export function fromWire(w: WireTensor): Tensor {
  return new Tensor(w.dtype, w.shape, w.bytes);
}

/** Results whose tensor bytes are to be moved rather than cloned. */
const outgoing = new WeakSet<object>();

/** Mark a result so that the reply carrying it moves its bytes. */
export function moveResult<T extends { bytes: Uint8Array }>(value: T): T {
  outgoing.add(value);
  return value;
}

const HANDLER = 'tensorhive.hive.move';

if (!Comlink.transferHandlers.has(HANDLER)) {
  Comlink.transferHandlers.set(HANDLER, {
    // exposeSystem's Outcome: { ok: true, value } with a marked value.
    canHandle(v: unknown): v is { ok: true; value: WireTensor } {
      if (typeof v !== 'object' || v === null) return false;
      const value = (v as { value?: unknown }).value;
      return (v as { ok?: unknown }).ok === true && typeof value === 'object' && value !== null && outgoing.has(value);
    },
    serialize(v: { ok: true; value: WireTensor }) {
      outgoing.delete(v.value);
      return [v, [v.value.bytes.buffer as ArrayBuffer]];
    },
    deserialize(v: unknown) {
      return v;
    },
  } as Comlink.TransferHandler<unknown, unknown>);
}
