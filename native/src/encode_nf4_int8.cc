// NF4 and INT8 encode loops (see encode_nf4_int8.h). The TS encoders work in
// float64 (JS numbers): NF4 compares x·(1/absmax) with the midpoints of
// adjacent codes, INT8 divides x by its f32 scale and rounds half away from
// zero. The SIMD versions do the same float64 ops lane-wise (no FMA), so
// every byte matches.
#include "encode_nf4_int8.h"
#include <cmath>

#if defined(TH_X86)
#include <immintrin.h>
#endif

namespace th {
namespace {

// Midpoints between adjacent NF4 codes, exact in float64 (nf4-code.ts MID);
// entry 15 pads the 16-entry table of the AVX-512 search and is never read.
struct Mids {
  double m[16];
  Mids() {
    for (int i = 0; i < 15; i++) m[i] = ((double)kNf4Code[i] + (double)kNf4Code[i + 1]) / 2;
    m[15] = 2.0;
  }
};
const Mids kMid;

// nearestNf4: strict > comparisons, four steps of a binary search.
inline int nearest_nf4(double v) {
  const double* M = kMid.m;
  int q = v > M[7] ? 8 : 0;
  q += v > M[q + 3] ? 4 : 0;
  q += v > M[q + 1] ? 2 : 0;
  q += v > M[q] ? 1 : 0;
  return q;
}

inline double nf4_inv(float a) { return a != 0 ? 1.0 / (double)a : 0.0; }

// ---- scalar ----------------------------------------------------------------

int64_t nf4_absmax_scalar(const float* x, int64_t n, int64_t bs, float* absmax) {
  for (int64_t b = 0, lo = 0; lo < n; b++, lo += bs) {
    const int64_t hi = n - lo < bs ? n : lo + bs;
    float m = 0;
    for (int64_t i = lo; i < hi; i++) {
      const float v = std::fabs(x[i]);
      if (!(v <= 3.40282346638528859812e+38f)) return i + 1;
      if (v > m) m = v;
    }
    absmax[b] = m;
  }
  return 0;
}

// Codes of elements [lo, hi) of one block (lo even).
inline void nf4_codes_tail(const float* x, int64_t lo, int64_t hi, double inv, uint8_t* codes) {
  for (int64_t i = lo; i < hi; i += 2) {
    const int q0 = nearest_nf4((double)x[i] * inv);
    const int q1 = i + 1 < hi ? nearest_nf4((double)x[i + 1] * inv) : 7;
    codes[i >> 1] = (uint8_t)((q0 << 4) | q1);
  }
}

void nf4_codes_scalar(const float* x, int64_t n, int64_t bs, const float* absmax, uint8_t* codes) {
  for (int64_t b = 0, lo = 0; lo < n; b++, lo += bs) nf4_codes_tail(x, lo, n - lo < bs ? n : lo + bs, nf4_inv(absmax[b]), codes);
}

int64_t int8_min_max_scalar(const float* x, int64_t n, int64_t run, int64_t groups, double* mins, double* maxs) {
  for (int64_t s = 0, r = 0; s < n; s += run, r++) {
    const int64_t e = n - s < run ? n : s + run, g = r % groups;
    double lo = mins[g], hi = maxs[g];
    for (int64_t i = s; i < e; i++) {
      const double v = x[i];
      if (!std::isfinite(v)) return i + 1;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    mins[g] = lo;
    maxs[g] = hi;
  }
  return 0;
}

// roundClamp(v, lo, hi) + zp of quant/round.ts, v = x / s in float64. Half
// away from zero from trunc and the exact remainder (floor(v + 0.5) would
// round 0.49999999999999994 up, Math.round does not).
inline int8_t int8_one(double v, double lo, double hi, double zp) {
  double r = std::trunc(v);
  if (std::fabs(v - r) >= 0.5) r += v < 0 ? -1.0 : 1.0;
  r = r < lo ? lo : r > hi ? hi : r;
  return (int8_t)(int32_t)(r + zp);
}

void int8_quantize_scalar(const float* x, int64_t n, int64_t run, int64_t groups, const float* scales,
                          const int32_t* zps, int8_t* q) {
  for (int64_t s = 0, r = 0; s < n; s += run, r++) {
    const int64_t e = n - s < run ? n : s + run, g = r % groups;
    const double sc = scales[g];
    const int32_t zp = zps ? zps[g] : 0;
    if (sc == 0) {
      std::memset(q + s, (int)(uint8_t)(int8_t)zp, (size_t)(e - s));
      continue;
    }
    const double lo = (zps ? -128.0 : -127.0) - zp, hi = 127.0 - zp;
    for (int64_t i = s; i < e; i++) q[i] = int8_one((double)x[i] / sc, lo, hi, zp);
  }
}

#if defined(TH_X86)
// ---- AVX2 --------------------------------------------------------------------

TH_AVX2 int64_t first_bad8(__m256 ok, int64_t at) {
  return at + __builtin_ctz(~(unsigned)_mm256_movemask_ps(ok) & 0xff) + 1;
}

TH_AVX2 int64_t nf4_absmax_avx2(const float* x, int64_t n, int64_t bs, float* absmax) {
  const __m256 sign = _mm256_set1_ps(-0.0f), fmax = _mm256_set1_ps(3.40282346638528859812e+38f);
  for (int64_t b = 0, lo = 0; lo < n; b++, lo += bs) {
    const int64_t hi = n - lo < bs ? n : lo + bs;
    __m256 m = _mm256_setzero_ps();
    int64_t i = lo;
    for (; i + 8 <= hi; i += 8) {
      const __m256 a = _mm256_andnot_ps(sign, _mm256_loadu_ps(x + i));
      const __m256 ok = _mm256_cmp_ps(a, fmax, _CMP_LE_OQ);
      if (_mm256_movemask_ps(ok) != 0xff) return first_bad8(ok, i);
      m = _mm256_max_ps(m, a);
    }
    __m128 h = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
    h = _mm_max_ps(h, _mm_movehl_ps(h, h));
    h = _mm_max_ss(h, _mm_movehdup_ps(h));
    float mx = _mm_cvtss_f32(h);
    for (; i < hi; i++) {
      const float v = std::fabs(x[i]);
      if (!(v <= 3.40282346638528859812e+38f)) return i + 1;
      if (v > mx) mx = v;
    }
    absmax[b] = mx;
  }
  return 0;
}

// Counts of midpoints below each of 4 float64 lanes, as negated int64 (cmp = −1).
TH_AVX2 inline __m256i nf4_count4(__m256d v) {
  __m256i acc = _mm256_setzero_si256();
  for (int k = 0; k < 15; k++)
    acc = _mm256_add_epi64(acc, _mm256_castpd_si256(_mm256_cmp_pd(v, _mm256_set1_pd(kMid.m[k]), _CMP_GT_OQ)));
  return acc;
}

TH_AVX2 void nf4_codes_avx2(const float* x, int64_t n, int64_t bs, const float* absmax, uint8_t* codes) {
  const __m256i pick = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
  for (int64_t b = 0, lo = 0; lo < n; b++, lo += bs) {
    const int64_t hi = n - lo < bs ? n : lo + bs;
    const double inv = nf4_inv(absmax[b]);
    const __m256d iv = _mm256_set1_pd(inv);
    int64_t i = lo;
    for (; i + 8 <= hi; i += 8) {
      const __m256 f = _mm256_loadu_ps(x + i);
      const __m256d v0 = _mm256_mul_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(f)), iv);
      const __m256d v1 = _mm256_mul_pd(_mm256_cvtps_pd(_mm256_extractf128_ps(f, 1)), iv);
      // Counts as 64-bit lanes: (q(2k) low dword, q(2k+1) high dword) per pair.
      const __m256i c0 = _mm256_sub_epi64(_mm256_setzero_si256(), nf4_count4(v0));
      const __m256i c1 = _mm256_sub_epi64(_mm256_setzero_si256(), nf4_count4(v1));
      const __m128i q0 = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(c0, pick));  // q0..q3
      const __m128i q1 = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(c1, pick));  // q4..q7
      const __m128i w = _mm_packus_epi16(_mm_packus_epi32(q0, q1), _mm_setzero_si128());  // 8 code bytes
      // byte k = q(2k) << 4 | q(2k+1), over 16-bit pairs.
      const __m128i pr = _mm_or_si128(_mm_and_si128(_mm_slli_epi16(w, 4), _mm_set1_epi16(0xf0)), _mm_srli_epi16(w, 8));
      const int32_t out = _mm_cvtsi128_si32(_mm_packus_epi16(pr, pr));
      std::memcpy(codes + (i >> 1), &out, 4);
    }
    nf4_codes_tail(x, i, hi, inv, codes);
  }
}

