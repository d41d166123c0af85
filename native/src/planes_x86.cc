// AVX2 and AVX-512 (F + BW) byte-plane kernels (see planes.cc): merge
// transposes bytes with unpack and fixes the 128-bit lane order with one
// cross-lane permute; split shuffles bytes within lanes, then gathers lanes.
// The tails run the scalar loops.
#include "common.h"
#include "planes_internal.h"

#if defined(TH_X86)
#include <immintrin.h>

namespace th {
namespace planes {

namespace {

template <bool R>
TH_AVX2 void merge2_avx2_t(const uint8_t* p0, const uint8_t* p1, uint8_t* out, int64_t n) {
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i a = _mm256_loadu_si256((const __m256i*)(p0 + i));
    const __m256i b = _mm256_loadu_si256((const __m256i*)(p1 + i));
    const __m256i lo = _mm256_unpacklo_epi8(a, b);  // elements 0-7 | 16-23
    const __m256i hi = _mm256_unpackhi_epi8(a, b);  // 8-15 | 24-31
    __m256i o0 = _mm256_permute2x128_si256(lo, hi, 0x20);
    __m256i o1 = _mm256_permute2x128_si256(lo, hi, 0x31);
    if (R) {
      o0 = _mm256_or_si256(_mm256_srli_epi16(o0, 1), _mm256_slli_epi16(o0, 15));
      o1 = _mm256_or_si256(_mm256_srli_epi16(o1, 1), _mm256_slli_epi16(o1, 15));
    }
    _mm256_storeu_si256((__m256i*)(out + 2 * i), o0);
    _mm256_storeu_si256((__m256i*)(out + 2 * i + 32), o1);
  }
  merge2_scalar<R>(p0, p1, out, i, n);
}

template <bool R>
TH_AVX2 void merge4_avx2_t(const uint8_t* p0, const uint8_t* p1, const uint8_t* p2, const uint8_t* p3, uint8_t* out,
                         int64_t n) {
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i a = _mm256_loadu_si256((const __m256i*)(p0 + i));
    const __m256i b = _mm256_loadu_si256((const __m256i*)(p1 + i));
    const __m256i c = _mm256_loadu_si256((const __m256i*)(p2 + i));
    const __m256i d = _mm256_loadu_si256((const __m256i*)(p3 + i));
    const __m256i ab_lo = _mm256_unpacklo_epi8(a, b), ab_hi = _mm256_unpackhi_epi8(a, b);
    const __m256i cd_lo = _mm256_unpacklo_epi8(c, d), cd_hi = _mm256_unpackhi_epi8(c, d);
    const __m256i w0 = _mm256_unpacklo_epi16(ab_lo, cd_lo);  // 0-3 | 16-19
    const __m256i w1 = _mm256_unpackhi_epi16(ab_lo, cd_lo);  // 4-7 | 20-23
    const __m256i w2 = _mm256_unpacklo_epi16(ab_hi, cd_hi);  // 8-11 | 24-27
    const __m256i w3 = _mm256_unpackhi_epi16(ab_hi, cd_hi);  // 12-15 | 28-31
    __m256i o[4] = {_mm256_permute2x128_si256(w0, w1, 0x20), _mm256_permute2x128_si256(w2, w3, 0x20),
                    _mm256_permute2x128_si256(w0, w1, 0x31), _mm256_permute2x128_si256(w2, w3, 0x31)};
    for (int k = 0; k < 4; k++) {
      if (R) o[k] = _mm256_or_si256(_mm256_srli_epi32(o[k], 1), _mm256_slli_epi32(o[k], 31));
      _mm256_storeu_si256((__m256i*)(out + 4 * i + 32 * k), o[k]);
    }
  }
  merge4_scalar<R>(p0, p1, p2, p3, out, i, n);
}

template <bool R>
TH_AVX2 void split2_avx2_t(const uint8_t* src, uint8_t* q0, uint8_t* q1, int64_t n) {
  // Per 128-bit lane: the 8 low bytes, then the 8 high bytes.
  const __m256i shuf = _mm256_setr_epi8(0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15,
                                        0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m256i v0 = _mm256_loadu_si256((const __m256i*)(src + 2 * i));
    __m256i v1 = _mm256_loadu_si256((const __m256i*)(src + 2 * i + 32));
    if (R) {
      v0 = _mm256_or_si256(_mm256_slli_epi16(v0, 1), _mm256_srli_epi16(v0, 15));
      v1 = _mm256_or_si256(_mm256_slli_epi16(v1, 1), _mm256_srli_epi16(v1, 15));
    }
    // [lo 0-7, lo 8-15, hi 0-7, hi 8-15] as quadwords, after the shuffle.
    v0 = _mm256_permute4x64_epi64(_mm256_shuffle_epi8(v0, shuf), 0xD8);
    v1 = _mm256_permute4x64_epi64(_mm256_shuffle_epi8(v1, shuf), 0xD8);
    _mm256_storeu_si256((__m256i*)(q0 + i), _mm256_permute2x128_si256(v0, v1, 0x20));
    _mm256_storeu_si256((__m256i*)(q1 + i), _mm256_permute2x128_si256(v0, v1, 0x31));
  }
  split2_scalar<R>(src, q0, q1, i, n);
}

template <bool R>
TH_AVX2 void split4_avx2_t(const uint8_t* src, uint8_t* q0, uint8_t* q1, uint8_t* q2, uint8_t* q3, int64_t n) {
  // Per lane: 4 bytes of plane 0, of plane 1, of plane 2, of plane 3 (dwords).
  const __m256i shuf = _mm256_setr_epi8(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15,
                                        0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
  const __m256i gather = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m256i v[4];
    for (int k = 0; k < 4; k++) {
      __m256i x = _mm256_loadu_si256((const __m256i*)(src + 4 * i + 32 * k));
      if (R) x = _mm256_or_si256(_mm256_slli_epi32(x, 1), _mm256_srli_epi32(x, 31));
      // Quadword j = 8 bytes of plane j (elements 8k..8k+7).
      v[k] = _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(x, shuf), gather);
    }
    const __m256i u0 = _mm256_unpacklo_epi64(v[0], v[1]), u1 = _mm256_unpackhi_epi64(v[0], v[1]);
    const __m256i u2 = _mm256_unpacklo_epi64(v[2], v[3]), u3 = _mm256_unpackhi_epi64(v[2], v[3]);
    _mm256_storeu_si256((__m256i*)(q0 + i), _mm256_permute2x128_si256(u0, u2, 0x20));
    _mm256_storeu_si256((__m256i*)(q1 + i), _mm256_permute2x128_si256(u1, u3, 0x20));
    _mm256_storeu_si256((__m256i*)(q2 + i), _mm256_permute2x128_si256(u0, u2, 0x31));
    _mm256_storeu_si256((__m256i*)(q3 + i), _mm256_permute2x128_si256(u1, u3, 0x31));
  }
  split4_scalar<R>(src, q0, q1, q2, q3, i, n);
}

