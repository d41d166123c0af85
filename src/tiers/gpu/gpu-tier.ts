/**
 * The GPU tier: blobs in WebGPU buffers on one device, under a byte budget.
 *
 * - Device mode: `start()` opens a device (see device.ts) and measures
 *   upload/readback bandwidth. Budget-only mode (`budgetOnly: true`) keeps the
 *   bytes in host memory with the same accounting, for tests and GPU-less
 *   machines; stats.extra.budgetOnly says which mode runs.
 * - The budget counts device bytes (sizes padded to 4); usedBytes counts true
 *   blob lengths. Transient readback staging (≤ 16 MiB per get) is not counted.
 * - Device loss is observed through device.lost: every blob is gone, and every
 *   call rejects with GpuDeviceLostError until stop() + start() on a new device.
 * - Mutations run one at a time (allocation errors are only known after an
 *   awaited error scope); reads run concurrently and pin the blob they read, so
 *   a delete or overwrite meanwhile frees it only when the read is done.
 */
import { SystemClock, type Clock } from '../../clock/index.js';
import { ArgumentError, CapacityError } from '../../errors/index.js';
import type { TierDriver, TierFlags, TierStats } from '../driver.js';
import { checkKey } from '../key.js';
import { DEFAULT_PROBE_BYTES, measureBandwidth, type Bandwidth } from './bandwidth.js';
import { padded4, type BlobStore } from './blob-store.js';
import { DeviceBlobStore, type DeviceBlob } from './device-store.js';
import { openGpuDevice, type GpuDevice } from './device.js';
import { checkOptions, describeValue, type GpuTierOptions } from './gpu-tier-options.js';
import { GpuDeviceLostError, GpuUnavailableError, TierNotRunningError } from './errors.js';
import { HostBlobStore } from './host-store.js';
import { BlobTable, type Entry } from './blob-table.js';
import { dequantizeQ8_0OnDevice, type Q8KernelOptions } from './q8-kernel.js';

type State = 'idle' | 'starting' | 'running' | 'lost' | 'stopping' | 'stopped';

export class GpuTier implements TierDriver {
  readonly name: string;
  readonly flags: TierFlags = { kind: 'gpu', persistent: false, reattachable: false, compaction: false, sync: false };
  readonly capacityBytes: number;
  private readonly options: GpuTierOptions;
  private readonly clock: Clock;
  private state: State = 'idle';
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private gpu: GpuDevice | undefined;
  private handOver: GpuDevice | undefined;
  private store: BlobStore | undefined;
  private table: BlobTable | undefined;
  private bandwidth: Bandwidth | undefined;
  private lostInfo: { reason: string; message: string } | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private generation = 0;

  constructor(options: GpuTierOptions) {
    checkOptions(options);
    this.options = options;
    this.name = options.name ?? 'gpu';
    this.capacityBytes = options.capacityBytes;
    this.clock = options.clock ?? new SystemClock();
    this.handOver = options.openedDevice;
  }

  /** 'device' or 'budget-only' (known from construction). */
  get mode(): 'device' | 'budget-only' {
    return this.options.budgetOnly ? 'budget-only' : 'device';
  }

  /** The open device while running in device mode (for kernels and tests). */
  get device(): GpuDevice | undefined {
    return this.state === 'running' ? this.gpu : undefined;
  }

  start(): Promise<void> {
    if (this.state === 'running') return Promise.resolve();
    if (this.state === 'starting') return this.starting!;
    if (this.state === 'stopping' || this.state === 'lost') {
      return Promise.reject(new TierNotRunningError(this.name, this.state, 'start (stop it first)'));
    }
    this.state = 'starting';
    this.starting = this.open().then(
      () => {
        this.state = 'running';
      },
      (err: unknown) => {
        this.state = 'stopped';
        throw err;
      },
    );
    return this.starting;
  }

  private async open(): Promise<void> {
    const gen = ++this.generation;
    this.lostInfo = undefined;
    let store: BlobStore;
    if (this.options.budgetOnly) {
      store = new HostBlobStore(Number.MAX_SAFE_INTEGER);
    } else {
      let gpu = this.handOver;
      this.handOver = undefined;
      if (gpu === undefined) {
        const r = await openGpuDevice(this.options.device);
        if (!r.ok) throw new GpuUnavailableError(r.reason);
        gpu = r.gpu;
      }
      this.gpu = gpu;
      void gpu.lost.then((info) => this.onLost(gen, info));
      store = new DeviceBlobStore(gpu.device);
    }
    this.store = store;
    this.table = new BlobTable(store);
    // The probe stays inside the budget: the hive said how much device memory it may use.
    const probe = Math.min(this.options.probeBytes ?? DEFAULT_PROBE_BYTES, this.capacityBytes, store.maxBlobBytes);
    try {
      this.bandwidth = probe > 0 ? await measureBandwidth(store, this.clock, probe) : undefined;
      if (this.lostInfo) throw this.lostError();
    } catch (err) {
      // A device that failed its first use is given back, not leaked.
      const reported = this.lostInfo ? this.lostError() : err;
      this.generation++;
      this.gpu?.close();
      this.gpu = undefined;
      this.store = undefined;
      this.table = undefined;
      this.lostInfo = undefined;
      throw reported;
    }
  }

  private onLost(gen: number, info: GPUDeviceLostInfo): void {
    if (gen !== this.generation || this.state === 'stopping' || this.state === 'stopped') return;
    this.lostInfo = { reason: String(info.reason), message: info.message ?? '' };
    if (this.state === 'running') this.state = 'lost';
    // The device took every buffer with it.
    this.table?.forget();
  }

  private lostError(): GpuDeviceLostError {
    return new GpuDeviceLostError(this.name, this.lostInfo?.reason ?? 'unknown', this.lostInfo?.message ?? '');
  }

