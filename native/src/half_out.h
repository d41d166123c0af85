// Decode straight to 16-bit float outputs (f16 or bf16): a chunk of whole
// blocks is decoded by the level's f32 kernel into a scratch that stays in
// L1, then narrowed with round-to-nearest-even (bf16: NaN made quiet, as
// src/tensor/half.ts does), so the result is bit-exact with "f32 decode,
// then f32ToF16Bits / f32ToBf16Bits" and the f32 tensor never exists.
#pragma once
#include "common.h"

namespace th {

// dst[i] = narrow(src[i]) for n values.
typedef void (*NarrowFn)(const float* src, uint16_t* dst, int64_t n);

// The narrowing kernel of `level` (dispatch index: 0 scalar, 1 neon, 2 avx2, 3 avx512).
NarrowFn narrow_fn(int level, bool bf16);

// Decodes nb blocks of (qk values, bytes) with dq into 16-bit outputs.
// Returns 0 or 1 + the first block with a bad scale (dst then partly written).
int64_t dequant_half(DequantFn dq, int qk, int bytes, const uint8_t* src, uint16_t* dst, int64_t nb, NarrowFn nw);
// The same for NF4 (n values, blocks of bs).
void nf4_half(Nf4Fn nf4, const uint8_t* codes, const float* absmax, int64_t bs, uint16_t* dst, int64_t n,
              NarrowFn nw);

}  // namespace th
