// NEON decode kernels for arm64 (compile-checked there; not built on x86).
// Kernels without a NEON version use the scalar ones.
#include "common.h"
#include "scalar.h"

#if defined(__ARM_NEON) || defined(__aarch64__)
#include <arm_neon.h>

namespace th {
namespace neon {

// 8 signed bytes -> 8 floats · d.
static inline void store8_i8(float* dst, int8x8_t b, float32x4_t d) {
  const int16x8_t w = vmovl_s8(b);
  vst1q_f32(dst, vmulq_f32(vcvtq_f32_s32(vmovl_s16(vget_low_s16(w))), d));
  vst1q_f32(dst + 4, vmulq_f32(vcvtq_f32_s32(vmovl_s16(vget_high_s16(w))), d));
}
static inline void store16_i8(float* dst, int8x16_t b, float32x4_t d) {
  store8_i8(dst, vget_low_s8(b), d);
  store8_i8(dst + 8, vget_high_s8(b), d);
}

int64_t dq_q8_0(const uint8_t* src, float* dst, int64_t nb) {
  for (int64_t i = 0; i < nb; i++, src += Q8_0_BYTES, dst += QK32) {
    const uint16_t h = load_u16(src);
    if (f16_nonfinite(h)) return i + 1;
    const float32x4_t d = vdupq_n_f32(f16_to_f32(h));
    store16_i8(dst, vld1q_s8((const int8_t*)(src + 2)), d);
    store16_i8(dst + 16, vld1q_s8((const int8_t*)(src + 18)), d);
  }
  return 0;
}

int64_t dq_q4_0(const uint8_t* src, float* dst, int64_t nb) {
  const uint8x16_t m4 = vdupq_n_u8(0x0F);
  const int8x16_t eight = vdupq_n_s8(8);
  for (int64_t i = 0; i < nb; i++, src += Q4_0_BYTES, dst += QK32) {
    const uint16_t h = load_u16(src);
    if (f16_nonfinite(h)) return i + 1;
    const float32x4_t d = vdupq_n_f32(f16_to_f32(h));
    const uint8x16_t q = vld1q_u8(src + 2);
    store16_i8(dst, vsubq_s8(vreinterpretq_s8_u8(vandq_u8(q, m4)), eight), d);
    store16_i8(dst + 16, vsubq_s8(vreinterpretq_s8_u8(vshrq_n_u8(q, 4)), eight), d);
  }
  return 0;
}

void cast_bf16(const uint8_t* src, float* dst, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const uint16x8_t v = vreinterpretq_u16_u8(vld1q_u8(src + 2 * i));
    vst1q_f32(dst + i, vreinterpretq_f32_u32(vshll_n_u16(vget_low_u16(v), 16)));
    vst1q_f32(dst + i + 4, vreinterpretq_f32_u32(vshll_n_u16(vget_high_u16(v), 16)));
  }
  scalar::cast_bf16(src + 2 * i, dst + i, n - i);
}

}  // namespace neon

const KernelSet kNeon = {
    "neon", neon::dq_q8_0, neon::dq_q4_0, scalar::dq_q4_1, scalar::dq_q5_0, scalar::dq_q5_1,
    scalar::dq_q4_k, scalar::dq_q6_k, scalar::cast_f16, neon::cast_bf16, scalar::dq_nf4,
    scalar::mv_q8_0, scalar::mv_q4_0, scalar::mv_q4_k, scalar::mv_nf4,
    scalar::mq_q8_0, scalar::mq_q4_0, scalar::mq_q4_k,
    scalar::dq_int8, scalar::dq_lut,
};

}  // namespace th
#endif