TH_AVX2 int64_t int8_min_max_avx2(const float* x, int64_t n, int64_t run, int64_t groups, double* mins, double* maxs) {
  const __m256 sign = _mm256_set1_ps(-0.0f), fmax = _mm256_set1_ps(3.40282346638528859812e+38f);
  for (int64_t s = 0, r = 0; s < n; s += run, r++) {
    const int64_t e = n - s < run ? n : s + run, g = r % groups;
    double lo = mins[g], hi = maxs[g];
    int64_t i = s;
    if (e - s >= 8) {
      __m256 vlo = _mm256_set1_ps(3.40282346638528859812e+38f), vhi = _mm256_set1_ps(-3.40282346638528859812e+38f);
      for (; i + 8 <= e; i += 8) {
        const __m256 v = _mm256_loadu_ps(x + i);
        const __m256 ok = _mm256_cmp_ps(_mm256_andnot_ps(sign, v), fmax, _CMP_LE_OQ);
        if (_mm256_movemask_ps(ok) != 0xff) return first_bad8(ok, i);
        vlo = _mm256_min_ps(vlo, v);
        vhi = _mm256_max_ps(vhi, v);
      }
      __m128 a = _mm_min_ps(_mm256_castps256_ps128(vlo), _mm256_extractf128_ps(vlo, 1));
      a = _mm_min_ps(a, _mm_movehl_ps(a, a));
      a = _mm_min_ss(a, _mm_movehdup_ps(a));
      __m128 c = _mm_max_ps(_mm256_castps256_ps128(vhi), _mm256_extractf128_ps(vhi, 1));
      c = _mm_max_ps(c, _mm_movehl_ps(c, c));
      c = _mm_max_ss(c, _mm_movehdup_ps(c));
      // The sign of a zero min/max never changes a scale (int8-scale.ts), so values suffice.
      const double l = _mm_cvtss_f32(a), h = _mm_cvtss_f32(c);
      if (l < lo) lo = l;
      if (h > hi) hi = h;
    }
    for (; i < e; i++) {
      const double v = x[i];
      if (!std::isfinite(v)) return i + 1;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    mins[g] = lo;
    maxs[g] = hi;
  }
  return 0;
}

// round half away from zero of 4 float64 lanes (exact: v − trunc(v) is exact).
TH_AVX2 inline __m256d round_away4(__m256d v) {
  const __m256d t = _mm256_round_pd(v, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
  const __m256d sgn = _mm256_set1_pd(-0.0);
  const __m256d frac = _mm256_andnot_pd(sgn, _mm256_sub_pd(v, t));
  const __m256d step = _mm256_or_pd(_mm256_and_pd(v, sgn), _mm256_set1_pd(1.0));
  return _mm256_add_pd(t, _mm256_and_pd(_mm256_cmp_pd(frac, _mm256_set1_pd(0.5), _CMP_GE_OQ), step));
}

TH_AVX2 void int8_quantize_avx2(const float* x, int64_t n, int64_t run, int64_t groups, const float* scales,
                                const int32_t* zps, int8_t* q) {
  for (int64_t s = 0, r = 0; s < n; s += run, r++) {
    const int64_t e = n - s < run ? n : s + run, g = r % groups;
    const double sc = scales[g];
    const int32_t zp = zps ? zps[g] : 0;
    if (sc == 0) {
      std::memset(q + s, (int)(uint8_t)(int8_t)zp, (size_t)(e - s));
      continue;
    }
    const double lo = (zps ? -128.0 : -127.0) - zp, hi = 127.0 - zp;
    const __m256d scv = _mm256_set1_pd(sc), lov = _mm256_set1_pd(lo), hiv = _mm256_set1_pd(hi), zpv = _mm256_set1_pd(zp);
    int64_t i = s;
    for (; i + 8 <= e; i += 8) {
      const __m256 f = _mm256_loadu_ps(x + i);
      __m256d a = round_away4(_mm256_div_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(f)), scv));
      __m256d b = round_away4(_mm256_div_pd(_mm256_cvtps_pd(_mm256_extractf128_ps(f, 1)), scv));
      // Rounded values are integers or huge: no NaN, so min/max clamp as the ternaries do.
      a = _mm256_add_pd(_mm256_min_pd(_mm256_max_pd(a, lov), hiv), zpv);
      b = _mm256_add_pd(_mm256_min_pd(_mm256_max_pd(b, lov), hiv), zpv);
      const __m128i w = _mm_packs_epi32(_mm256_cvttpd_epi32(a), _mm256_cvttpd_epi32(b));
      _mm_storel_epi64((__m128i*)(q + i), _mm_packs_epi16(w, w));
    }
    for (; i < e; i++) q[i] = int8_one((double)x[i] / sc, lo, hi, zp);
  }
}