// ---- AVX-512 (F + BW) ----

template <bool R>
TH_AVX512 void merge2_avx512_t(const uint8_t* p0, const uint8_t* p1, uint8_t* out, int64_t n) {
  const __m512i first = _mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11);
  const __m512i second = _mm512_setr_epi64(4, 5, 12, 13, 6, 7, 14, 15);
  int64_t i = 0;
  for (; i + 64 <= n; i += 64) {
    const __m512i a = _mm512_loadu_si512((const void*)(p0 + i));
    const __m512i b = _mm512_loadu_si512((const void*)(p1 + i));
    const __m512i lo = _mm512_unpacklo_epi8(a, b);  // 0-7 | 16-23 | 32-39 | 48-55
    const __m512i hi = _mm512_unpackhi_epi8(a, b);  // 8-15 | 24-31 | 40-47 | 56-63
    __m512i o0 = _mm512_permutex2var_epi64(lo, first, hi);
    __m512i o1 = _mm512_permutex2var_epi64(lo, second, hi);
    if (R) {
      o0 = _mm512_or_si512(_mm512_srli_epi16(o0, 1), _mm512_slli_epi16(o0, 15));
      o1 = _mm512_or_si512(_mm512_srli_epi16(o1, 1), _mm512_slli_epi16(o1, 15));
    }
    _mm512_storeu_si512((void*)(out + 2 * i), o0);
    _mm512_storeu_si512((void*)(out + 2 * i + 64), o1);
  }
  merge2_scalar<R>(p0, p1, out, i, n);
}

