/**
 * acquire(key, { on: 'gpu' }): the tensor expanded on the hive's compute
 * device, decoded THERE from its compressed chunks ("expand only what is
 * being touched"; upload compressed, not f32).
 *
 * Per chunk: fetch the blob (checked as get() checks it: readChunkBlob), upload its
 * payload and record the codec's WGSL kernel (tiers/gpu/decoders.ts) writing
 * f32 words into the lease buffer at the chunk's element offset; a codec
 * without a kernel is decoded on the CPU and its expanded bytes uploaded
 * (counted apart in stats().gpuLeases). Chunk uploads are submitted as they
 * come, so the device decodes one chunk while the next is fetched; one
 * readback at the end checks every kernel's bad-block flags.
 *
 * The buffer holds f32 values — the codec's decoded values, exactly what
 * `decompressBlobAs(blob, 'F32')` gives (for F32 tensors, what get() gives) —
 * whenever the source dtype is exact in f32 (F32, F16, BF16, F8_*, I8, U8,
 * I16, BOOL); for F64, I32 and I64 tensors it holds get()'s bytes in the
 * source dtype, decoded on the CPU.
 */
import { ArgumentError, CapacityError, FormatError, TensorhiveError } from '../errors/index.js';
import { convertDecoded, decodeVerified } from '../format/compress.js';
import { dtypeInfo, type DType } from '../tensor/dtype.js';
import { numel } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import type { GpuDevice } from '../tiers/gpu/device.js';
import { DecodeBatch } from '../tiers/gpu/decode-pass.js';
import { gpuDecodeSpec } from '../tiers/gpu/decoders.js';
import { DeviceBlobStore } from '../tiers/gpu/device-store.js';
import { expandInto, fitsDevice } from '../tiers/gpu/expand.js';
import { BufferUsage } from '../tiers/gpu/usage.js';
import type { HiveCore } from './core.js';
import type { GpuByteBudget } from './gpu-budget.js';
import type { HiveGpu } from './gpu-compute.js';
import { GpuLeaseLostError } from './gpu-errors.js';
import { HiveGpuLease } from './lease.js';
import { readChunkBlob, StaleRead, type VerifiedBlob } from './read.js';
import type { GpuLease } from './types.js';

export interface GpuAcquireDeps {
  readonly core: HiveCore;
  readonly gpu: HiveGpu;
  readonly budget: GpuByteBudget;
  readonly put: (key: string, t: Tensor, opts: { codec?: string; params?: Record<string, unknown> }) => Promise<void>;
}

const EXACT_IN_F32: ReadonlySet<DType> = new Set<DType>(['F32', 'F16', 'BF16', 'F8_E4M3', 'F8_E5M2', 'I8', 'U8', 'I16', 'BOOL']);

/** The dtype a GPU lease of a `source` tensor holds. */
export function gpuLeaseDType(source: DType): DType {
  return EXACT_IN_F32.has(source) ? 'F32' : source;
}

/** A lease buffer of `size` bytes; a refused allocation is a CapacityError. */
async function createLeaseBuffer(device: GPUDevice, size: number, key: string): Promise<GPUBuffer> {
  if (size > device.limits.maxBufferSize) {
    throw new CapacityError(`tensor ${JSON.stringify(key)}: a GPU lease of ${size} bytes exceeds the device's maxBufferSize (${device.limits.maxBufferSize})`);
  }
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  const buffer = device.createBuffer({ size, usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST, label: `tensorhive lease ${key}` });
  const [ev, eo] = await Promise.all([device.popErrorScope(), device.popErrorScope()]);
  const err = eo ?? ev;
  if (err) {
    buffer.destroy();
    throw new CapacityError(`tensor ${JSON.stringify(key)}: the GPU device could not allocate a ${size}-byte lease buffer: ${err.message || err.constructor.name}`);
  }
  return buffer;
}

/** `err` as the lease error it stands for: GpuLeaseLostError when the device of `epoch` is gone. */
async function asLost(hg: HiveGpu, opened: { gpu: GpuDevice; epoch: number }, what: string, err: unknown): Promise<unknown> {
  const { epoch } = opened;
  if (!(err instanceof TensorhiveError) && !hg.lostInfo(epoch)) {
    // A WebGPU call failing on a lost device (mapAsync's AbortError) may settle before device.lost: give it a turn.
    await Promise.race([opened.gpu.lost, new Promise((r) => setImmediate(r))]);
  }
  const lost = hg.lostInfo(epoch);
  if (lost && !(err instanceof GpuLeaseLostError)) return new GpuLeaseLostError(what, lost.reason, lost.message, { cause: err });
  return err;
}