// ---- AVX-512 -------------------------------------------------------------------

// NF4 codes of 8 float64 lanes: binary search over the 16-entry midpoint table.
TH_AVX512 inline __m128i nf4_search8(__m512d v, __m512d mlo, __m512d mhi) {
  const __m512i one = _mm512_set1_epi64(1);
  __m512i q = _mm512_maskz_mov_epi64(_mm512_cmp_pd_mask(v, _mm512_set1_pd(kMid.m[7]), _CMP_GT_OQ), _mm512_set1_epi64(8));
  __m512d t = _mm512_permutex2var_pd(mlo, _mm512_add_epi64(q, _mm512_set1_epi64(3)), mhi);
  q = _mm512_mask_add_epi64(q, _mm512_cmp_pd_mask(v, t, _CMP_GT_OQ), q, _mm512_set1_epi64(4));
  t = _mm512_permutex2var_pd(mlo, _mm512_add_epi64(q, one), mhi);
  q = _mm512_mask_add_epi64(q, _mm512_cmp_pd_mask(v, t, _CMP_GT_OQ), q, _mm512_set1_epi64(2));
  t = _mm512_permutex2var_pd(mlo, q, mhi);
  q = _mm512_mask_add_epi64(q, _mm512_cmp_pd_mask(v, t, _CMP_GT_OQ), q, one);
  return _mm512_cvtepi64_epi8(q);  // 8 code bytes, low half
}

