/**
 * The one pass/grid-stride machinery every WGSL decode kernel runs on, so no
 * kernel carries its own copy of binding windows, pass splitting, parameter
 * buffers or bad-block reporting.
 *
 * A kernel decodes `units` (blocks: 32 values for Q8_0/Q4_0, `blockSize` for
 * NF4, 1 for a cast) from one or two input streams, each `bytesPerUnit` bytes
 * per unit, into 32-bit words of an output buffer. Its WGSL provides only
 * `fn decode(e: u32)` for local element e of the pass; the prelude here
 * declares the bindings, byte readers (`in0_byte`, `in0_u16`, `in0_u32`, …,
 * which read from u32 words so a stream may start at any byte), `put(e, bits)`,
 * `flag_bad(unit)` and `fp16_scale(h)`, and a grid-stride `main` (at most
 * 65 535 workgroups per dispatch).
 *
 * Passes: every binding of a pass must start on minStorageBufferOffsetAlignment
 * and stay within maxStorageBufferBindingSize, so a call is split into passes
 * of whole units (at most 32 MiB of output each) whose windows are aligned down
 * and whose true starts are passed as parameters. Each pass gets its own small
 * uniform buffer, so all passes of a batch go into one submit.
 *
 * Bad blocks (a non-finite fp16 scale): each pass has a slot that the kernel
 * lowers with atomicMin to the first bad unit; `finish()` reads every slot
 * back once and throws the caller's error for the first bad unit.
 */
import { ArgumentError } from '../../errors/index.js';
import { BufferUsage, MapMode, ShaderStage } from './usage.js';

export const WORKGROUP = 64;
export const MAX_WORKGROUPS = 65535;
/** Output bytes per pass: bounds what one pass binds. */
export const PASS_OUTPUT_BYTES = 32 * 1024 * 1024;
const NO_BAD = 0xffffffff;
const PARAM_WORDS = 8;

/** A decode kernel: its WGSL `decode(e)` body and how many input streams it reads. */
export interface DecodeKernel {
  readonly name: string;
  readonly inputs: 1 | 2;
  /** WGSL defining `fn decode(e: u32)` (and any helpers/constants it needs). */
  readonly wgsl: string;
}

export interface DecodeInput {
  readonly buffer: GPUBuffer;
  /** Where unit 0 of this stream starts in `buffer` (any byte). */
  readonly byteOffset: number;
  readonly bytesPerUnit: number;
}

export interface DecodeCall {
  readonly units: number;
  /** Output elements (u32 words) per unit. */
  readonly elemsPerUnit: number;
  /** Output elements in all (≤ units·elemsPerUnit: the last unit may be short). Default units·elemsPerUnit. */
  readonly elems?: number;
  readonly inputs: readonly DecodeInput[];
  readonly dst: GPUBuffer;
  /** Byte offset of element 0 in `dst`, a multiple of 4. */
  readonly dstByteOffset: number;
  /** Two kernel-specific constants (params.k0, params.k1), e.g. NF4's block size. */
  readonly constants?: readonly [number, number];
  /** Units per pass at most (tests use small values to exercise several passes). */
  readonly maxPassUnits?: number;
  /** Workgroups per dispatch, 1..65535 (default 65535); the grid-stride loop covers the rest. */
  readonly maxWorkgroups?: number;
  /** The error for the first bad unit (counted from unit 0 of this call). */
  readonly onBad?: (unit: number) => Error;
}

function prelude(inputs: 1 | 2): string {
  let s = /* wgsl */ `
struct Params { elems: u32, dst_base: u32, slot: u32, unit0: u32, base0: u32, base1: u32, k0: u32, k1: u32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> dst: array<u32>;
@group(0) @binding(2) var<storage, read_write> bad: array<atomic<u32>>;
fn put(e: u32, bits: u32) { dst[params.dst_base + e] = bits; }
fn flag_bad(unit: u32) { atomicMin(&bad[params.slot], unit); }
// An fp16 scale as f32; subnormals built by hand (m·2^-24, exact) because a GPU may flush them.
// The caller checks (h & 0x7c00) == 0x7c00 (not finite) itself.
fn fp16_scale(h: u32) -> f32 {
  if ((h & 0x7c00u) == 0u) {
    return select(1.0, -1.0, (h & 0x8000u) != 0u) * f32(h & 0x3ffu) * 5.9604644775390625e-8;
  }
  return unpack2x16float(h).x;
}
`;
  for (let i = 0; i < inputs; i++) {
    s += /* wgsl */ `
@group(0) @binding(${3 + i}) var<storage, read> in${i}: array<u32>;
fn in${i}_byte(a: u32) -> u32 { let b = params.base${i} + a; return (in${i}[b >> 2u] >> ((b & 3u) * 8u)) & 0xffu; }
fn in${i}_u16(a: u32) -> u32 { return in${i}_byte(a) | (in${i}_byte(a + 1u) << 8u); }
fn in${i}_u32(a: u32) -> u32 { return in${i}_u16(a) | (in${i}_u16(a + 2u) << 16u); }
`;
  }
  return s;
}

