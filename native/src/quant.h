// Quantizers (f32 -> GGML blocks), bit-exact with the TS reference rows in
// src/codecs (quantizeRowQ8_0 / Q4_0 / Q4_K / Q6_K). Each returns 0 or
// 1 + the first block it refuses (a NaN/Inf or |x| > 2^28 element, or a
// scale that overflows fp16); the caller then runs the TS reference, which
// throws the precise CodecError. Picked per dispatch level by quant_kernel,
// independently of the decode tables (a level without its own version of a
// quantizer uses the best lower one).
#pragma once
#include "common.h"

namespace th {

// The quantizer for GGML type `kind` at dispatch `level` (0 scalar, 1 neon,
// 2 avx2, 3 avx512), or nullptr when that type has none.
QuantFn quant_kernel(int kind, int level);

namespace qz {
// |x| above this (or NaN) is refused: value-guard.ts MAX_ABS_INPUT = 2^28.
constexpr float kMaxAbsInput = 268435456.0f;

int64_t q4_k_scalar(const float* src, uint8_t* dst, int64_t nb);
int64_t q6_k_scalar(const float* src, uint8_t* dst, int64_t nb);
#if defined(TH_X86)
int64_t q8_0_avx2(const float* src, uint8_t* dst, int64_t nb);
int64_t q4_0_avx2(const float* src, uint8_t* dst, int64_t nb);
int64_t q4_k_avx2(const float* src, uint8_t* dst, int64_t nb);
int64_t q6_k_avx2(const float* src, uint8_t* dst, int64_t nb);
int64_t q8_0_avx512(const float* src, uint8_t* dst, int64_t nb);
int64_t q4_0_avx512(const float* src, uint8_t* dst, int64_t nb);
int64_t q4_k_avx512(const float* src, uint8_t* dst, int64_t nb);
int64_t q6_k_avx512(const float* src, uint8_t* dst, int64_t nb);
#endif
}  // namespace qz
}  // namespace th
