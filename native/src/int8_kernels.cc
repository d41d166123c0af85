// INT8 (src/codecs/int8.ts) decode and byte-table decode (fp8 → f32), one
// plain loop body compiled per level with that level's target attribute
// (the compiler vectorizes it). Bit-exact with the TS reference:
// - int8: element i belongs to group (i / run) % groups; x = (q − zp)·scale.
//   JS computes that product in f64 then rounds to f32; when |q − zp| < 2^24
//   both factors are exact f32 and the f64 product is exact, so one f32
//   multiply gives the same bits. Groups outside that range, or whose
//   extreme codes overflow f32 (saturating at ±f32 max), take an f64 loop
//   that does exactly what the reference does.
// - lut: dst[i] = table[src[i]] (the table is built from the TS reference).
#include "common.h"
#include <cmath>

namespace th {
namespace {

constexpr double kF32Max = 3.4028234663852886e38;

#define TH_INT8_BODY                                                                                       \
  for (int64_t start = 0, g = 0; start < n; start += run, g = (g + 1) % groups) {                          \
    const int64_t end = start + run < n ? start + run : n;                                                  \
    const float scale = scales[g];                                                                          \
    const int32_t zp = zps ? zps[g] : 0;                                                                    \
    const double far = std::fmax(std::fmax(128.0 + zp, 127.0 - zp), std::fmax(-128.0 - zp, zp - 127.0));   \
    if (far * scale < kF32Max && zp > -(1 << 23) && zp < (1 << 23)) {                                       \
      const float fz = (float)zp;                                                                           \
      for (int64_t i = start; i < end; i++) dst[i] = ((float)q[i] - fz) * scale;                            \
    } else {                                                                                                \
      for (int64_t i = start; i < end; i++) {                                                               \
        const double v = ((double)q[i] - zp) * (double)scale;                                               \
        dst[i] = (float)(v > kF32Max ? kF32Max : v < -kF32Max ? -kF32Max : v);                              \
      }                                                                                                     \
    }                                                                                                       \
  }

#define TH_LUT_BODY for (int64_t i = 0; i < n; i++) dst[i] = table[src[i]];

}  // namespace

namespace scalar {
void dq_int8(const int8_t* q, const float* scales, const int32_t* zps, int64_t run, int64_t groups, float* dst,
             int64_t n) {
  TH_INT8_BODY
}
void dq_lut(const uint8_t* src, const float* table, float* dst, int64_t n) { TH_LUT_BODY }
}  // namespace scalar

#if defined(TH_X86)
namespace avx2 {
TH_AVX2 void dq_int8(const int8_t* q, const float* scales, const int32_t* zps, int64_t run, int64_t groups,
                     float* dst, int64_t n) {
  TH_INT8_BODY
}
TH_AVX2 void dq_lut(const uint8_t* src, const float* table, float* dst, int64_t n) { TH_LUT_BODY }
}  // namespace avx2
namespace avx512 {
TH_AVX512 void dq_int8(const int8_t* q, const float* scales, const int32_t* zps, int64_t run, int64_t groups,
                       float* dst, int64_t n) {
  TH_INT8_BODY
}
TH_AVX512 void dq_lut(const uint8_t* src, const float* table, float* dst, int64_t n) { TH_LUT_BODY }
}  // namespace avx512
#endif

}  // namespace th
