// Pieces of the K-quant quantizers shared by the scalar and SIMD versions.
#pragma once
#include "common.h"
#include <cstring>

namespace th {
namespace qz {

constexpr float kGroupMaxEps = 1e-15f;  // ggml GROUP_MAX_EPS

// ggml's nearest_int: add 1.5·2^23 (round half to even) and read the
// mantissa bits; out-of-range input gives the same garbage as the C code.
inline int nearest_int(float f) {
  const float v = f + 12582912.f;
  int32_t i;
  std::memcpy(&i, &v, 4);
  return (i & 0x007fffff) - 0x00400000;
}

// True when every |x[i]| <= 2^28 (false for NaN).
bool finite_block(const float* x, int n);

// ggml's make_qkx2_quants (use_mad false); returns the scale, *the_min = −min.
float make_qkx2_quants(int n, int nmax, const float* x, const float* w, uint8_t* L, float* the_min,
                       uint8_t* Laux, float rmin, float rdelta, int nstep);

// Q4_K after the per-sub-block fits: 6-bit scales/mins, fp16 d/dmin, levels
// recomputed from the stored scales, nibbles packed into block `y`. L holds
// the fitted levels (256). false when d or dmin overflows fp16.
bool q4_k_finish(const float* x, uint8_t* y, const float* scales, const float* mins, float max_scale, float max_min,
                 uint8_t* L);

// Q6_K after the per-sub-block fits (scales[16], levels L = l + 32): int8
// scales, fp16 d, levels recomputed from the stored scales, 6-bit packing into
// block `dst`. false when d overflows fp16.
bool q6_k_finish(const float* x, uint8_t* dst, const float* scales, int8_t* L);

}  // namespace qz
}  // namespace th