template <bool R>
TH_AVX512 void merge4_avx512_t(const uint8_t* p0, const uint8_t* p1, const uint8_t* p2, const uint8_t* p3, uint8_t* out,
                             int64_t n) {
  int64_t i = 0;
  for (; i + 64 <= n; i += 64) {
    const __m512i a = _mm512_loadu_si512((const void*)(p0 + i));
    const __m512i b = _mm512_loadu_si512((const void*)(p1 + i));
    const __m512i c = _mm512_loadu_si512((const void*)(p2 + i));
    const __m512i d = _mm512_loadu_si512((const void*)(p3 + i));
    const __m512i ab_lo = _mm512_unpacklo_epi8(a, b), ab_hi = _mm512_unpackhi_epi8(a, b);
    const __m512i cd_lo = _mm512_unpacklo_epi8(c, d), cd_hi = _mm512_unpackhi_epi8(c, d);
    // Lane L of w0..w3 holds elements 16L + 0-3, 4-7, 8-11, 12-15: a 4×4 lane transpose.
    const __m512i w0 = _mm512_unpacklo_epi16(ab_lo, cd_lo), w1 = _mm512_unpackhi_epi16(ab_lo, cd_lo);
    const __m512i w2 = _mm512_unpacklo_epi16(ab_hi, cd_hi), w3 = _mm512_unpackhi_epi16(ab_hi, cd_hi);
    const __m512i t0 = _mm512_shuffle_i32x4(w0, w1, 0x44), t1 = _mm512_shuffle_i32x4(w0, w1, 0xEE);
    const __m512i t2 = _mm512_shuffle_i32x4(w2, w3, 0x44), t3 = _mm512_shuffle_i32x4(w2, w3, 0xEE);
    __m512i o[4] = {_mm512_shuffle_i32x4(t0, t2, 0x88), _mm512_shuffle_i32x4(t0, t2, 0xDD),
                    _mm512_shuffle_i32x4(t1, t3, 0x88), _mm512_shuffle_i32x4(t1, t3, 0xDD)};
    for (int k = 0; k < 4; k++) {
      if (R) o[k] = _mm512_ror_epi32(o[k], 1);
      _mm512_storeu_si512((void*)(out + 4 * i + 64 * k), o[k]);
    }
  }
  merge4_scalar<R>(p0, p1, p2, p3, out, i, n);
}

template <bool R>
TH_AVX512 void split2_avx512_t(const uint8_t* src, uint8_t* q0, uint8_t* q1, int64_t n) {
  const __m512i shuf = _mm512_broadcast_i32x4(_mm_setr_epi8(0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15));
  const __m512i gather = _mm512_setr_epi64(0, 2, 4, 6, 1, 3, 5, 7);
  int64_t i = 0;
  for (; i + 64 <= n; i += 64) {
    __m512i v0 = _mm512_loadu_si512((const void*)(src + 2 * i));
    __m512i v1 = _mm512_loadu_si512((const void*)(src + 2 * i + 64));
    if (R) {
      v0 = _mm512_or_si512(_mm512_slli_epi16(v0, 1), _mm512_srli_epi16(v0, 15));
      v1 = _mm512_or_si512(_mm512_slli_epi16(v1, 1), _mm512_srli_epi16(v1, 15));
    }
    // [low bytes of 32 elements | high bytes of 32 elements].
    v0 = _mm512_permutexvar_epi64(gather, _mm512_shuffle_epi8(v0, shuf));
    v1 = _mm512_permutexvar_epi64(gather, _mm512_shuffle_epi8(v1, shuf));
    _mm512_storeu_si512((void*)(q0 + i), _mm512_shuffle_i64x2(v0, v1, 0x44));
    _mm512_storeu_si512((void*)(q1 + i), _mm512_shuffle_i64x2(v0, v1, 0xEE));
  }
  split2_scalar<R>(src, q0, q1, i, n);
}

