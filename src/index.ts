/**
 * tensorhive's public API. The runtime (actors, supervisors) is also exported
 * on its own as 'tensorhive/runtime'.
 */
export * from './errors/index.js';
export { type Clock, type TimerHandle, SystemClock, SimulatedClock } from './clock/index.js';
export { Rng } from './random/rng.js';
export * from './tensor/index.js';

export type { Codec, AnyCodec, CodecParams, CodecFamily } from './codecs/codec.js';
export { CODECS, RETIRED_IDS, codecById, codecByName, codecByGgmlType } from './codecs/registry.js';
// The reference row kernels of the GGML formats (the oracles native kernels are checked against).
export { quantizeRowQ8_0, dequantizeRowQ8_0 } from './codecs/q8_0.js';
export { quantizeRowQ4_0, dequantizeRowQ4_0 } from './codecs/q4_0.js';
export { quantizeRowQ4_1, dequantizeRowQ4_1 } from './codecs/q4_1.js';
export { quantizeRowQ5_0, dequantizeRowQ5_0 } from './codecs/q5_0.js';
export { quantizeRowQ5_1, dequantizeRowQ5_1 } from './codecs/q5_1.js';
export { quantizeRowQ4_K, dequantizeRowQ4_K } from './codecs/q4_k.js';
export { quantizeRowQ6_K, dequantizeRowQ6_K } from './codecs/q6_k.js';
export { chooseCodec, type SelectTarget, type Selection } from './codecs/select/choose-codec.js';
export { CodecStats, type CodecStatsRow } from './codecs/select/codec-stats.js';
export { awqEncode, awqAlpha, type AwqActivations, type AwqParams } from './codecs/awq.js';
export { describeLowrank, type LowrankParams } from './codecs/lowrank.js';
export { deltaEncode, deltaDecode, deltaCodecs, type DeltaEncoded, type DeltaMode } from './codecs/delta.js';
export { PACKED_INNERS, type PackedParams } from './codecs/packed.js';

export { type BlobHeader, encodeBlob, decodeBlob, readBlobHeader } from './format/blob.js';
export { compressTensor, decompressBlob, decompressBlobAs, describeBlob, type BlobDescription } from './format/compress.js';
export { ThiveWriter, ThiveReader, type ThiveEntry } from './format/thive-file.js';
export { SafetensorsReader } from './format/safetensors-reader.js';
export { SafetensorsWriter, writeSafetensors } from './format/safetensors-writer.js';
export { GgufReader, type GgufTensorInfo } from './format/gguf-reader.js';
export { GgufWriter } from './format/gguf-writer.js';
export type { GgufValue } from './format/gguf-types.js';
export { openModelSource, type ModelSource } from './format/model-source.js';
export { OnnxReader, parseOnnx, type OnnxModel, type OnnxTensorInfo, type OnnxSkipped } from './format/onnx-reader.js';
export { TfjsReader, type TfjsTensorInfo, type TfjsSkipped } from './format/tfjs-reader.js';
export { AtomicFile } from './format/atomic-file.js';

export { compressFile, type CompressOptions, type CompressReport, type TensorReport } from './jobs/compress-file.js';
export { decompressFile, type DecompressOptions, type DecompressReport } from './jobs/decompress-file.js';
export { inspectFile, type InspectReport } from './jobs/inspect-file.js';
export { benchCodecs, seededBenchTensors, type CodecBench, type CodecBenchRow } from './jobs/bench-codecs.js';
export { sampleModelTensors, writeSampleModel, type SampleModelOptions } from './jobs/sample-model.js';
export { TensorSelector, type SelectOptions } from './jobs/select.js';

export {
  kernels,
  setNativeKernels,
  nativeKernelsEnabled,
  kernelLevels,
  kernelLevel,
  setKernelLevel,
  nativeStatus,
  type NativeStatus,
  type KernelTable,
} from './kernels/index.js';
export * from './scheduler/index.js';
export * from './tiers/index.js';
export * from './hive/index.js';
