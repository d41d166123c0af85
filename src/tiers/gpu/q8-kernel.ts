/**
 * A WGSL kernel that dequantizes a Q8_0 payload (GGML type 8: blocks of 34
 * bytes, fp16 d then int8 qs[32]; value = q·d) into f32, on the shared pass
 * machinery of decode-pass.ts.
 *
 * Exactness: q (8 bits) × d (11 significant bits) fits in f32's 24, so q·d is
 * exact in fp32 on both sides and the kernel matches dequantizeRowQ8_0 bit for
 * bit (0 ulp). Subnormal fp16 scales are converted by hand (m·2^-24, exact)
 * because a GPU may flush them in unpack2x16float. A non-finite scale is a
 * malformed payload: the kernel records the first such block and the call
 * rejects with the same FormatError the TS reference throws.
 *
 * `dequantizeQ8_0OnDevice` decodes a payload held in a tier buffer (at any
 * byte offset, so a payload inside a container blob is addressed in place)
 * and reads the values back — the tier's proof that its blobs are usable
 * where they live. The hive's GPU leases use `Q8_0_KERNEL` directly and keep
 * the values on the device.
 */
import { ArgumentError, FormatError } from '../../errors/index.js';
import { DecodeBatch, MAX_WORKGROUPS, type DecodeKernel } from './decode-pass.js';
import { DeviceBlobStore, type DeviceBlob } from './device-store.js';
import { BufferUsage } from './usage.js';

const QK = 32;
const BLOCK_BYTES = 34;

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

/** Unit = one block (34 input bytes, 32 outputs). */
export const Q8_0_KERNEL: DecodeKernel = {
  name: 'q8_0',
  inputs: 1,
  wgsl: /* wgsl */ `
fn decode(e: u32) {
  let block = e / ${QK}u;
  let at = block * ${BLOCK_BYTES}u;
  let h = in0_u16(at);
  var d = 0.0;
  if ((h & 0x7c00u) == 0x7c00u) { flag_bad(block); } else { d = fp16_scale(h); }
  let q = bitcast<i32>(in0_byte(at + 2u + (e % ${QK}u)) << 24u) >> 24u;
  put(e, bitcast<u32>(f32(q) * d));
}
`,
};

/** Back-compat export: the kernel's body (the full shader is kernelSource(Q8_0_KERNEL)). */
export const Q8_0_WGSL = Q8_0_KERNEL.wgsl;

/** The FormatError the reference throws for block `i` (byte `at` of the blob). */
export function q8BadScale(i: number, at: number): FormatError {
  return new FormatError(`payload.block[${i}].d`, `q8_0 scale is not finite (fp16 at byte ${at})`);
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
  const mw = options?.maxWorkgroups;
  if (mw !== undefined && (!Number.isSafeInteger(mw) || mw < 1 || mw > MAX_WORKGROUPS)) {
    throw new ArgumentError(`options.maxWorkgroups must be an integer in 1..${MAX_WORKGROUPS}, got ${String(mw)}`);
  }
  if (blocks === 0 || blob.buffer === null) return new Float32Array(blocks * QK);
  const bytes = blocks * QK * 4;
  const dst = device.createBuffer({ size: bytes, usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC });
  const batch = new DecodeBatch(device);
  try {
    batch.run(Q8_0_KERNEL, {
      units: blocks,
      elemsPerUnit: QK,
      inputs: [{ buffer: blob.buffer, byteOffset: offset, bytesPerUnit: BLOCK_BYTES }],
      dst,
      dstByteOffset: 0,
      maxPassUnits: options?.maxPassBlocks,
      maxWorkgroups: mw,
      onBad: (i) => q8BadScale(i, offset + i * BLOCK_BYTES),
    });
    await batch.finish();
    const back = await new DeviceBlobStore(device).read({ buffer: dst, length: bytes, paddedBytes: bytes });
    return new Float32Array(back.buffer, back.byteOffset, blocks * QK);
  } finally {
    batch.destroy();
    dst.destroy();
  }
}