template <bool R>
TH_AVX512 void split4_avx512_t(const uint8_t* src, uint8_t* q0, uint8_t* q1, uint8_t* q2, uint8_t* q3, int64_t n) {
  const __m512i shuf = _mm512_broadcast_i32x4(_mm_setr_epi8(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15));
  const __m512i gather = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
  int64_t i = 0;
  for (; i + 64 <= n; i += 64) {
    __m512i v[4];
    for (int k = 0; k < 4; k++) {
      __m512i x = _mm512_loadu_si512((const void*)(src + 4 * i + 64 * k));
      if (R) x = _mm512_rol_epi32(x, 1);
      // Lane j = 16 bytes of plane j (elements 16k..16k+15).
      v[k] = _mm512_permutexvar_epi32(gather, _mm512_shuffle_epi8(x, shuf));
    }
    const __m512i t0 = _mm512_shuffle_i32x4(v[0], v[1], 0x44), t1 = _mm512_shuffle_i32x4(v[0], v[1], 0xEE);
    const __m512i t2 = _mm512_shuffle_i32x4(v[2], v[3], 0x44), t3 = _mm512_shuffle_i32x4(v[2], v[3], 0xEE);
    _mm512_storeu_si512((void*)(q0 + i), _mm512_shuffle_i32x4(t0, t2, 0x88));
    _mm512_storeu_si512((void*)(q1 + i), _mm512_shuffle_i32x4(t0, t2, 0xDD));
    _mm512_storeu_si512((void*)(q2 + i), _mm512_shuffle_i32x4(t1, t3, 0x88));
    _mm512_storeu_si512((void*)(q3 + i), _mm512_shuffle_i32x4(t1, t3, 0xDD));
  }
  split4_scalar<R>(src, q0, q1, q2, q3, i, n);
}


}  // namespace

void merge2_avx2(bool rotate, const uint8_t* p0, const uint8_t* p1, uint8_t* out, int64_t n) {
  rotate ? merge2_avx2_t<true>(p0, p1, out, n) : merge2_avx2_t<false>(p0, p1, out, n);
}

void merge4_avx2(bool rotate, const uint8_t* p0, const uint8_t* p1, const uint8_t* p2, const uint8_t* p3, uint8_t* out, int64_t n) {
  rotate ? merge4_avx2_t<true>(p0, p1, p2, p3, out, n) : merge4_avx2_t<false>(p0, p1, p2, p3, out, n);
}

void split2_avx2(bool rotate, const uint8_t* src, uint8_t* q0, uint8_t* q1, int64_t n) {
  rotate ? split2_avx2_t<true>(src, q0, q1, n) : split2_avx2_t<false>(src, q0, q1, n);
}

void split4_avx2(bool rotate, const uint8_t* src, uint8_t* q0, uint8_t* q1, uint8_t* q2, uint8_t* q3, int64_t n) {
  rotate ? split4_avx2_t<true>(src, q0, q1, q2, q3, n) : split4_avx2_t<false>(src, q0, q1, q2, q3, n);
}

void merge2_avx512(bool rotate, const uint8_t* p0, const uint8_t* p1, uint8_t* out, int64_t n) {
  rotate ? merge2_avx512_t<true>(p0, p1, out, n) : merge2_avx512_t<false>(p0, p1, out, n);
}

void merge4_avx512(bool rotate, const uint8_t* p0, const uint8_t* p1, const uint8_t* p2, const uint8_t* p3, uint8_t* out, int64_t n) {
  rotate ? merge4_avx512_t<true>(p0, p1, p2, p3, out, n) : merge4_avx512_t<false>(p0, p1, p2, p3, out, n);
}

void split2_avx512(bool rotate, const uint8_t* src, uint8_t* q0, uint8_t* q1, int64_t n) {
  rotate ? split2_avx512_t<true>(src, q0, q1, n) : split2_avx512_t<false>(src, q0, q1, n);
}

void split4_avx512(bool rotate, const uint8_t* src, uint8_t* q0, uint8_t* q1, uint8_t* q2, uint8_t* q3, int64_t n) {
  rotate ? split4_avx512_t<true>(src, q0, q1, q2, q3, n) : split4_avx512_t<false>(src, q0, q1, q2, q3, n);
}

}  // namespace planes
}  // namespace th

#endif  // TH_X86