  /** Throws unless running; called on entry and after every await. */
  private ensureRunning(operation: string): { store: BlobStore; table: BlobTable } {
    if (this.state === 'lost' || this.lostInfo) throw this.lostError();
    if (this.state !== 'running') throw new TierNotRunningError(this.name, this.state, operation);
    return { store: this.store!, table: this.table! };
  }

  /** One mutation at a time, in call order. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.chain.then(fn);
    this.chain = p.catch(() => undefined);
    return p;
  }

  async put(key: string, blob: Uint8Array): Promise<void> {
    checkKey(key);
    if (!(blob instanceof Uint8Array)) throw new ArgumentError(`blob must be a Uint8Array, got ${describeValue(blob)}`);
    this.ensureRunning('put');
    const need = padded4(blob.byteLength);
    if (need > this.capacityBytes) {
      throw new CapacityError(`gpu tier ${this.name}: a blob of ${blob.byteLength} bytes exceeds the whole budget of ${this.capacityBytes} bytes`);
    }
    // Copy now: the caller may reuse its buffer as soon as put() returns a promise.
    // (Not blob.slice(): on a Node Buffer that is a view, not a copy.)
    const bytes = new Uint8Array(blob);
    return this.serial(async () => {
      const { store, table } = this.ensureRunning('put');
      if (need > store.maxBlobBytes) {
        throw new CapacityError(`gpu tier ${this.name}: blob of ${blob.byteLength} bytes exceeds the device's largest buffer (${store.maxBlobBytes} bytes)`);
      }
      const old = table.get(key);
      const after = table.footprint - (old?.blob.paddedBytes ?? 0) + need;
      if (after > this.capacityBytes) {
        throw new CapacityError(`gpu tier ${this.name}: storing ${blob.byteLength} bytes under ${JSON.stringify(key)} needs ${after} of ${this.capacityBytes} budget bytes (${table.footprint} in use)`);
      }
      const stored = await store.alloc(bytes);
      try {
        this.ensureRunning('put');
      } catch (err) {
        store.free(stored);
        throw err;
      }
      table.set(key, stored);
    });
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    checkKey(key);
    const { store, table } = this.ensureRunning('get');
    const entry = table.get(key);
    if (entry === undefined) return undefined;
    return this.withPinned(table, entry, 'get', () => store.read(entry.blob as DeviceBlob));
  }

  /** Runs `fn` with the entry's buffer kept alive; maps failures after a loss to GpuDeviceLostError. */
  private async withPinned<T>(table: BlobTable, entry: Entry, operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      const out = await table.pinned(entry, fn);
      this.ensureRunning(operation);
      return out;
    } catch (err) {
      // A failed map or submit after device loss: report the loss, not Dawn's empty message.
      if (this.lostInfo) throw this.lostError();
      if (this.state !== 'running') throw new TierNotRunningError(this.name, this.state, operation);
      throw err;
    }
  }

  async delete(key: string): Promise<boolean> {
    checkKey(key);
    this.ensureRunning('delete');
    return this.serial(async () => this.ensureRunning('delete').table.delete(key));
  }

  async has(key: string): Promise<boolean> {
    checkKey(key);
    return this.ensureRunning('has').table.has(key);
  }

  async keys(): Promise<string[]> {
    return this.ensureRunning('list keys').table.keys();
  }

  /**
   * Dequantizes the Q8_0 payload stored under `key` on the device (WGSL
   * kernel) and reads the f32 values back. `options.byteOffset/byteLength`
   * address a payload inside a larger blob. Device mode only.
   */
  async dequantizeQ8_0(key: string, options?: Q8KernelOptions): Promise<Float32Array> {
    checkKey(key);
    const { table } = this.ensureRunning('dequantize');
    if (this.mode === 'budget-only') throw new GpuUnavailableError(`gpu tier ${this.name} runs in budget-only mode: no device to compute on`);
    const entry = table.get(key);
    if (entry === undefined) throw new ArgumentError(`key ${JSON.stringify(key)} is not stored in gpu tier ${this.name}`);
    const gpu = this.gpu!;
    return this.withPinned(table, entry, 'dequantize', () => dequantizeQ8_0OnDevice(gpu.device, entry.blob as DeviceBlob, options));
  }

  async stats(): Promise<TierStats> {
    const bw = this.bandwidth;
    const extra: Record<string, number> = {
      budgetOnly: this.options.budgetOnly ? 1 : 0,
      deviceLost: this.lostInfo ? 1 : 0,
    };
    if (this.store) extra.maxBlobBytes = this.store.maxBlobBytes;
    if (this.gpu) extra.deviceOpenMs = this.gpu.openMs;
    return {
      name: this.name,
      kind: 'gpu',
      capacityBytes: this.capacityBytes,
      usedBytes: this.table?.used ?? 0,
      footprintBytes: this.table?.footprint ?? 0,
      entries: this.table?.size ?? 0,
      ...(bw && Number.isFinite(bw.readMBps) ? { readMBps: bw.readMBps } : {}),
      ...(bw && Number.isFinite(bw.writeMBps) ? { writeMBps: bw.writeMBps } : {}),
      extra,
    };
  }

  stop(): Promise<void> {
    this.stopping ??= this.close().finally(() => {
      this.stopping = undefined;
    });
    return this.stopping;
  }

  private async close(): Promise<void> {
    if (this.state === 'starting') await this.starting!.catch(() => undefined);
    if (this.state === 'idle' || this.state === 'stopped') return;
    this.state = 'stopping';
    await this.chain;
    this.table?.clear();
    this.generation++;
    this.gpu?.close();
    this.gpu = undefined;
    this.store = undefined;
    this.table = undefined;
    this.lostInfo = undefined;
    this.state = 'stopped';
  }
}
