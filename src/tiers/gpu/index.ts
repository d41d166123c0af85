/** The GPU tier: a WebGPU (Dawn) device holding encoded blobs under a budget. */
export { GpuTier } from './gpu-tier.js';
export type { GpuTierOptions } from './gpu-tier-options.js';
export { openGpuDevice, GPU_BACKENDS_ENV, type GpuBackend, type GpuDevice, type GpuDeviceOptions, type OpenGpuResult } from './device.js';
export { GpuDeviceLostError, GpuUnavailableError, TierNotRunningError } from './errors.js';
export { dequantizeQ8_0OnDevice, Q8_0_WGSL, type Q8Range, type Q8KernelOptions } from './q8-kernel.js';
export { EGL_PLATFORM_VAR, EGL_PLATFORM_HEADLESS } from './egl-env.js';
export { DecodeBatch, kernelSource, unitsPerPass, type DecodeKernel, type DecodeCall, type DecodeInput } from './decode-pass.js';
export { gpuDecodeSpec, GPU_DECODED_CODECS, type GpuDecodeSpec } from './decoders.js';
export { expandInto, fitsDevice, uploadStorage, type ExpandKnobs } from './expand.js';
export { F16_KERNEL, BF16_KERNEL } from './half-kernel.js';
export { Q8_0_KERNEL } from './q8-kernel.js';
export { Q4_0_KERNEL } from './q4-kernel.js';
export { NF4_KERNEL } from './nf4-kernel.js';
