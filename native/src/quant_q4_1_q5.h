// Q4_1 / Q5_0 / Q5_1 quantizers (f32 -> GGML blocks), bit-exact with the TS
// reference rows quantizeRowQ4_1 / Q5_0 / Q5_1 (ggml's quantize_row_*_ref
// in float32, no FMA). Same contract as quant.h: 0, or 1 + the first block
// refused (NaN/Inf or |x| > 2^28, or a scale/min that overflows fp16).
#pragma once
#include "common.h"

namespace th {
// The quantizer for K_Q4_1 / K_Q5_0 / K_Q5_1 at dispatch `level`, else nullptr.
QuantFn quant_legacy_kernel(int kind, int level);
}  // namespace th
