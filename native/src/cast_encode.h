// f32 -> narrower float casts, bit-exact with src/tensor/half.ts
// (f32ToF16Bits / f32ArrayToBf16: round to nearest even, NaN quiet with its
// payload's top bits and sign) and src/tensor/fp8.ts (f32ToE4M3Bits /
// f32ToE5M2Bits: round to nearest even, saturating at ±max finite, NaN kept).
#pragma once
#include "common.h"

namespace th {

enum CastTo : int { CAST_F16 = 0, CAST_BF16 = 1, CAST_E4M3 = 2, CAST_E5M2 = 3 };

// n values into dst (any alignment): 2n little-endian bytes for f16/bf16, n for fp8.
void cast_from_f32(int to, const float* src, uint8_t* dst, int64_t n, int level);

}  // namespace th
