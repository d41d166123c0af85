// AVX-512 (F, BW, VL) Q8_0 / Q4_0 quantizers: 16 lanes, one block in two
// registers; vpmovdb keeps the low byte of each int32 (C's (int8_t) wrap).
// Bit-exact with the scalar kernels for the same reasons as quant_avx2.cc.
#include "common.h"
#include "quant.h"

#if defined(TH_X86)
#include <immintrin.h>

namespace th {
namespace qz {
namespace {

// C roundf per lane (see quant_avx2.cc roundf8).
TH_AVX512 inline __m512 roundf16(__m512 v) {
  const __m512 t = _mm512_roundscale_ps(v, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
  const __m512 frac = _mm512_abs_ps(_mm512_sub_ps(v, t));
  const __m512i sign = _mm512_set1_epi32((int)0x80000000u);
  const __m512 step = _mm512_castsi512_ps(
      _mm512_or_si512(_mm512_and_si512(_mm512_castps_si512(v), sign), _mm512_castps_si512(_mm512_set1_ps(1.0f))));
  const __mmask16 up = _mm512_cmp_ps_mask(frac, _mm512_set1_ps(0.5f), _CMP_GE_OQ);
  return _mm512_mask_add_ps(t, up, t, step);
}

// Largest of 16 non-negative, non-NaN floats.
TH_AVX512 inline float hmax16(__m512 v) {
  __m256 m = _mm256_max_ps(_mm512_castps512_ps256(v), _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
  __m128 s = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
  s = _mm_max_ps(s, _mm_movehl_ps(s, s));
  s = _mm_max_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// false when an element is NaN or |x| > 2^28.
TH_AVX512 inline bool load_block(const float* src, __m512* v0, __m512* v1, __m512* a0, __m512* a1) {
  const __m512 lim = _mm512_set1_ps(kMaxAbsInput);
  *v0 = _mm512_loadu_ps(src);
  *v1 = _mm512_loadu_ps(src + 16);
  *a0 = _mm512_abs_ps(*v0);
  *a1 = _mm512_abs_ps(*v1);
  return (_mm512_cmp_ps_mask(*a0, lim, _CMP_LE_OQ) & _mm512_cmp_ps_mask(*a1, lim, _CMP_LE_OQ)) == 0xffff;
}

}  // namespace

TH_AVX512 int64_t q8_0_avx512(const float* src, uint8_t* dst, int64_t nb) {
  for (int64_t i = 0; i < nb; i++, src += QK32, dst += Q8_0_BYTES) {
    __m512 v0, v1, a0, a1;
    if (!load_block(src, &v0, &v1, &a0, &a1)) return i + 1;
    const float amax = hmax16(_mm512_max_ps(a0, a1));
    const float d = amax / 127.0f;
    const float id = d != 0 ? 1.0f / d : 0.0f;
    const uint16_t h = _cvtss_sh(d, _MM_FROUND_TO_NEAREST_INT);
    if (f16_nonfinite(h)) return i + 1;
    std::memcpy(dst, &h, 2);
    const __m512 idv = _mm512_set1_ps(id);
    _mm_storeu_si128((__m128i*)(dst + 2), _mm512_cvtepi32_epi8(_mm512_cvttps_epi32(roundf16(_mm512_mul_ps(v0, idv)))));
    _mm_storeu_si128((__m128i*)(dst + 18), _mm512_cvtepi32_epi8(_mm512_cvttps_epi32(roundf16(_mm512_mul_ps(v1, idv)))));
  }
  return 0;
}

TH_AVX512 int64_t q4_0_avx512(const float* src, uint8_t* dst, int64_t nb) {
  const __m512 c85 = _mm512_set1_ps(8.5f);
  const __m128i c15 = _mm_set1_epi8(15), hiMask = _mm_set1_epi8((char)0xf0);
  for (int64_t i = 0; i < nb; i++, src += QK32, dst += Q4_0_BYTES) {
    __m512 v0, v1, a0, a1;
    if (!load_block(src, &v0, &v1, &a0, &a1)) return i + 1;
    const float amax = hmax16(_mm512_max_ps(a0, a1));
    float max = 0;  // first element of the largest magnitude, signed; +0 for all zeros
    if (amax != 0) {
      const __m512 m = _mm512_set1_ps(amax);
      const uint32_t bits = (uint32_t)_mm512_cmp_ps_mask(a0, m, _CMP_EQ_OQ) |
                            ((uint32_t)_mm512_cmp_ps_mask(a1, m, _CMP_EQ_OQ) << 16);
      max = src[__builtin_ctz(bits)];
    }
    const float d = max / -8.0f;
    const float id = d != 0 ? 1.0f / d : 0.0f;
    const uint16_t h = _cvtss_sh(d, _MM_FROUND_TO_NEAREST_INT);
    if (f16_nonfinite(h)) return i + 1;
    std::memcpy(dst, &h, 2);
    const __m512 idv = _mm512_set1_ps(id);
    const __m128i lo = _mm512_cvtepi32_epi8(_mm512_cvttps_epi32(_mm512_add_ps(_mm512_mul_ps(v0, idv), c85)));
    const __m128i hi = _mm512_cvtepi32_epi8(_mm512_cvttps_epi32(_mm512_add_ps(_mm512_mul_ps(v1, idv), c85)));
    const __m128i out = _mm_or_si128(_mm_min_epi8(lo, c15), _mm_and_si128(_mm_slli_epi16(_mm_min_epi8(hi, c15), 4), hiMask));
    _mm_storeu_si128((__m128i*)(dst + 2), out);
  }
  return 0;
}

}  // namespace qz
}  // namespace th
#endif

// ---- Q4_K: one sub-block per lane (quant_k_lanes.inc), 16 lanes = two super-blocks.
#if defined(TH_X86)
#include "quant_k.h"

namespace th {
namespace qz {
namespace {
#define LANES_TARGET TH_AVX512
constexpr int LANES = 16;
typedef __m512 Vf;
typedef __mmask16 Mask;
TH_AVX512 inline Vf set1(float v) { return _mm512_set1_ps(v); }
TH_AVX512 inline Vf add(Vf a, Vf b) { return _mm512_add_ps(a, b); }
TH_AVX512 inline Vf sub(Vf a, Vf b) { return _mm512_sub_ps(a, b); }
TH_AVX512 inline Vf mul(Vf a, Vf b) { return _mm512_mul_ps(a, b); }
TH_AVX512 inline Vf div(Vf a, Vf b) { return _mm512_div_ps(a, b); }
TH_AVX512 inline Vf sqrtv(Vf a) { return _mm512_sqrt_ps(a); }
TH_AVX512 inline Vf absv(Vf a) { return _mm512_abs_ps(a); }
TH_AVX512 inline Vf neg(Vf a) {
  return _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(a), _mm512_set1_epi32((int)0x80000000u)));
}
TH_AVX512 inline Mask gt(Vf a, Vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ); }
TH_AVX512 inline Mask lt(Vf a, Vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
TH_AVX512 inline Mask eq(Vf a, Vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ); }
TH_AVX512 inline Mask and_m(Mask a, Mask b) { return (Mask)(a & b); }
TH_AVX512 inline bool none(Mask m) { return m == 0; }
TH_AVX512 inline Vf blend(Vf a, Vf b, Mask m) { return _mm512_mask_blend_ps(m, a, b); }
TH_AVX512 inline Vf gather32(const float* p) {
  const __m512i idx = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                         _mm512_set1_epi32(32));
  return _mm512_i32gather_ps(idx, p, 4);
}
TH_AVX512 inline Vf level(Vf f, float nmax) {
  const __m512i bits = _mm512_castps_si512(_mm512_add_ps(f, _mm512_set1_ps(12582912.f)));
  __m512i l = _mm512_sub_epi32(_mm512_and_si512(bits, _mm512_set1_epi32(0x007fffff)), _mm512_set1_epi32(0x00400000));
  l = _mm512_min_epi32(_mm512_max_epi32(l, _mm512_setzero_si512()), _mm512_set1_epi32((int)nmax));
  return _mm512_cvtepi32_ps(l);
}
TH_AVX512 inline void storev(float* p, Vf v) { _mm512_storeu_ps(p, v); }
TH_AVX512 inline Vf gather16(const float* p) {
  const __m512i idx = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                         _mm512_set1_epi32(16));
  return _mm512_i32gather_ps(idx, p, 4);
}
TH_AVX512 inline Vf level6(Vf f) {
  const __m512i bits = _mm512_castps_si512(_mm512_add_ps(f, _mm512_set1_ps(12582912.f)));
  __m512i l = _mm512_sub_epi32(_mm512_and_si512(bits, _mm512_set1_epi32(0x007fffff)), _mm512_set1_epi32(0x00400000));
  l = _mm512_min_epi32(_mm512_max_epi32(l, _mm512_set1_epi32(-32)), _mm512_set1_epi32(31));
  return _mm512_cvtepi32_ps(l);
}
#include "quant_k_lanes.inc"
#include "quant_k6_lanes.inc"
#undef LANES_TARGET
}  // namespace

