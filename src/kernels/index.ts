/** Kernels: the native addon's overrides (table), its dispatch levels and load status. */
export { kernels, setNativeKernels, registerReferenceDecoder, registerNf4ReferenceDecoder, nativeKernelsEnabled, NATIVE_GGML, NATIVE_MATVEC, NATIVE_QUANTIZE } from './table.js';
export type { KernelTable, DequantizeKernel, DequantizeAsyncKernel, QuantizeKernel, MatVecKernel, MatVecOptions, CastKernel, Int8DequantizeKernel, Nf4DequantizeKernel, Nf4MatVecKernel, DequantizeHalfKernel, Nf4DequantizeHalfKernel, HuffmanDecodeKernel, PlanesMergeKernel, PlanesSplitKernel, CastDType, CastFromF32Kernel, Nf4QuantizeKernel, Nf4AbsmaxKernel, Int8MinMaxKernel, Int8QuantizeKernel } from './kernel-types.js';
export { kernelLevels, kernelLevel, setKernelLevel } from './level.js';
export { nativeStatus, type NativeStatus } from './native.js';
export { decodeAsync } from './decode-async.js';
export { narrowToHalf, composeHalfKernel, composeNf4HalfKernel, type F32BlockDecoder, type Nf4F32Decoder } from './half-fallback.js';