TH_AVX512 void nf4_codes_avx512(const float* x, int64_t n, int64_t bs, const float* absmax, uint8_t* codes) {
  const __m512d mlo = _mm512_loadu_pd(kMid.m), mhi = _mm512_loadu_pd(kMid.m + 8);
  for (int64_t b = 0, lo = 0; lo < n; b++, lo += bs) {
    const int64_t hi = n - lo < bs ? n : lo + bs;
    const double inv = nf4_inv(absmax[b]);
    const __m512d iv = _mm512_set1_pd(inv);
    int64_t i = lo;
    for (; i + 16 <= hi; i += 16) {
      const __m512 f = _mm512_loadu_ps(x + i);
      const __m128i a = nf4_search8(_mm512_mul_pd(_mm512_cvtps_pd(_mm512_castps512_ps256(f)), iv), mlo, mhi);
      const __m128i c = nf4_search8(
          _mm512_mul_pd(_mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(f), 1))), iv), mlo, mhi);
      const __m128i w = _mm_unpacklo_epi64(a, c);  // 16 code bytes in element order
      const __m128i pr = _mm_or_si128(_mm_and_si128(_mm_slli_epi16(w, 4), _mm_set1_epi16(0xf0)), _mm_srli_epi16(w, 8));
      _mm_storel_epi64((__m128i*)(codes + (i >> 1)), _mm_packus_epi16(pr, pr));
    }
    nf4_codes_tail(x, i, hi, inv, codes);
  }
}

