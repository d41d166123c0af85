/**
 * Opening a WebGPU device through the `webgpu` package (Dawn for Node).
 *
 * Define first, run later: importing this module loads nothing; the Dawn
 * binary is imported on the first `openGpuDevice()` call. Backends are tried in
 * order: the platform default (Vulkan on Linux with a GPU, Metal on macOS, D3D
 * on Windows), then on Linux Mesa's OpenGL ES (llvmpipe: works without a GPU,
 * `featureLevel: 'compatibility'`, no shader-f16). When nothing opens, the
 * result says why for each backend — the hive then runs without a GPU tier.
 *
 * `TENSORHIVE_GPU_BACKENDS=opengles` (comma list of `default`, `opengles`)
 * overrides the order, e.g. to skip the Vulkan probe on a machine without one.
 */
import type { Clock } from '../../clock/index.js';
import { SystemClock } from '../../clock/index.js';
import { ArgumentError } from '../../errors/index.js';
import { eglHint, withHeadlessEgl } from './egl-env.js';

export type GpuBackend = 'default' | 'opengles';
const BACKENDS: readonly GpuBackend[] = ['default', 'opengles'];
export const GPU_BACKENDS_ENV = 'TENSORHIVE_GPU_BACKENDS';

export interface GpuDeviceOptions {
  /** Backends to try, in order. Default: env TENSORHIVE_GPU_BACKENDS, else `default` then (Linux) `opengles`. */
  readonly backends?: readonly GpuBackend[];
  /** Measures how long opening took. Default SystemClock. */
  readonly clock?: Clock;
}

/** An open device and what it is. Owned by whoever opened it: call `close()`. */
export interface GpuDevice {
  readonly device: GPUDevice;
  readonly backend: GpuBackend;
  readonly featureLevel: 'core' | 'compatibility';
  /** Adapter description, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)". */
  readonly adapter: string;
  /** Milliseconds from the call to a usable device (including loading Dawn the first time). */
  readonly openMs: number;
  /** Resolves when the device is lost, including by `close()`. */
  readonly lost: Promise<GPUDeviceLostInfo>;
  close(): void;
}

export type OpenGpuResult = { readonly ok: true; readonly gpu: GpuDevice } | { readonly ok: false; readonly reason: string };

type DawnModule = { create(options: string[]): GPU };
let dawn: Promise<DawnModule> | undefined;
const instances = new Map<GpuBackend, GPU>();

function backendsFrom(options: GpuDeviceOptions | undefined): readonly GpuBackend[] {
  const given = options?.backends;
  if (given !== undefined) {
    if (!Array.isArray(given) || given.length === 0 || given.some((b) => !BACKENDS.includes(b))) {
      throw new ArgumentError(`options.backends must be a non-empty list of ${BACKENDS.join(' | ')}, got ${JSON.stringify(given)}`);
    }
    return given;
  }
  const env = process.env[GPU_BACKENDS_ENV];
  if (env !== undefined && env.trim() !== '') {
    const list = env.split(',').map((s) => s.trim());
    const bad = list.find((b) => !BACKENDS.includes(b as GpuBackend));
    if (bad !== undefined) throw new ArgumentError(`env ${GPU_BACKENDS_ENV} must list ${BACKENDS.join(' | ')}, got ${JSON.stringify(bad)}`);
    return list as GpuBackend[];
  }
  return process.platform === 'linux' ? BACKENDS : ['default'];
}

/** One Dawn instance per backend per thread: creating one is cheap but not free. */
async function instanceFor(backend: GpuBackend): Promise<GPU> {
  let gpu = instances.get(backend);
  if (gpu === undefined) {
    dawn ??= import('webgpu') as Promise<DawnModule>;
    const mod = await dawn;
    gpu = mod.create(backend === 'opengles' ? ['backend=opengles'] : []);
    instances.set(backend, gpu);
  }
  return gpu;
}

function describe(info: GPUAdapterInfo): string {
  const parts = [info.vendor, info.architecture, info.device, info.description].filter((s) => typeof s === 'string' && s.trim() !== '');
  return parts.join(' ').trim() || 'unknown adapter';
}

async function tryBackend(backend: GpuBackend): Promise<{ device: GPUDevice; adapter: GPUAdapter; featureLevel: 'core' | 'compatibility' } | string> {
  const gpu = await instanceFor(backend);
  // An adapter is consumed by requestDevice, so each open asks for a new one.
  const featureLevel = backend === 'opengles' ? 'compatibility' : 'core';
  const adapter = await gpu.requestAdapter({ featureLevel, powerPreference: 'high-performance' });
  if (adapter === null) return `${backend}: no adapter${backend === 'opengles' ? eglHint() : ''}`;
  // Ask for the adapter's own buffer limits: the defaults (256 MiB / 128 MiB) are lower than most devices allow.
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxBufferSize: adapter.limits.maxBufferSize,
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
    },
  });
  return { device, adapter, featureLevel };
}

/**
 * Opens a fresh device on the first backend that has an adapter. Never throws
 * for a missing GPU: `{ ok: false, reason }` names what each backend said.
 * Throws ArgumentError only for bad options.
 */
export async function openGpuDevice(options?: GpuDeviceOptions): Promise<OpenGpuResult> {
  const backends = backendsFrom(options);
  const clock = options?.clock ?? new SystemClock();
  const t0 = clock.now();
  const reasons: string[] = [];
  for (const backend of backends) {
    let got: Awaited<ReturnType<typeof tryBackend>>;
    try {
      got = backend === 'opengles' ? await withHeadlessEgl(() => tryBackend(backend)) : await tryBackend(backend);
    } catch (err) {
      reasons.push(`${backend}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
      continue;
    }
    if (typeof got === 'string') {
      reasons.push(got);
      continue;
    }
    const { device, adapter, featureLevel } = got;
    return {
      ok: true,
      gpu: {
        device,
        backend,
        featureLevel,
        adapter: describe(adapter.info),
        openMs: clock.now() - t0,
        lost: device.lost,
        close: () => device.destroy(),
      },
    };
  }
  return { ok: false, reason: reasons.join('; ') };
}