const MAIN = /* wgsl */ `
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let stride = nwg.x * ${WORKGROUP}u;
  for (var e = gid.x; e < params.elems; e += stride) { decode(e); }
}
`;

/** The whole shader of a kernel (prelude + body + main); exported for tests and docs. */
export function kernelSource(k: DecodeKernel): string {
  return prelude(k.inputs) + k.wgsl + MAIN;
}

interface Compiled {
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
}
const compiled = new WeakMap<GPUDevice, Map<string, Compiled>>();

function compile(device: GPUDevice, k: DecodeKernel): Compiled {
  let m = compiled.get(device);
  if (m === undefined) compiled.set(device, (m = new Map()));
  let c = m.get(k.name);
  if (c === undefined) {
    // An explicit layout: a kernel that never flags a bad unit still binds `bad`.
    const entries: GPUBindGroupLayoutEntry[] = [
      { binding: 0, visibility: ShaderStage.COMPUTE, buffer: { type: 'uniform' } },
      { binding: 1, visibility: ShaderStage.COMPUTE, buffer: { type: 'storage' } },
      { binding: 2, visibility: ShaderStage.COMPUTE, buffer: { type: 'storage' } },
    ];
    for (let i = 0; i < k.inputs; i++) entries.push({ binding: 3 + i, visibility: ShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } });
    const layout = device.createBindGroupLayout({ entries, label: `tensorhive ${k.name}` });
    const module = device.createShaderModule({ code: kernelSource(k), label: `tensorhive ${k.name}` });
    const pipeline = device.createComputePipeline({
      layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: 'main' },
      label: `tensorhive ${k.name}`,
    });
    m.set(k.name, (c = { pipeline, layout }));
  }
  return c;
}

function intIn(name: string, v: number | undefined, min: number, max: number, fallback: number): number {
  if (v === undefined) return fallback;
  if (!Number.isSafeInteger(v) || v < min || v > max) throw new ArgumentError(`options.${name} must be an integer in ${min}..${max}, got ${String(v)}`);
  return v;
}

/**
 * Units one pass may hold on `device` for `call`, or 0 when even one unit
 * does not fit a binding (the caller then decodes on the CPU).
 */
export function unitsPerPass(device: GPUDevice, call: { readonly elemsPerUnit: number; readonly inputs: ReadonlyArray<{ readonly bytesPerUnit: number }> }): number {
  const align = device.limits.minStorageBufferOffsetAlignment;
  const bind = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  // A window starts up to align−1 bytes before its data and ends rounded up to a word.
  const room = bind - align - 4;
  let k = Math.floor(Math.min(PASS_OUTPUT_BYTES, room) / (call.elemsPerUnit * 4));
  for (const i of call.inputs) k = Math.min(k, Math.floor(room / i.bytesPerUnit));
  return Math.max(0, k);
}

interface Pending {
  readonly bad: GPUBuffer;
  readonly passUnit0: number[];
  readonly onBad: ((unit: number) => Error) | undefined;
}

/**
 * Decode calls recorded into one command encoder; `submit()` queues them,
 * `finish()` waits for them and checks their bad-block slots (one readback).
 */
export class DecodeBatch {
  private encoder: GPUCommandEncoder | undefined;
  private readonly transient: GPUBuffer[] = [];
  private readonly pending: Pending[] = [];
  private done = false;

  constructor(private readonly device: GPUDevice) {}