/** A leased chunk's verified blob (its access recorded, as a read's). */
async function leasedBlob(core: HiveCore, key: string, gen: number, id: string): Promise<VerifiedBlob> {
  core.catalog.recordAccess(id);
  try {
    return await readChunkBlob(core, key, gen, id);
  } catch (err) {
    // Put and delete refuse a leased tensor: a stale read here means that guard failed.
    if (err instanceof StaleRead) throw new TensorhiveError('ERR_CONFLICT', `tensor ${JSON.stringify(key)} changed while it was leased`);
    throw err;
  }
}

export async function acquireGpuLease(d: GpuAcquireDeps, key: string, o: { write: boolean; timeoutMs: number | undefined }, opened: { gpu: GpuDevice; epoch: number }): Promise<GpuLease> {
  const { core, gpu: hg, budget } = d;
  const { device } = opened.gpu;
  const { epoch } = opened;
  const rec = await core.writes.run(async () => {
    const r = core.catalog.tensor(key);
    if (!r) throw new ArgumentError(`no tensor under key ${JSON.stringify(key)}`);
    for (const c of r.chunks) core.catalog.apply(c.id, { type: 'LEASE' });
    return { ...r, gen: core.meta.get(key)!.gen };
  });
  let leased = true;
  const unlease = (): void => {
    if (!leased) return;
    leased = false;
    for (const c of rec.chunks) core.catalog.tryApply(c.id, { type: 'RELEASE' });
  };
  const dtype = gpuLeaseDType(rec.dtype);
  const eb = dtypeInfo(dtype).bytes;
  const byteLength = numel(rec.shape) * eb;
  const size = Math.max(4, Math.ceil(byteLength / 4) * 4);
  let freeBudget: (() => void) | undefined;
  let buffer: GPUBuffer | undefined;
  const batch = new DecodeBatch(device);
  const uploads: GPUBuffer[] = [];
  const checkLive = (what = 'acquire'): void => {
    const lost = hg.lostInfo(epoch);
    if (lost) throw new GpuLeaseLostError(`${what} of ${JSON.stringify(key)}`, lost.reason, lost.message);
  };
  try {
    freeBudget = await budget.reserve(size, o.timeoutMs);
    checkLive();
    buffer = await createLeaseBuffer(device, size, key);
    for (const c of rec.chunks) {
      const v = await leasedBlob(core, key, rec.gen, c.id);
      checkLive();
      const spec = dtype === 'F32' ? gpuDecodeSpec(v.header, v.payload) : undefined;
      if (spec && fitsDevice(device, spec)) {
        const named = spec.onBad;
        const onBad = named && ((u: number): Error => {
          const e = named(u);
          return e instanceof FormatError ? new FormatError(e.field, `tensor ${JSON.stringify(key)} chunk ${c.index}: ${e.message}`) : e;
        });
        const src = expandInto(device, batch, { ...spec, ...(onBad ? { onBad } : {}) }, buffer, c.elementOffset * 4);
        if (src) uploads.push(src);
        batch.submit();
        hg.counters.kernelChunks++;
        hg.counters.uploadedCompressedBytes += spec.upload.byteLength;
      } else {
        const t = convertDecoded(decodeVerified(v.header, v.payload), v.header, dtype === 'F32' ? 'F32' : 'source');
        // Element sizes here are 4 or 8 bytes: offsets and lengths are whole words, as writeBuffer needs.
        if (t.byteLength > 0) device.queue.writeBuffer(buffer, c.elementOffset * eb, t.bytes);
        hg.counters.cpuChunks++;
        hg.counters.uploadedExpandedBytes += t.byteLength;
      }
    }
    await batch.finish();
    checkLive();
  } catch (err) {
    batch.destroy();
    buffer?.destroy();
    freeBudget?.();
    unlease();
    throw await asLost(hg, opened, `acquire of ${JSON.stringify(key)}`, err);
  } finally {
    for (const u of uploads) u.destroy();
  }
  const buf = buffer;
  const free = freeBudget;
  hg.leases++;
  return new HiveGpuLease(key, device, buf, byteLength, dtype, rec.shape, o.write, async (lease) => {
    try {
      if (lease.writable) {
        checkLive('write-back');
        let bytes: Uint8Array;
        try {
          bytes = await new DeviceBlobStore(device).read({ buffer: buf, length: byteLength, paddedBytes: size });
        } catch (err) {
          throw await asLost(hg, opened, `write-back of ${JSON.stringify(key)}`, err);
        }
        checkLive('write-back');
        unlease(); // a leased tensor refuses put
        const meta = core.meta.get(key);
        await d.put(key, new Tensor(dtype, rec.shape, bytes).to(rec.dtype), { codec: meta?.requested, params: meta?.params });
        hg.counters.writeBacks++;
      }
    } catch (err) {
      if (err instanceof TensorhiveError) throw err;
      throw await asLost(hg, opened, `release of ${JSON.stringify(key)}`, err);
    } finally {
      unlease();
      buf.destroy();
      free();
      hg.leases--;
    }
  });
}