TH_AVX512 inline __m512d round_away8(__m512d v) {
  const __m512d t = _mm512_roundscale_pd(v, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
  const __m512d frac = _mm512_abs_pd(_mm512_sub_pd(v, t));
  const __m512i sgn = _mm512_set1_epi64((long long)0x8000000000000000ull);
  const __m512d step = _mm512_castsi512_pd(
      _mm512_or_si512(_mm512_and_si512(_mm512_castpd_si512(v), sgn), _mm512_castpd_si512(_mm512_set1_pd(1.0))));
  return _mm512_mask_add_pd(t, _mm512_cmp_pd_mask(frac, _mm512_set1_pd(0.5), _CMP_GE_OQ), t, step);
}

TH_AVX512 void int8_quantize_avx512(const float* x, int64_t n, int64_t run, int64_t groups, const float* scales,
                                    const int32_t* zps, int8_t* q) {
  for (int64_t s = 0, r = 0; s < n; s += run, r++) {
    const int64_t e = n - s < run ? n : s + run, g = r % groups;
    const double sc = scales[g];
    const int32_t zp = zps ? zps[g] : 0;
    if (sc == 0) {
      std::memset(q + s, (int)(uint8_t)(int8_t)zp, (size_t)(e - s));
      continue;
    }
    const double lo = (zps ? -128.0 : -127.0) - zp, hi = 127.0 - zp;
    const __m512d scv = _mm512_set1_pd(sc), lov = _mm512_set1_pd(lo), hiv = _mm512_set1_pd(hi), zpv = _mm512_set1_pd(zp);
    int64_t i = s;
    for (; i + 16 <= e; i += 16) {
      const __m512 f = _mm512_loadu_ps(x + i);
      __m512d a = round_away8(_mm512_div_pd(_mm512_cvtps_pd(_mm512_castps512_ps256(f)), scv));
      __m512d b = round_away8(
          _mm512_div_pd(_mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(f), 1))), scv));
      a = _mm512_add_pd(_mm512_min_pd(_mm512_max_pd(a, lov), hiv), zpv);
      b = _mm512_add_pd(_mm512_min_pd(_mm512_max_pd(b, lov), hiv), zpv);
      const __m512i w = _mm512_inserti64x4(_mm512_castsi256_si512(_mm512_cvttpd_epi32(a)), _mm512_cvttpd_epi32(b), 1);
      _mm_storeu_si128((__m128i*)(q + i), _mm512_cvtepi32_epi8(w));
    }
    for (; i < e; i++) q[i] = int8_one((double)x[i] / sc, lo, hi, zp);
  }
}
#endif

}  // namespace

int64_t nf4_absmax(const float* x, int64_t n, int64_t bs, float* absmax, int level) {
#if defined(TH_X86)
  if (level >= 2) return nf4_absmax_avx2(x, n, bs, absmax);
#endif
  (void)level;
  return nf4_absmax_scalar(x, n, bs, absmax);
}

void nf4_codes(const float* x, int64_t n, int64_t bs, const float* absmax, uint8_t* codes, int level) {
#if defined(TH_X86)
  if (level >= 3) return nf4_codes_avx512(x, n, bs, absmax, codes);
  if (level >= 2) return nf4_codes_avx2(x, n, bs, absmax, codes);
#endif
  (void)level;
  nf4_codes_scalar(x, n, bs, absmax, codes);
}

int64_t nf4_encode(const float* x, int64_t n, int64_t bs, float* absmax, uint8_t* codes, int level) {
  // Chunks of whole blocks, about 32 KiB of input each.
  const int64_t per = bs >= 8192 ? bs : (8192 / bs) * bs;
  for (int64_t at = 0; at < n; at += per) {
    const int64_t k = n - at < per ? n - at : per;
    const int64_t st = nf4_absmax(x + at, k, bs, absmax + at / bs, level);
    if (st != 0) return at + st;
    nf4_codes(x + at, k, bs, absmax + at / bs, codes + at / 2, level);
  }
  return 0;
}

int64_t int8_min_max(const float* x, int64_t n, int64_t run, int64_t groups, double* mins, double* maxs, int level) {
#if defined(TH_X86)
  if (level >= 2) return int8_min_max_avx2(x, n, run, groups, mins, maxs);
#endif
  (void)level;
  return int8_min_max_scalar(x, n, run, groups, mins, maxs);
}

void int8_quantize(const float* x, int64_t n, int64_t run, int64_t groups, const float* scales, const int32_t* zps,
                   int8_t* q, int level) {
#if defined(TH_X86)
  if (level >= 3) return int8_quantize_avx512(x, n, run, groups, scales, zps, q);
  if (level >= 2) return int8_quantize_avx2(x, n, run, groups, scales, zps, q);
#endif
  (void)level;
  int8_quantize_scalar(x, n, run, groups, scales, zps, q);
}

}  // namespace th
