/**
 * A compute proof that blobs held by the GPU tier are usable on the device: a
 * WGSL kernel that dequantizes a Q8_0 payload (GGML type 8: blocks of 34 bytes,
 * fp16 d then int8 qs[32]; value = q·d) from a storage buffer into f32.
 *
 * Exactness: q (8 bits) × d (11 significant bits) fits in f32's 24, so q·d is
 * exact in fp32 on both sides and the kernel matches dequantizeRowQ8_0 bit for
 * bit (0 ulp). Subnormal fp16 scales are converted by hand (m·2^-24, exact)
 * because a GPU may flush them in unpack2x16float. A non-finite scale is a
 * malformed payload: the kernel records the first such block and the call
 * rejects with the same FormatError the TS reference throws.
 *
 * The payload may start at any byte offset (bytes are read from u32 words), so
 * a Q8_0 payload inside a container blob can be addressed in place. Large
 * payloads run in passes, each within the device's storage-binding limit, and
 * each pass uses a grid-stride loop (at most 65535 workgroups per dimension).
 */
import { ArgumentError, FormatError } from '../../errors/index.js';
import type { DeviceBlob } from './device-store.js';
import { BufferUsage, MapMode } from './usage.js';

const QK = 32;
const BLOCK_BYTES = 34;
const WORKGROUP = 64;
const MAX_WORKGROUPS = 65535;
/** Output bytes per pass: bounds the transient device memory of one call. */
const PASS_OUTPUT_BYTES = 32 * 1024 * 1024;
const NO_BAD_BLOCK = 0xffffffff;

export interface Q8Range {
  /** Where the payload starts in the blob. Default 0. */
  readonly byteOffset?: number;
  /** Payload bytes, a multiple of 34. Default: the rest of the blob. */
  readonly byteLength?: number;
}

/** Range plus tuning knobs (tests use small values to exercise multi-pass and grid-stride paths). */
export interface Q8KernelOptions extends Q8Range {
  /** Blocks per pass, default: as many as 32 MiB of f32 output (or the binding limit). */
  readonly maxPassBlocks?: number;
  /** Workgroups per dispatch, 1..65535 (default 65535); the grid-stride loop covers the rest. */
  readonly maxWorkgroups?: number;
}

export const Q8_0_WGSL = /* wgsl */ `
struct Params { base: u32, blocks: u32, _a: u32, _b: u32 }
@group(0) @binding(0) var<storage, read> src: array<u32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<storage, read_write> bad: atomic<u32>;
@group(0) @binding(3) var<uniform> params: Params;

fn byte_at(a: u32) -> u32 {
  return (src[a >> 2u] >> ((a & 3u) * 8u)) & 0xffu;
}

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let total = params.blocks * ${QK}u;
  let stride = nwg.x * ${WORKGROUP}u;
  for (var e = gid.x; e < total; e += stride) {
    let block = e / ${QK}u;
    let at = params.base + block * ${BLOCK_BYTES}u;
    let h = byte_at(at) | (byte_at(at + 1u) << 8u);
    var d: f32;
    if ((h & 0x7c00u) == 0x7c00u) {
      atomicMin(&bad, block);
      d = 0.0;
    } else if ((h & 0x7c00u) == 0u) {
      // Subnormal (or zero): m · 2^-24, exact in f32.
      d = select(1.0, -1.0, (h & 0x8000u) != 0u) * f32(h & 0x3ffu) * 5.9604644775390625e-8;
    } else {
      d = unpack2x16float(h).x;
    }
    let q = bitcast<i32>(byte_at(at + 2u + (e % ${QK}u)) << 24u) >> 24u;
    dst[e] = f32(q) * d;
  }
}
`;

const pipelines = new WeakMap<GPUDevice, GPUComputePipeline>();

function pipelineFor(device: GPUDevice): GPUComputePipeline {
  let p = pipelines.get(device);
  if (p === undefined) {
    const module = device.createShaderModule({ code: Q8_0_WGSL, label: 'tensorhive q8_0 dequantize' });
    p = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    pipelines.set(device, p);
  }
  return p;
}

function positiveInt(name: string, v: number | undefined, max: number, fallback: number): number {
  if (v === undefined) return fallback;
  if (!Number.isSafeInteger(v) || v < 1 || v > max) throw new ArgumentError(`options.${name} must be an integer in 1..${max}, got ${String(v)}`);
  return v;
}

