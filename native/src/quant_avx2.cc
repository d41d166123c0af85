// AVX2 + F16C Q8_0 / Q4_0 quantizers, bit-exact with the scalar ones: every
// element op (|x|, x·id, + 8.5, roundf, truncation) is the same IEEE float
// op done 8 lanes at a time, multiplies and adds stay separate (no FMA), and
// the per-block scale math (max, d, 1/d, fp16) is the scalar code's.
#include "common.h"
#include "quant.h"

#if defined(TH_X86)
#include <immintrin.h>

namespace th {
namespace qz {
namespace {

// Largest of 8 non-negative, non-NaN floats.
TH_AVX2 inline float hmax8(__m256 v) {
  __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  m = _mm_max_ps(m, _mm_movehl_ps(m, m));
  m = _mm_max_ss(m, _mm_movehdup_ps(m));
  return _mm_cvtss_f32(m);
}

// Four vectors of int32 -> their 32 low bytes in element order (C's
// (int8_t)(int32_t) wrap: mask to a byte first, so packing never saturates).
TH_AVX2 inline __m256i low_bytes32(__m256i v0, __m256i v1, __m256i v2, __m256i v3) {
  const __m256i ff = _mm256_set1_epi32(0xff);
  const __m256i p01 = _mm256_packus_epi32(_mm256_and_si256(v0, ff), _mm256_and_si256(v1, ff));
  const __m256i p23 = _mm256_packus_epi32(_mm256_and_si256(v2, ff), _mm256_and_si256(v3, ff));
  return _mm256_permutevar8x32_epi32(_mm256_packus_epi16(p01, p23), _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

// C roundf (half away from zero) of each lane: truncate, then step away
// from zero when the dropped fraction is at least one half (exact: v − trunc(v)
// is representable). NaN/Inf stay NaN/Inf (then convert to INT_MIN, as x86 does).
TH_AVX2 inline __m256 roundf8(__m256 v) {
  const __m256 t = _mm256_round_ps(v, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
  const __m256 sign = _mm256_set1_ps(-0.0f);
  const __m256 frac = _mm256_andnot_ps(sign, _mm256_sub_ps(v, t));
  const __m256 step = _mm256_or_ps(_mm256_and_ps(v, sign), _mm256_set1_ps(1.0f));
  return _mm256_add_ps(t, _mm256_and_ps(_mm256_cmp_ps(frac, _mm256_set1_ps(0.5f), _CMP_GE_OQ), step));
}

// Loads a 32-element block, returns |x| per vector; false when an element
// is NaN or above 2^28 in magnitude.
TH_AVX2 inline bool load_block(const float* src, __m256 v[4], __m256 a[4]) {
  const __m256 sign = _mm256_set1_ps(-0.0f), lim = _mm256_set1_ps(kMaxAbsInput);
  __m256 ok = _mm256_castsi256_ps(_mm256_set1_epi32(-1));
  for (int k = 0; k < 4; k++) {
    v[k] = _mm256_loadu_ps(src + 8 * k);
    a[k] = _mm256_andnot_ps(sign, v[k]);
    ok = _mm256_and_ps(ok, _mm256_cmp_ps(a[k], lim, _CMP_LE_OQ));
  }
  return _mm256_movemask_ps(ok) == 0xff;
}

}  // namespace

TH_AVX2 int64_t q8_0_avx2(const float* src, uint8_t* dst, int64_t nb) {
  for (int64_t i = 0; i < nb; i++, src += QK32, dst += Q8_0_BYTES) {
    __m256 v[4], a[4];
    if (!load_block(src, v, a)) return i + 1;
    const float amax = hmax8(_mm256_max_ps(_mm256_max_ps(a[0], a[1]), _mm256_max_ps(a[2], a[3])));
    const float d = amax / 127.0f;
    const float id = d != 0 ? 1.0f / d : 0.0f;
    const uint16_t h = _cvtss_sh(d, _MM_FROUND_TO_NEAREST_INT);
    if (f16_nonfinite(h)) return i + 1;
    std::memcpy(dst, &h, 2);
    const __m256 idv = _mm256_set1_ps(id);
    __m256i q[4];
    for (int k = 0; k < 4; k++) q[k] = _mm256_cvttps_epi32(roundf8(_mm256_mul_ps(v[k], idv)));
    _mm256_storeu_si256((__m256i*)(dst + 2), low_bytes32(q[0], q[1], q[2], q[3]));
  }
  return 0;
}

TH_AVX2 int64_t q4_0_avx2(const float* src, uint8_t* dst, int64_t nb) {
  const __m256 c85 = _mm256_set1_ps(8.5f);
  const __m128i c15 = _mm_set1_epi8(15), hiMask = _mm_set1_epi8((char)0xf0);
  for (int64_t i = 0; i < nb; i++, src += QK32, dst += Q4_0_BYTES) {
    __m256 v[4], a[4];
    if (!load_block(src, v, a)) return i + 1;
    const float amax = hmax8(_mm256_max_ps(_mm256_max_ps(a[0], a[1]), _mm256_max_ps(a[2], a[3])));
    // The reference keeps the FIRST element of the largest magnitude, with
    // its sign; all zeros (±0) leave max = +0.
    float max = 0;
    if (amax != 0) {
      const __m256 m = _mm256_set1_ps(amax);
      uint32_t bits = 0;
      for (int k = 0; k < 4; k++) bits |= (uint32_t)_mm256_movemask_ps(_mm256_cmp_ps(a[k], m, _CMP_EQ_OQ)) << (8 * k);
      max = src[__builtin_ctz(bits)];
    }
    const float d = max / -8.0f;
    const float id = d != 0 ? 1.0f / d : 0.0f;
    const uint16_t h = _cvtss_sh(d, _MM_FROUND_TO_NEAREST_INT);
    if (f16_nonfinite(h)) return i + 1;
    std::memcpy(dst, &h, 2);
    const __m256 idv = _mm256_set1_ps(id);
    __m256i q[4];
    for (int k = 0; k < 4; k++) q[k] = _mm256_cvttps_epi32(_mm256_add_ps(_mm256_mul_ps(v[k], idv), c85));
    const __m256i b = low_bytes32(q[0], q[1], q[2], q[3]);
    // q = MIN(15, (int8_t)...) signed; byte = q0 | (q1 << 4) as a byte.
    const __m128i lo = _mm_min_epi8(_mm256_castsi256_si128(b), c15);
    const __m128i hi = _mm_min_epi8(_mm256_extracti128_si256(b, 1), c15);
    const __m128i out = _mm_or_si128(lo, _mm_and_si128(_mm_slli_epi16(hi, 4), hiMask));
    _mm_storeu_si128((__m128i*)(dst + 2), out);
  }
  return 0;
}

}  // namespace qz
}  // namespace th
#endif

// ---- Q4_K: one sub-block per lane (quant_k_lanes.inc), 8 lanes = one super-block.
#if defined(TH_X86)
#include "quant_k.h"

namespace th {
namespace qz {
namespace {
#define LANES_TARGET TH_AVX2
constexpr int LANES = 8;
typedef __m256 Vf;
typedef __m256 Mask;
TH_AVX2 inline Vf set1(float v) { return _mm256_set1_ps(v); }
TH_AVX2 inline Vf add(Vf a, Vf b) { return _mm256_add_ps(a, b); }
TH_AVX2 inline Vf sub(Vf a, Vf b) { return _mm256_sub_ps(a, b); }
TH_AVX2 inline Vf mul(Vf a, Vf b) { return _mm256_mul_ps(a, b); }
TH_AVX2 inline Vf div(Vf a, Vf b) { return _mm256_div_ps(a, b); }
TH_AVX2 inline Vf sqrtv(Vf a) { return _mm256_sqrt_ps(a); }
TH_AVX2 inline Vf absv(Vf a) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a); }
TH_AVX2 inline Vf neg(Vf a) { return _mm256_xor_ps(_mm256_set1_ps(-0.0f), a); }
TH_AVX2 inline Mask gt(Vf a, Vf b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
TH_AVX2 inline Mask lt(Vf a, Vf b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
TH_AVX2 inline Mask eq(Vf a, Vf b) { return _mm256_cmp_ps(a, b, _CMP_EQ_OQ); }
TH_AVX2 inline Mask and_m(Mask a, Mask b) { return _mm256_and_ps(a, b); }
TH_AVX2 inline bool none(Mask m) { return _mm256_movemask_ps(m) == 0; }
TH_AVX2 inline Vf blend(Vf a, Vf b, Mask m) { return _mm256_blendv_ps(a, b, m); }
TH_AVX2 inline Vf gather32(const float* p) {
  return _mm256_i32gather_ps(p, _mm256_setr_epi32(0, 32, 64, 96, 128, 160, 192, 224), 4);
}
TH_AVX2 inline Vf level(Vf f, float nmax) {
  const __m256i bits = _mm256_castps_si256(_mm256_add_ps(f, _mm256_set1_ps(12582912.f)));
  __m256i l = _mm256_sub_epi32(_mm256_and_si256(bits, _mm256_set1_epi32(0x007fffff)), _mm256_set1_epi32(0x00400000));
  l = _mm256_min_epi32(_mm256_max_epi32(l, _mm256_setzero_si256()), _mm256_set1_epi32((int)nmax));
  return _mm256_cvtepi32_ps(l);
}
TH_AVX2 inline void storev(float* p, Vf v) { _mm256_storeu_ps(p, v); }
TH_AVX2 inline Vf gather16(const float* p) {
  return _mm256_i32gather_ps(p, _mm256_setr_epi32(0, 16, 32, 48, 64, 80, 96, 112), 4);
}
TH_AVX2 inline Vf level6(Vf f) {
  const __m256i bits = _mm256_castps_si256(_mm256_add_ps(f, _mm256_set1_ps(12582912.f)));
  __m256i l = _mm256_sub_epi32(_mm256_and_si256(bits, _mm256_set1_epi32(0x007fffff)), _mm256_set1_epi32(0x00400000));
  l = _mm256_min_epi32(_mm256_max_epi32(l, _mm256_set1_epi32(-32)), _mm256_set1_epi32(31));
  return _mm256_cvtepi32_ps(l);
}
#include "quant_k_lanes.inc"
#include "quant_k6_lanes.inc"
#undef LANES_TARGET
}  // namespace

TH_AVX2 int64_t q4_k_avx2(const float* src, uint8_t* dst, int64_t nb) {
  uint8_t L[QK_K];
  float scales[8], mins[8];
  for (int64_t i = 0; i < nb; i++, src += QK_K, dst += Q4_K_BYTES) {
    if (!finite_block(src, QK_K)) return i + 1;
    q4k_fit_lanes(src, scales, mins, L);
    float max_scale = 0, max_min = 0;
    for (int j = 0; j < 8; j++) {
      if (scales[j] > max_scale) max_scale = scales[j];
      if (mins[j] > max_min) max_min = mins[j];
    }
    if (!q4_k_finish(src, dst, scales, mins, max_scale, max_min, L)) return i + 1;
  }
  return 0;
}

// Q6_K: 16 sub-blocks of 16, two passes of 8 lanes per super-block.
TH_AVX2 int64_t q6_k_avx2(const float* src, uint8_t* dst, int64_t nb) {
  int8_t L[QK_K];
  float scales[16];
  for (int64_t i = 0; i < nb; i++, src += QK_K, dst += Q6_K_BYTES) {
    if (!finite_block(src, QK_K)) return i + 1;
    q6k_fit_lanes(src, scales, L);
    q6k_fit_lanes(src + 128, scales + 8, L + 128);
    if (!q6_k_finish(src, dst, scales, L)) return i + 1;
  }
  return 0;
}

}  // namespace qz
}  // namespace th
#endif
