/** Kernels: the native addon's overrides (table), its dispatch levels and load status. */
export { kernels, setNativeKernels, nativeKernelsEnabled, NATIVE_GGML, NATIVE_MATVEC, NATIVE_QUANTIZE } from './table.js';
export type { KernelTable, DequantizeKernel, DequantizeAsyncKernel, QuantizeKernel, MatVecKernel, MatVecOptions, CastKernel, Int8DequantizeKernel, Nf4DequantizeKernel, Nf4MatVecKernel } from './table.js';
export { kernelLevels, kernelLevel, setKernelLevel } from './level.js';
export { nativeStatus, type NativeStatus } from './native.js';
export { decodeAsync } from './decode-async.js';