TH_AVX512 int64_t q4_k_avx512(const float* src, uint8_t* dst, int64_t nb) {
  uint8_t L[2 * QK_K];
  float scales[16], mins[16];
  int64_t i = 0;
  for (; i + 2 <= nb; i += 2, src += 2 * QK_K, dst += 2 * Q4_K_BYTES) {
    if (!finite_block(src, QK_K)) return i + 1;
    if (!finite_block(src + QK_K, QK_K)) return i + 2;
    q4k_fit_lanes(src, scales, mins, L);
    for (int h = 0; h < 2; h++) {
      float max_scale = 0, max_min = 0;
      for (int j = 8 * h; j < 8 * h + 8; j++) {
        if (scales[j] > max_scale) max_scale = scales[j];
        if (mins[j] > max_min) max_min = mins[j];
      }
      if (!q4_k_finish(src + QK_K * h, dst + Q4_K_BYTES * h, scales + 8 * h, mins + 8 * h, max_scale, max_min,
                       L + QK_K * h))
        return i + h + 1;
    }
  }
  if (i < nb) {  // an odd last super-block: 8 lanes
    const int64_t st = q4_k_avx2(src, dst, 1);
    if (st != 0) return i + st;
  }
  return 0;
}

// Q6_K: 16 sub-blocks of 16, one pass of 16 lanes per super-block.
TH_AVX512 int64_t q6_k_avx512(const float* src, uint8_t* dst, int64_t nb) {
  int8_t L[QK_K];
  float scales[16];
  for (int64_t i = 0; i < nb; i++, src += QK_K, dst += Q6_K_BYTES) {
    if (!finite_block(src, QK_K)) return i + 1;
    q6k_fit_lanes(src, scales, L);
    if (!q6_k_finish(src, dst, scales, L)) return i + 1;
  }
  return 0;
}

}  // namespace qz
}  // namespace th
#endif