function checkRange(blob: DeviceBlob, range: Q8Range | undefined): { offset: number; blocks: number } {
  const offset = range?.byteOffset ?? 0;
  if (!Number.isSafeInteger(offset) || offset < 0 || offset > blob.length) {
    throw new ArgumentError(`range.byteOffset must be an integer in 0..${blob.length}, got ${String(offset)}`);
  }
  const length = range?.byteLength ?? blob.length - offset;
  if (!Number.isSafeInteger(length) || length < 0 || offset + length > blob.length) {
    throw new ArgumentError(`range.byteLength must be an integer in 0..${blob.length - offset}, got ${String(length)}`);
  }
  if (length % BLOCK_BYTES !== 0) {
    throw new ArgumentError(`q8_0 payload must be whole ${BLOCK_BYTES}-byte blocks, got ${length} bytes`);
  }
  return { offset, blocks: length / BLOCK_BYTES };
}

/** Dequantizes the Q8_0 payload in `blob` on `device`; resolves with the f32 values. */
export async function dequantizeQ8_0OnDevice(device: GPUDevice, blob: DeviceBlob, options?: Q8KernelOptions): Promise<Float32Array> {
  const { offset, blocks } = checkRange(blob, options);
  const maxWorkgroups = positiveInt('maxWorkgroups', options?.maxWorkgroups, MAX_WORKGROUPS, MAX_WORKGROUPS);
  const out = new Float32Array(blocks * QK);
  if (blocks === 0 || blob.buffer === null) return out;
  const limits = device.limits;
  const align = limits.minStorageBufferOffsetAlignment;
  const outCap = Math.min(PASS_OUTPUT_BYTES, limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const perPass = Math.min(Math.max(1, Math.floor(outCap / (QK * 4))), positiveInt('maxPassBlocks', options?.maxPassBlocks, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER));
  const pipeline = pipelineFor(device);
  const passBlocks = Math.min(perPass, blocks);
  const dst = device.createBuffer({ size: passBlocks * QK * 4, usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC });
  const staging = device.createBuffer({ size: passBlocks * QK * 4 + 4, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
  const bad = device.createBuffer({ size: 4, usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST });
  const params = device.createBuffer({ size: 16, usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST });
  try {
    for (let b0 = 0; b0 < blocks; b0 += perPass) {
      const n = Math.min(perPass, blocks - b0);
      const start = offset + b0 * BLOCK_BYTES;
      const bindOffset = start - (start % align);
      const bindEnd = Math.ceil((start + n * BLOCK_BYTES) / 4) * 4;
      device.queue.writeBuffer(params, 0, new Uint32Array([start - bindOffset, n, 0, 0]));
      device.queue.writeBuffer(bad, 0, new Uint32Array([NO_BAD_BLOCK]));
      const group = device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: blob.buffer, offset: bindOffset, size: bindEnd - bindOffset } },
          { binding: 1, resource: { buffer: dst, offset: 0, size: n * QK * 4 } },
          { binding: 2, resource: { buffer: bad } },
          { binding: 3, resource: { buffer: params } },
        ],
      });
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, group);
      pass.dispatchWorkgroups(Math.min(maxWorkgroups, Math.ceil((n * QK) / WORKGROUP)));
      pass.end();
      enc.copyBufferToBuffer(dst, 0, staging, 0, n * QK * 4);
      enc.copyBufferToBuffer(bad, 0, staging, n * QK * 4, 4);
      device.queue.submit([enc.finish()]);
      await staging.mapAsync(MapMode.READ, 0, n * QK * 4 + 4);
      const mapped = staging.getMappedRange(0, n * QK * 4 + 4);
      const badBlock = new Uint32Array(mapped, n * QK * 4, 1)[0];
      if (badBlock !== NO_BAD_BLOCK) {
        staging.unmap();
        const i = b0 + badBlock;
        const at = offset + i * BLOCK_BYTES;
        throw new FormatError(`payload.block[${i}].d`, `q8_0 scale is not finite (fp16 at byte ${at})`);
      }
      out.set(new Float32Array(mapped, 0, n * QK), b0 * QK);
      staging.unmap();
    }
  } finally {
    for (const b of [dst, staging, bad, params]) b.destroy();
  }
  return out;
}