  /** Record `call` with kernel `k`. Throws ArgumentError for bad knobs or a unit too big for one binding. */
  run(k: DecodeKernel, call: DecodeCall): void {
    if (this.done) throw new ArgumentError('this DecodeBatch was already finished');
    if (call.inputs.length !== k.inputs) throw new ArgumentError(`kernel ${k.name} reads ${k.inputs} input stream(s), got ${call.inputs.length}`);
    if (call.dstByteOffset % 4 !== 0) throw new ArgumentError(`dstByteOffset must be a multiple of 4, got ${call.dstByteOffset}`);
    const total = call.elems ?? call.units * call.elemsPerUnit;
    if (call.units === 0 || total === 0) return;
    const fit = unitsPerPass(this.device, call);
    if (fit < 1) throw new ArgumentError(`kernel ${k.name}: one unit (${call.elemsPerUnit} elements) does not fit a storage binding of this device`);
    const perPass = Math.min(fit, intIn('maxPassUnits', call.maxPassUnits, 1, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER));
    const maxWg = intIn('maxWorkgroups', call.maxWorkgroups, 1, MAX_WORKGROUPS, MAX_WORKGROUPS);
    const d = this.device;
    const { pipeline, layout } = compile(d, k);
    const align = d.limits.minStorageBufferOffsetAlignment;
    const passes = Math.ceil(call.units / perPass);
    const bad = d.createBuffer({ size: passes * 4, usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC, mappedAtCreation: true });
    new Uint32Array(bad.getMappedRange()).fill(NO_BAD);
    bad.unmap();
    this.transient.push(bad);
    const passUnit0: number[] = [];
    const enc = (this.encoder ??= d.createCommandEncoder());
    for (let p = 0, u0 = 0; u0 < call.units; p++, u0 += perPass) {
      const n = Math.min(perPass, call.units - u0);
      const e0 = u0 * call.elemsPerUnit;
      const elems = Math.min(n * call.elemsPerUnit, total - e0);
      const dstStart = call.dstByteOffset + e0 * 4;
      const dstAt = dstStart - (dstStart % align);
      const entries: GPUBindGroupEntry[] = [
        { binding: 1, resource: { buffer: call.dst, offset: dstAt, size: dstStart - dstAt + elems * 4 } },
        { binding: 2, resource: { buffer: bad } },
      ];
      const words = new Uint32Array(PARAM_WORDS);
      words.set([elems, (dstStart - dstAt) / 4, p, u0, 0, 0, call.constants?.[0] ?? 0, call.constants?.[1] ?? 0]);
      call.inputs.forEach((inp, i) => {
        const start = inp.byteOffset + u0 * inp.bytesPerUnit;
        const at = start - (start % align);
        const end = Math.min(Math.ceil((start + n * inp.bytesPerUnit) / 4) * 4, inp.buffer.size);
        entries.push({ binding: 3 + i, resource: { buffer: inp.buffer, offset: at, size: end - at } });
        words[4 + i] = start - at;
      });
      const params = d.createBuffer({ size: PARAM_WORDS * 4, usage: BufferUsage.UNIFORM, mappedAtCreation: true });
      new Uint32Array(params.getMappedRange()).set(words);
      params.unmap();
      this.transient.push(params);
      entries.push({ binding: 0, resource: { buffer: params } });
      const pass = enc.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, d.createBindGroup({ layout, entries }));
      pass.dispatchWorkgroups(Math.min(maxWg, Math.ceil(elems / WORKGROUP)));
      pass.end();
      passUnit0.push(u0);
    }
    this.pending.push({ bad, passUnit0, onBad: call.onBad });
  }

  /** Queue what was recorded so far (the device starts on it while the caller fetches more). */
  submit(): void {
    if (this.encoder === undefined) return;
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = undefined;
  }

  /** Submit, wait, and throw the error of the first bad unit of the first call that had one. Frees the transient buffers. */
  async finish(): Promise<void> {
    if (this.done) return;
    this.done = true;
    const d = this.device;
    try {
      const slots = this.pending.reduce((s, p) => s + p.passUnit0.length, 0);
      if (slots === 0) {
        this.submit();
        await d.queue.onSubmittedWorkDone();
        return;
      }
      const staging = d.createBuffer({ size: slots * 4, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
      this.transient.push(staging);
      const enc = (this.encoder ??= d.createCommandEncoder());
      let at = 0;
      for (const p of this.pending) {
        enc.copyBufferToBuffer(p.bad, 0, staging, at, p.passUnit0.length * 4);
        at += p.passUnit0.length * 4;
      }
      this.submit();
      await staging.mapAsync(MapMode.READ);
      const got = new Uint32Array(staging.getMappedRange()).slice();
      staging.unmap();
      let s = 0;
      for (const p of this.pending) {
        for (const u0 of p.passUnit0) {
          const v = got[s++];
          if (v !== NO_BAD) {
            const unit = u0 + v;
            throw p.onBad ? p.onBad(unit) : new ArgumentError(`decode kernel flagged unit ${unit}`);
          }
        }
      }
    } finally {
      this.destroy();
    }
  }

  /** Free the transient buffers (WebGPU defers the free until submitted work using them is done). */
  destroy(): void {
    this.done = true;
    for (const b of this.transient.splice(0)) b.destroy();
  }
}
