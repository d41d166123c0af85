/**
 * Which codecs the GPU decodes, as data: one row per codec name saying what
 * to upload (the compressed form) and which kernel expands it into f32 words.
 * A codec without a row — or a tensor dtype a row does not take — is decoded
 * on the CPU by the caller and its expanded bytes uploaded instead.
 *
 * Every row's result equals the TS reference `decompressBlobAs(blob, 'F32')`
 * bit for bit (NF4: except f32-subnormal results, see nf4-kernel.ts).
 */
import { codecById } from '../../codecs/registry.js';
import { dqBytes, decodeAbsmax } from '../../codecs/quant/absmax-dq.js';
import { F32_MAX, readF32s } from '../../codecs/quant/payload.js';
import { FormatError } from '../../errors/index.js';
import type { BlobHeader } from '../../format/blob.js';
import { numel } from '../../tensor/shape.js';
import type { DecodeKernel } from './decode-pass.js';
import { BF16_KERNEL, F16_KERNEL } from './half-kernel.js';
import { NF4_KERNEL } from './nf4-kernel.js';
import { Q4_0_BLOCK_BYTES, Q4_0_KERNEL, q4BadScale } from './q4-kernel.js';
import { Q8_0_KERNEL, q8BadScale } from './q8-kernel.js';

export interface GpuDecodeSpec {
  /** The bytes to upload: the payload itself, or (NF4) the checked f32 absmax followed by the codes. */
  readonly upload: Uint8Array;
  /** Absent: `upload` already is the f32 output (raw F32) and is written in place. */
  readonly kernel?: DecodeKernel;
  readonly units: number;
  readonly elemsPerUnit: number;
  /** Output f32 elements. */
  readonly elems: number;
  /** Where each input stream starts in `upload`, and its bytes per unit. */
  readonly streams: ReadonlyArray<{ readonly byteOffset: number; readonly bytesPerUnit: number }>;
  readonly constants?: readonly [number, number];
  /** The error for a unit the kernel flags (counted from unit 0 of this payload). */
  readonly onBad?: (unit: number) => Error;
}

type Planner = (h: BlobHeader, payload: Uint8Array) => GpuDecodeSpec | undefined;

function halves(kernel: DecodeKernel): Planner {
  return (h, payload) => {
    const n = numel(h.shape);
    return { upload: payload, kernel, units: n, elemsPerUnit: 1, elems: n, streams: [{ byteOffset: 0, bytesPerUnit: 2 }] };
  };
}

function ggml(kernel: DecodeKernel, blockBytes: number, onBad: (unit: number) => Error): Planner {
  return (h, payload) => {
    const units = payload.byteLength / blockBytes;
    return { upload: payload, kernel, units, elemsPerUnit: 32, elems: numel(h.shape), streams: [{ byteOffset: 0, bytesPerUnit: blockBytes }], onBad };
  };
}

const f16: Planner = halves(F16_KERNEL);
const bf16: Planner = halves(BF16_KERNEL);

/** NF4: absmax checked (and double quantization undone) on the CPU exactly as nf4.decode does, then uploaded beside the codes. */
const nf4: Planner = (h, payload) => {
  const bs = h.params.blockSize as number;
  const dq = h.params.doubleQuant === true;
  const n = numel(h.shape);
  const nb = Math.ceil(n / bs);
  let absmax: Float32Array;
  if (dq) absmax = decodeAbsmax(payload, 0, nb, 'nf4');
  else {
    absmax = readF32s(payload, 0, nb);
    for (let b = 0; b < nb; b++) {
      const a = absmax[b];
      if (!(a >= 0 && a <= F32_MAX)) throw new FormatError(`nf4.absmax[${b}]`, `must be finite and >= 0, got ${a}`);
    }
  }
  const codes = payload.subarray(dq ? dqBytes(nb) : 4 * nb);
  const upload = new Uint8Array(nb * 4 + codes.byteLength);
  upload.set(new Uint8Array(absmax.buffer, absmax.byteOffset, nb * 4));
  upload.set(codes, nb * 4);
  return {
    upload,
    kernel: NF4_KERNEL,
    units: nb,
    elemsPerUnit: bs,
    elems: n,
    streams: [
      { byteOffset: 0, bytesPerUnit: 4 },
      { byteOffset: nb * 4, bytesPerUnit: bs / 2 },
    ],
    constants: [bs, 0],
  };
};

/** The table: codec name → planner. Raw takes F32 (copied in place), F16 and BF16 tensors. */
const GPU_DECODERS: Readonly<Record<string, Planner>> = {
  raw: (h, payload) => {
    if (h.dtype === 'F32') {
      const n = numel(h.shape);
      return { upload: payload, units: n, elemsPerUnit: 1, elems: n, streams: [] };
    }
    if (h.dtype === 'F16') return f16(h, payload);
    if (h.dtype === 'BF16') return bf16(h, payload);
    return undefined;
  },
  f16,
  bf16,
  q8_0: ggml(Q8_0_KERNEL, 34, (i) => q8BadScale(i, i * 34)),
  q4_0: ggml(Q4_0_KERNEL, Q4_0_BLOCK_BYTES, q4BadScale),
  nf4,
};

/** Codec names with a GPU decoder (for docs and tests). */
export const GPU_DECODED_CODECS: readonly string[] = Object.keys(GPU_DECODERS);

/**
 * How to expand a verified blob's payload on the GPU into f32 words, or
 * undefined when there is no kernel for its codec/dtype. Throws FormatError
 * for a payload the reference decoder would reject up front (NF4 absmax).
 */
export function gpuDecodeSpec(header: BlobHeader, payload: Uint8Array): GpuDecodeSpec | undefined {
  const name = codecById(header.codecId)?.name;
  const plan = name === undefined ? undefined : GPU_DECODERS[name];
  return plan?.(header, payload);
}
