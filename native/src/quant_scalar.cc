// Scalar quantizers, bit-exact with quantizeRowQ8_0 / quantizeRowQ4_0 in
// src/codecs (float32 arithmetic in the C order, no FMA).
#include "common.h"
#include "quant.h"
#include "quant_q4_1_q5.h"
#include "scalar.h"
#include <cmath>

namespace th {
namespace scalar {

// f32 -> binary16 bits, round to nearest even (src/tensor/half.ts f32ToF16Bits).
uint16_t f32_to_f16(float x) {
  uint32_t b;
  std::memcpy(&b, &x, 4);
  const uint32_t sign = (b >> 16) & 0x8000;
  const int exp = (b >> 23) & 0xff;
  uint32_t mant = b & 0x7fffff;
  if (exp == 0xff) return sign | 0x7c00 | (mant ? 0x200 | (mant >> 13) : 0);
  const int e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const int shift = 14 - e;
    uint32_t half = mant >> shift;
    const uint32_t rem = mant & ((1u << shift) - 1);
    const uint32_t halfway = 1u << (shift - 1);
    if (rem > halfway || (rem == halfway && (half & 1))) half++;
    return sign | half;
  }
  uint32_t half = ((uint32_t)e << 10) | (mant >> 13);
  const uint32_t rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem == 0x1000 && (half & 1))) half++;
  return sign | half;
}

constexpr float kMaxAbsInput = 268435456.0f;  // 2^28, value-guard.ts MAX_ABS_INPUT

int64_t qz_q8_0(const float* src, uint8_t* dst, int64_t nb) {
  for (int64_t i = 0; i < nb; i++, src += QK32, dst += Q8_0_BYTES) {
    float amax = 0;
    for (int j = 0; j < QK32; j++) {
      const float a = std::fabs(src[j]);
      if (!(a <= kMaxAbsInput)) return i + 1;
      if (a > amax) amax = a;
    }
    const float d = amax / 127.0f;
    const float id = d != 0 ? 1.0f / d : 0.0f;
    const uint16_t h = f32_to_f16(d);
    if (f16_nonfinite(h)) return i + 1;
    std::memcpy(dst, &h, 2);
    for (int j = 0; j < QK32; j++) dst[2 + j] = (uint8_t)(int8_t)std::roundf(src[j] * id);
  }
  return 0;
}

int64_t qz_q4_0(const float* src, uint8_t* dst, int64_t nb) {
  for (int64_t i = 0; i < nb; i++, src += QK32, dst += Q4_0_BYTES) {
    float amax = 0, max = 0;
    for (int j = 0; j < QK32; j++) {
      const float v = src[j];
      const float a = std::fabs(v);
      if (!(a <= kMaxAbsInput)) return i + 1;
      if (amax < a) {
        amax = a;
        max = v;
      }
    }
    const float d = max / -8.0f;
    const float id = d != 0 ? 1.0f / d : 0.0f;
    const uint16_t h = f32_to_f16(d);
    if (f16_nonfinite(h)) return i + 1;
    std::memcpy(dst, &h, 2);
    for (int j = 0; j < 16; j++) {
      const float x0 = src[j] * id, x1 = src[16 + j] * id;
      int q0 = (int8_t)(int32_t)(x0 + 8.5f), q1 = (int8_t)(int32_t)(x1 + 8.5f);
      q0 = q0 < 15 ? q0 : 15;
      q1 = q1 < 15 ? q1 : 15;
      dst[2 + j] = (uint8_t)((q0 & 0xff) | ((q1 & 0xff) << 4));
    }
  }
  return 0;
}

}  // namespace scalar

QuantFn quant_kernel(int kind, int level) {
#if defined(TH_X86)
  const bool avx2 = level >= 2, avx512 = level >= 3;
#endif
  switch (kind) {
    case K_Q8_0:
#if defined(TH_X86)
      if (avx512) return qz::q8_0_avx512;
      if (avx2) return qz::q8_0_avx2;
#endif
      return scalar::qz_q8_0;
    case K_Q4_0:
#if defined(TH_X86)
      if (avx512) return qz::q4_0_avx512;
      if (avx2) return qz::q4_0_avx2;
#endif
      return scalar::qz_q4_0;
    case K_Q4_K:
#if defined(TH_X86)
      if (avx512) return qz::q4_k_avx512;
      if (avx2) return qz::q4_k_avx2;
#endif
      return qz::q4_k_scalar;
    case K_Q6_K:
#if defined(TH_X86)
      if (avx512) return qz::q6_k_avx512;
      if (avx2) return qz::q6_k_avx2;
#endif
      return qz::q6_k_scalar;
    case K_Q4_1:
    case K_Q5_0:
    case K_Q5_1: return quant_legacy_kernel(kind, level);
    default: (void)level; return nullptr;
  }
}

}  // namespace th
