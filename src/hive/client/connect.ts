/**
 * The worker-thread side of `exposeHive`: a small hive-shaped client over
 * the runtime's connectSystem, which tracks pending calls and rejects them
 * with ActorDeadError when the hive stops or the port closes.
 */
import type { MessagePort } from 'node:worker_threads';
import { connectSystem } from '../../runtime/outside/index.js';
import { Tensor } from '../../tensor/tensor.js';
import type { DType } from '../../tensor/dtype.js';
import type { HiveStats, PutOptions } from '../types.js';
import { fromWire, toWire, type WireTensor } from './wire.js';

export interface ClientPutOptions extends PutOptions {
  /**
   * Keep the caller's bytes: send a copy instead of moving the tensor's
   * buffer (by default a tensor whose view covers its whole ArrayBuffer is
   * moved, and the caller's view is empty afterwards).
   */
  keep?: boolean;
}

export interface HiveClient {
  put(key: string, tensor: Tensor | { dtype: DType; shape: readonly number[]; bytes: Uint8Array }, options?: ClientPutOptions): Promise<void>;
  /** The tensor (its bytes moved here from the hive's thread), or undefined when there is none. */
  get(key: string): Promise<Tensor | undefined>;
  delete(key: string): Promise<boolean>;
  has(key: string): Promise<boolean>;
  keys(): Promise<string[]>;
  stats(): Promise<HiveStats>;
  readonly closed: boolean;
  /** Pending calls reject with ActorDeadError; the port closes. */
  close(): void;
}

export function connectHive(port: MessagePort, options: { name?: string } = {}): HiveClient {
  const system = connectSystem(port, { name: options.name ?? 'hive' });
  return {
    async put(key, tensor, opts = {}) {
      // Checked here, so a bad tensor is a typed error in the caller's thread.
      const t = tensor instanceof Tensor ? tensor : new Tensor(tensor.dtype, tensor.shape, tensor.bytes);
      const { keep, ...putOptions } = opts;
      const { wire, transfer } = toWire(t, keep === true);
      await system.call('put', { key, tensor: wire, options: putOptions }, { transfer });
    },
    async get(key) {
      const w = await system.call<WireTensor | null>('get', { key });
      return w === null ? undefined : fromWire(w);
    },
    delete(key) {
      return system.call<boolean>('delete', { key });
    },
    has(key) {
      return system.call<boolean>('has', { key });
    },
    keys() {
      return system.call<string[]>('keys', {});
    },
    stats() {
      return system.call<HiveStats>('stats', {});
    },
    get closed() {
      return system.closed;
    },
    close() {
      system.close();
    },
  };
}

