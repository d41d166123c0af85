// Q4_1 / Q5_0 / Q5_1 quantizers: scalar reference (the TS rows' float32 ops
// in the same order) and AVX2 / AVX-512 versions whose per-element steps are
// the same IEEE float ops, lane-wise (x − min, ·id, + 0.5 or + 16.5,
// truncation, C's (int8_t) wrap, the clamp), with the per-block scale math
// done in scalar code exactly as the reference does it.
#include "quant_q4_1_q5.h"
#include <cfloat>
#include <cmath>
#include "scalar.h"

#if defined(TH_X86)
#include <immintrin.h>
#endif

namespace th {
namespace {

constexpr float kMaxAbs = 268435456.0f;  // value-guard.ts MAX_ABS_INPUT = 2^28

// ---- scalar ---------------------------------------------------------------

// min/max as the reference scans them (strict < / >, first of equals kept);
// false on a NaN or |x| > 2^28.
inline bool scan_min_max(const float* x, float* mn, float* mx) {
  float lo = FLT_MAX, hi = -FLT_MAX;
  for (int j = 0; j < QK32; j++) {
    const float v = x[j];
    if (!(std::fabs(v) <= kMaxAbs)) return false;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  *mn = lo;
  *mx = hi;
  return true;
}

// The first element of the largest magnitude, with its sign (+0 for all zeros).
inline bool scan_signed_max(const float* x, float* max) {
  float amax = 0, m = 0;
  for (int j = 0; j < QK32; j++) {
    const float v = x[j], a = std::fabs(v);
    if (!(a <= kMaxAbs)) return false;
    if (amax < a) {
      amax = a;
      m = v;
    }
  }
  *max = m;
  return true;
}

inline bool put_f16(uint8_t* p, float v) {
  const uint16_t h = scalar::f32_to_f16(v);
  std::memcpy(p, &h, 2);
  return !f16_nonfinite(h);
}

int64_t q4_1_scalar(const float* src, uint8_t* dst, int64_t nb) {
  for (int64_t i = 0; i < nb; i++, src += QK32, dst += Q4_1_BYTES) {
    float mn, mx;
    if (!scan_min_max(src, &mn, &mx)) return i + 1;
    const float d = (mx - mn) / 15.0f;
    const float id = d != 0 ? 1.0f / d : 0.0f;
    if (!put_f16(dst, d) || !put_f16(dst + 2, mn)) return i + 1;
    for (int j = 0; j < 16; j++) {
      const float x0 = (src[j] - mn) * id, x1 = (src[16 + j] - mn) * id;
      int q0 = (int8_t)(int32_t)(x0 + 0.5f), q1 = (int8_t)(int32_t)(x1 + 0.5f);
      q0 = q0 < 15 ? q0 : 15;
      q1 = q1 < 15 ? q1 : 15;
      dst[4 + j] = (uint8_t)((q0 & 0xff) | ((q1 & 0xff) << 4));
    }
  }
  return 0;
}

int64_t q5_0_scalar(const float* src, uint8_t* dst, int64_t nb) {
  for (int64_t i = 0; i < nb; i++, src += QK32, dst += Q5_0_BYTES) {
    float max;
    if (!scan_signed_max(src, &max)) return i + 1;
    const float d = max / -16.0f;
    const float id = d != 0 ? 1.0f / d : 0.0f;
    if (!put_f16(dst, d)) return i + 1;
    uint32_t qh = 0;
    for (int j = 0; j < 16; j++) {
      const float x0 = src[j] * id, x1 = src[16 + j] * id;
      int q0 = (int8_t)(int32_t)(x0 + 16.5f), q1 = (int8_t)(int32_t)(x1 + 16.5f);
      q0 = (q0 < 31 ? q0 : 31) & 0xff;
      q1 = (q1 < 31 ? q1 : 31) & 0xff;
      dst[6 + j] = (uint8_t)((q0 & 0x0f) | ((q1 & 0x0f) << 4));
      qh |= (uint32_t)((q0 & 0x10) >> 4) << j;
      qh |= (uint32_t)((q1 & 0x10) >> 4) << (j + 16);
    }
    std::memcpy(dst + 2, &qh, 4);  // little-endian hosts only (x86-64, arm64)
  }
  return 0;
}

int64_t q5_1_scalar(const float* src, uint8_t* dst, int64_t nb) {
  for (int64_t i = 0; i < nb; i++, src += QK32, dst += Q5_1_BYTES) {
    float mn, mx;
    if (!scan_min_max(src, &mn, &mx)) return i + 1;
    const float d = (mx - mn) / 31.0f;
    const float id = d != 0 ? 1.0f / d : 0.0f;
    if (!put_f16(dst, d) || !put_f16(dst + 2, mn)) return i + 1;
    uint32_t qh = 0;
    for (int j = 0; j < 16; j++) {
      const float x0 = (src[j] - mn) * id, x1 = (src[16 + j] - mn) * id;
      const int q0 = (int32_t)(x0 + 0.5f) & 0xff, q1 = (int32_t)(x1 + 0.5f) & 0xff;
      dst[8 + j] = (uint8_t)((q0 & 0x0f) | ((q1 & 0x0f) << 4));
      qh |= (uint32_t)((q0 & 0x10) >> 4) << j;
      qh |= (uint32_t)((q1 & 0x10) >> 4) << (j + 16);
    }
    std::memcpy(dst + 4, &qh, 4);
  }
  return 0;
}

#if defined(TH_X86)
// ---- shared SIMD tails (128-bit: 16 low bytes = elements 0..15, hi = 16..31) ----

// Q4_x byte j = q_j | (q_{j+16} << 4) as the reference's int ops give it (q
// already clamped to <= 15 as signed bytes; a negative q leaks its high bits,
// exactly as `q0 | (q1 << 4)` does in the reference).
TH_AVX2 inline __m128i pack_q4(__m128i lo, __m128i hi) {
  return _mm_or_si128(lo, _mm_and_si128(_mm_slli_epi16(hi, 4), _mm_set1_epi8((char)0xf0)));
}
// Q5_x: low nibbles packed as Q4, and qh bit j = bit 4 of q_j.
TH_AVX2 inline void pack_q5(__m128i lo, __m128i hi, uint8_t* qh_at, uint8_t* qs_at) {
  const __m128i m0f = _mm_set1_epi8(0x0f);
  const __m128i qs = _mm_or_si128(_mm_and_si128(lo, m0f), _mm_slli_epi16(_mm_and_si128(hi, m0f), 4));
  const uint32_t qh = (uint32_t)_mm_movemask_epi8(_mm_slli_epi16(lo, 3)) |
                      ((uint32_t)_mm_movemask_epi8(_mm_slli_epi16(hi, 3)) << 16);
  std::memcpy(qh_at, &qh, 4);
  _mm_storeu_si128((__m128i*)qs_at, qs);
}

// ---- AVX2 -----------------------------------------------------------------

TH_AVX2 inline float hmin8(__m256 v) {
  __m128 m = _mm_min_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  m = _mm_min_ps(m, _mm_movehl_ps(m, m));
  m = _mm_min_ss(m, _mm_movehdup_ps(m));
  return _mm_cvtss_f32(m);
}
TH_AVX2 inline float hmax8(__m256 v) {
  __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  m = _mm_max_ps(m, _mm_movehl_ps(m, m));
  m = _mm_max_ss(m, _mm_movehdup_ps(m));
  return _mm_cvtss_f32(m);
}

// Index of the first element equal to `t` (one exists).
TH_AVX2 inline int first_eq8(const __m256 v[4], float t) {
  const __m256 m = _mm256_set1_ps(t);
  uint32_t bits = 0;
  for (int k = 0; k < 4; k++) bits |= (uint32_t)_mm256_movemask_ps(_mm256_cmp_ps(v[k], m, _CMP_EQ_OQ)) << (8 * k);
  return __builtin_ctz(bits);
}

// Loads a block and checks |x| <= 2^28 (false on NaN too); a[] = |x|.
TH_AVX2 inline bool load8x4(const float* src, __m256 v[4], __m256 a[4]) {
  const __m256 sign = _mm256_set1_ps(-0.0f), lim = _mm256_set1_ps(kMaxAbs);
  __m256 ok = _mm256_castsi256_ps(_mm256_set1_epi32(-1));
  for (int k = 0; k < 4; k++) {
    v[k] = _mm256_loadu_ps(src + 8 * k);
    a[k] = _mm256_andnot_ps(sign, v[k]);
    ok = _mm256_and_ps(ok, _mm256_cmp_ps(a[k], lim, _CMP_LE_OQ));
  }
  return _mm256_movemask_ps(ok) == 0xff;
}

// The reference's min and max: SIMD min/max give the values; a zero result
// is the FIRST zero of the block, with its sign (the strict-compare scan keeps it).
TH_AVX2 inline void min_max8(const float* src, const __m256 v[4], float* mn, float* mx) {
  float lo = hmin8(_mm256_min_ps(_mm256_min_ps(v[0], v[1]), _mm256_min_ps(v[2], v[3])));
  float hi = hmax8(_mm256_max_ps(_mm256_max_ps(v[0], v[1]), _mm256_max_ps(v[2], v[3])));
  if (lo == 0) lo = src[first_eq8(v, 0.0f)];
  if (hi == 0) hi = src[first_eq8(v, 0.0f)];
  *mn = lo;
  *mx = hi;
}

// int32 lanes of four vectors -> their low bytes, element order, split in halves.
TH_AVX2 inline void low_bytes(const __m256i q[4], __m128i* lo, __m128i* hi) {
  const __m256i ff = _mm256_set1_epi32(0xff);
  const __m256i p01 = _mm256_packus_epi32(_mm256_and_si256(q[0], ff), _mm256_and_si256(q[1], ff));
  const __m256i p23 = _mm256_packus_epi32(_mm256_and_si256(q[2], ff), _mm256_and_si256(q[3], ff));
  const __m256i b = _mm256_permutevar8x32_epi32(_mm256_packus_epi16(p01, p23), _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
  *lo = _mm256_castsi256_si128(b);
  *hi = _mm256_extracti128_si256(b, 1);
}

TH_AVX2 inline bool put_f16_x86(uint8_t* p, float v) {
  const uint16_t h = _cvtss_sh(v, _MM_FROUND_TO_NEAREST_INT);
  std::memcpy(p, &h, 2);
  return !f16_nonfinite(h);
}

// Q4_1 (nmax 15, clamp) and Q5_1 (nmax 31, no clamp) share the affine path.
template <bool Q5>
TH_AVX2 int64_t affine_avx2(const float* src, uint8_t* dst, int64_t nb) {
  const int bytes = Q5 ? Q5_1_BYTES : Q4_1_BYTES;
  const __m256 half = _mm256_set1_ps(0.5f);
  for (int64_t i = 0; i < nb; i++, src += QK32, dst += bytes) {
    __m256 v[4], a[4];
    if (!load8x4(src, v, a)) return i + 1;
    float mn, mx;
    min_max8(src, v, &mn, &mx);
    const float d = (mx - mn) / (Q5 ? 31.0f : 15.0f);
    const float id = d != 0 ? 1.0f / d : 0.0f;
    if (!put_f16_x86(dst, d) || !put_f16_x86(dst + 2, mn)) return i + 1;
    const __m256 mnv = _mm256_set1_ps(mn), idv = _mm256_set1_ps(id);
    __m256i q[4];
    for (int k = 0; k < 4; k++) q[k] = _mm256_cvttps_epi32(_mm256_add_ps(_mm256_mul_ps(_mm256_sub_ps(v[k], mnv), idv), half));
    __m128i lo, hi;
    low_bytes(q, &lo, &hi);
    if (Q5) {
      pack_q5(lo, hi, dst + 4, dst + 8);
    } else {
      const __m128i c15 = _mm_set1_epi8(15);
      _mm_storeu_si128((__m128i*)(dst + 4), pack_q4(_mm_min_epi8(lo, c15), _mm_min_epi8(hi, c15)));
    }
  }
  return 0;
}

TH_AVX2 int64_t q5_0_avx2(const float* src, uint8_t* dst, int64_t nb) {
  const __m256 c165 = _mm256_set1_ps(16.5f);
  const __m128i c31 = _mm_set1_epi8(31);
  for (int64_t i = 0; i < nb; i++, src += QK32, dst += Q5_0_BYTES) {
    __m256 v[4], a[4];
    if (!load8x4(src, v, a)) return i + 1;
    const float amax = hmax8(_mm256_max_ps(_mm256_max_ps(a[0], a[1]), _mm256_max_ps(a[2], a[3])));
    const float max = amax != 0 ? src[first_eq8(a, amax)] : 0.0f;
    const float d = max / -16.0f;
    const float id = d != 0 ? 1.0f / d : 0.0f;
    if (!put_f16_x86(dst, d)) return i + 1;
    const __m256 idv = _mm256_set1_ps(id);
    __m256i q[4];
    for (int k = 0; k < 4; k++) q[k] = _mm256_cvttps_epi32(_mm256_add_ps(_mm256_mul_ps(v[k], idv), c165));
    __m128i lo, hi;
    low_bytes(q, &lo, &hi);
    pack_q5(_mm_min_epi8(lo, c31), _mm_min_epi8(hi, c31), dst + 2, dst + 6);
  }
  return 0;
}

int64_t q4_1_avx2(const float* s, uint8_t* d, int64_t nb) { return affine_avx2<false>(s, d, nb); }
int64_t q5_1_avx2(const float* s, uint8_t* d, int64_t nb) { return affine_avx2<true>(s, d, nb); }

// ---- AVX-512: one block in two 16-lane registers ----------------------------

TH_AVX512 inline bool load16x2(const float* src, __m512 v[2], __m512 a[2]) {
  const __m512 lim = _mm512_set1_ps(kMaxAbs);
  v[0] = _mm512_loadu_ps(src);
  v[1] = _mm512_loadu_ps(src + 16);
  a[0] = _mm512_abs_ps(v[0]);
  a[1] = _mm512_abs_ps(v[1]);
  return (_mm512_cmp_ps_mask(a[0], lim, _CMP_LE_OQ) & _mm512_cmp_ps_mask(a[1], lim, _CMP_LE_OQ)) == 0xffff;
}

TH_AVX512 inline int first_eq16(const __m512 v[2], float t) {
  const __m512 m = _mm512_set1_ps(t);
  const uint32_t bits = (uint32_t)_mm512_cmp_ps_mask(v[0], m, _CMP_EQ_OQ) |
                        ((uint32_t)_mm512_cmp_ps_mask(v[1], m, _CMP_EQ_OQ) << 16);
  return __builtin_ctz(bits);
}

template <bool Q5>
TH_AVX512 int64_t affine_avx512(const float* src, uint8_t* dst, int64_t nb) {
  const int bytes = Q5 ? Q5_1_BYTES : Q4_1_BYTES;
  const __m512 half = _mm512_set1_ps(0.5f);
  for (int64_t i = 0; i < nb; i++, src += QK32, dst += bytes) {
    __m512 v[2], a[2];
    if (!load16x2(src, v, a)) return i + 1;
    float mn = _mm512_reduce_min_ps(_mm512_min_ps(v[0], v[1]));
    float mx = _mm512_reduce_max_ps(_mm512_max_ps(v[0], v[1]));
    if (mn == 0) mn = src[first_eq16(v, 0.0f)];  // the first zero, with its sign
    if (mx == 0) mx = src[first_eq16(v, 0.0f)];
    const float d = (mx - mn) / (Q5 ? 31.0f : 15.0f);
    const float id = d != 0 ? 1.0f / d : 0.0f;
    if (!put_f16_x86(dst, d) || !put_f16_x86(dst + 2, mn)) return i + 1;
    const __m512 mnv = _mm512_set1_ps(mn), idv = _mm512_set1_ps(id);
    // vpmovdb keeps each int32's low byte: C's (int8_t) / & 0xff.
    const __m128i lo = _mm512_cvtepi32_epi8(_mm512_cvttps_epi32(_mm512_add_ps(_mm512_mul_ps(_mm512_sub_ps(v[0], mnv), idv), half)));
    const __m128i hi = _mm512_cvtepi32_epi8(_mm512_cvttps_epi32(_mm512_add_ps(_mm512_mul_ps(_mm512_sub_ps(v[1], mnv), idv), half)));
    if (Q5) {
      pack_q5(lo, hi, dst + 4, dst + 8);
    } else {
      const __m128i c15 = _mm_set1_epi8(15);
      _mm_storeu_si128((__m128i*)(dst + 4), pack_q4(_mm_min_epi8(lo, c15), _mm_min_epi8(hi, c15)));
    }
  }
  return 0;
}

TH_AVX512 int64_t q5_0_avx512(const float* src, uint8_t* dst, int64_t nb) {
  const __m512 c165 = _mm512_set1_ps(16.5f);
  const __m128i c31 = _mm_set1_epi8(31);
  for (int64_t i = 0; i < nb; i++, src += QK32, dst += Q5_0_BYTES) {
    __m512 v[2], a[2];
    if (!load16x2(src, v, a)) return i + 1;
    const float amax = _mm512_reduce_max_ps(_mm512_max_ps(a[0], a[1]));
    const float max = amax != 0 ? src[first_eq16(a, amax)] : 0.0f;
    const float d = max / -16.0f;
    const float id = d != 0 ? 1.0f / d : 0.0f;
    if (!put_f16_x86(dst, d)) return i + 1;
    const __m512 idv = _mm512_set1_ps(id);
    const __m128i lo = _mm512_cvtepi32_epi8(_mm512_cvttps_epi32(_mm512_add_ps(_mm512_mul_ps(v[0], idv), c165)));
    const __m128i hi = _mm512_cvtepi32_epi8(_mm512_cvttps_epi32(_mm512_add_ps(_mm512_mul_ps(v[1], idv), c165)));
    pack_q5(_mm_min_epi8(lo, c31), _mm_min_epi8(hi, c31), dst + 2, dst + 6);
  }
  return 0;
}

int64_t q4_1_avx512(const float* s, uint8_t* d, int64_t nb) { return affine_avx512<false>(s, d, nb); }
int64_t q5_1_avx512(const float* s, uint8_t* d, int64_t nb) { return affine_avx512<true>(s, d, nb); }
#endif

}  // namespace

QuantFn quant_legacy_kernel(int kind, int level) {
#if defined(TH_X86)
  const bool avx2 = level >= 2, avx512 = level >= 3;
  switch (kind) {
    case K_Q4_1: return avx512 ? q4_1_avx512 : avx2 ? q4_1_avx2 : q4_1_scalar;
    case K_Q5_0: return avx512 ? q5_0_avx512 : avx2 ? q5_0_avx2 : q5_0_scalar;
    case K_Q5_1: return avx512 ? q5_1_avx512 : avx2 ? q5_1_avx2 : q5_1_scalar;
    default: return nullptr;
  }
#else
  (void)level;
  switch (kind) {
    case K_Q4_1: return q4_1_scalar;
    case K_Q5_0: return q5_0_scalar;
    case K_Q5_1: return q5_1_scalar;
    default: return nullptr;
  }
#endif
}

}  // namespace th
