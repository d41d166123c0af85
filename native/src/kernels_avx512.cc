// AVX-512 (F+BW+VL) decode kernels: 16 floats per vector, written through
// the aligned-store sink (sink512.h; non-temporal past the LLC); Q5's high
// bits go straight from qh into a mask register. Multiplies and adds stay
// separate (no FMA) so results are bit-exact with the scalar/TS reference.
// The f32-activation mat-vec and quantize use the AVX2 versions; the 8-bit
// activation products are in matmul_q8_avx512.cc (VNNI).
#include "common.h"
#include "scalar.h"
#include "simd_avx2.h"
#include "sink512.h"
#include <unistd.h>
#include <atomic>

#if defined(TH_X86)
namespace th {
namespace avx512 {

// 16 signed bytes -> 16 floats · d.
TH_AVX512 static inline __m512 i8_d(__m128i b, __m512 d) {
  return _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(b)), d);
}
// 16 int32 -> 16 floats · d + m.
TH_AVX512 static inline __m512 i32_dm(__m512i v, __m512 d, __m512 m) {
  return _mm512_add_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(v), d), m);
}

static size_t llc_bytes() {
  long l3 = -1;
#if defined(_SC_LEVEL3_CACHE_SIZE)
  l3 = sysconf(_SC_LEVEL3_CACHE_SIZE);
#endif
  return l3 > 0 ? (size_t)l3 : (size_t)32 << 20;
}
static std::atomic<size_t> g_nt{llc_bytes()};
size_t nt_threshold() { return g_nt.load(std::memory_order_relaxed); }
size_t set_nt_threshold(size_t bytes) { return g_nt.exchange(bytes); }

// Each decoder body is a template over the sink; the exported function picks
// non-temporal stores when the output is larger than the LLC.
#define TH_DQ_EXPORT(NAME, QK)                                          \
  TH_AVX512 int64_t NAME(const uint8_t* src, float* dst, int64_t nb) {  \
    if ((size_t)nb * (QK) * 4 > nt_threshold()) {                        \
      Sink<true> s(dst);                                                \
      const int64_t r = NAME##_k(src, s, nb);                           \
      return s.finish(), r;                                             \
    }                                                                   \
    Sink<false> s(dst);                                                 \
    const int64_t r = NAME##_k(src, s, nb);                             \
    return s.finish(), r;                                               \
  }

template <class S>
TH_AVX512 static inline int64_t dq_q8_0_k(const uint8_t* src, S& out, int64_t nb) {
  for (int64_t i = 0; i < nb; i++, src += Q8_0_BYTES) {
    const uint16_t h = load_u16(src);
    if (f16_nonfinite(h)) return i + 1;
    const __m512 d = _mm512_set1_ps(_cvtsh_ss(h));
    out.put(i8_d(_mm_loadu_si128((const __m128i*)(src + 2)), d));
    out.put(i8_d(_mm_loadu_si128((const __m128i*)(src + 18)), d));
  }
  return 0;
}

template <class S>
TH_AVX512 static inline int64_t dq_q4_0_k(const uint8_t* src, S& out, int64_t nb) {
  const __m128i m4 = _mm_set1_epi8(0x0F), eight = _mm_set1_epi8(8);
  for (int64_t i = 0; i < nb; i++, src += Q4_0_BYTES) {
    const uint16_t h = load_u16(src);
    if (f16_nonfinite(h)) return i + 1;
    const __m512 d = _mm512_set1_ps(_cvtsh_ss(h));
    const __m128i q = _mm_loadu_si128((const __m128i*)(src + 2));
    out.put(i8_d(_mm_sub_epi8(_mm_and_si128(q, m4), eight), d));
    out.put(i8_d(_mm_sub_epi8(_mm_and_si128(_mm_srli_epi16(q, 4), m4), eight), d));
  }
  return 0;
}

template <class S>
TH_AVX512 static inline int64_t dq_q4_1_k(const uint8_t* src, S& out, int64_t nb) {
  const __m128i m4 = _mm_set1_epi8(0x0F);
  for (int64_t i = 0; i < nb; i++, src += Q4_1_BYTES) {
    const uint16_t hd = load_u16(src), hm = load_u16(src + 2);
    if (f16_nonfinite(hd) || f16_nonfinite(hm)) return i + 1;
    const __m512 d = _mm512_set1_ps(_cvtsh_ss(hd)), m = _mm512_set1_ps(_cvtsh_ss(hm));
    const __m128i q = _mm_loadu_si128((const __m128i*)(src + 4));
    out.put(i32_dm(_mm512_cvtepu8_epi32(_mm_and_si128(q, m4)), d, m));
    out.put(i32_dm(_mm512_cvtepu8_epi32(_mm_and_si128(_mm_srli_epi16(q, 4), m4)), d, m));
  }
  return 0;
}

template <class S>
TH_AVX512 static inline int64_t dq_q5_0_k(const uint8_t* src, S& out, int64_t nb) {
  const __m128i m4 = _mm_set1_epi8(0x0F);
  const __m512i b4 = _mm512_set1_epi32(16);
  for (int64_t i = 0; i < nb; i++, src += Q5_0_BYTES) {
    const uint16_t h = load_u16(src);
    if (f16_nonfinite(h)) return i + 1;
    const __m512 d = _mm512_set1_ps(_cvtsh_ss(h));
    const uint32_t qh = load_u32(src + 2);
    const __m128i q = _mm_loadu_si128((const __m128i*)(src + 6));
    // (q | bit4) − 16 == q − 16 + (bit4 ? 16 : 0): add 16 under the qh mask.
    __m512i lo = _mm512_sub_epi32(_mm512_cvtepu8_epi32(_mm_and_si128(q, m4)), b4);
    __m512i hi = _mm512_sub_epi32(_mm512_cvtepu8_epi32(_mm_and_si128(_mm_srli_epi16(q, 4), m4)), b4);
    lo = _mm512_mask_add_epi32(lo, (__mmask16)(qh & 0xFFFF), lo, b4);
    hi = _mm512_mask_add_epi32(hi, (__mmask16)(qh >> 16), hi, b4);
    out.put(_mm512_mul_ps(_mm512_cvtepi32_ps(lo), d));
    out.put(_mm512_mul_ps(_mm512_cvtepi32_ps(hi), d));
  }
  return 0;
}

template <class S>
TH_AVX512 static inline int64_t dq_q5_1_k(const uint8_t* src, S& out, int64_t nb) {
  const __m128i m4 = _mm_set1_epi8(0x0F);
  const __m512i b4 = _mm512_set1_epi32(16);
  for (int64_t i = 0; i < nb; i++, src += Q5_1_BYTES) {
    const uint16_t hd = load_u16(src), hm = load_u16(src + 2);
    if (f16_nonfinite(hd) || f16_nonfinite(hm)) return i + 1;
    const __m512 d = _mm512_set1_ps(_cvtsh_ss(hd)), m = _mm512_set1_ps(_cvtsh_ss(hm));
    const uint32_t qh = load_u32(src + 4);
    const __m128i q = _mm_loadu_si128((const __m128i*)(src + 8));
    __m512i lo = _mm512_cvtepu8_epi32(_mm_and_si128(q, m4));
    __m512i hi = _mm512_cvtepu8_epi32(_mm_and_si128(_mm_srli_epi16(q, 4), m4));
    lo = _mm512_mask_or_epi32(lo, (__mmask16)(qh & 0xFFFF), lo, b4);
    hi = _mm512_mask_or_epi32(hi, (__mmask16)(qh >> 16), hi, b4);
    out.put(i32_dm(lo, d, m));
    out.put(i32_dm(hi, d, m));
  }
  return 0;
}

template <class S>
TH_AVX512 static inline int64_t dq_q4_k_k(const uint8_t* src, S& out, int64_t nb) {
  const __m256i m4 = _mm256_set1_epi8(0x0F);
  for (int64_t i = 0; i < nb; i++, src += Q4_K_BYTES) {
    const uint16_t hd = load_u16(src), hm = load_u16(src + 2);
    if (f16_nonfinite(hd) || f16_nonfinite(hm)) return i + 1;
    const float d = _cvtsh_ss(hd), dmin = _cvtsh_ss(hm);
    const uint8_t* q = src + 16;
    for (int is = 0; is < 8; is += 2, q += 32) {
      uint8_t s, m;
      scale_min_k4(is, src + 4, &s, &m);
      const __m512 d1 = _mm512_set1_ps(d * s), m1 = _mm512_set1_ps(-(dmin * m));
      scale_min_k4(is + 1, src + 4, &s, &m);
      const __m512 d2 = _mm512_set1_ps(d * s), m2 = _mm512_set1_ps(-(dmin * m));
      const __m256i v = _mm256_loadu_si256((const __m256i*)q);
      const __m256i lo = _mm256_and_si256(v, m4);
      const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), m4);
      out.put(i32_dm(_mm512_cvtepu8_epi32(_mm256_castsi256_si128(lo)), d1, m1));
      out.put(i32_dm(_mm512_cvtepu8_epi32(_mm256_extracti128_si256(lo, 1)), d1, m1));
      out.put(i32_dm(_mm512_cvtepu8_epi32(_mm256_castsi256_si128(hi)), d2, m2));
      out.put(i32_dm(_mm512_cvtepu8_epi32(_mm256_extracti128_si256(hi, 1)), d2, m2));
    }
  }
  return 0;
}

template <class S>
TH_AVX512 static inline int64_t dq_q6_k_k(const uint8_t* src, S& out, int64_t nb) {
  const __m256i m4 = _mm256_set1_epi8(0x0F), m30 = _mm256_set1_epi8(0x30), k32 = _mm256_set1_epi8(32);
  for (int64_t i = 0; i < nb; i++, src += Q6_K_BYTES) {
    const uint16_t hd = load_u16(src + 208);
    if (f16_nonfinite(hd)) return i + 1;
    const float d = _cvtsh_ss(hd);
    for (int h = 0; h < 2; h++) {
      const __m256i a = _mm256_loadu_si256((const __m256i*)(src + 64 * h));
      const __m256i b = _mm256_loadu_si256((const __m256i*)(src + 64 * h + 32));
      const __m256i qh = _mm256_loadu_si256((const __m256i*)(src + 128 + 32 * h));
      const int8_t* sc = (const int8_t*)(src + 192 + 8 * h);
      __m256i q[4];
      q[0] = _mm256_or_si256(_mm256_and_si256(a, m4), _mm256_and_si256(_mm256_slli_epi16(qh, 4), m30));
      q[1] = _mm256_or_si256(_mm256_and_si256(b, m4), _mm256_and_si256(_mm256_slli_epi16(qh, 2), m30));
      q[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(a, 4), m4), _mm256_and_si256(qh, m30));
      q[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(b, 4), m4),
                             _mm256_and_si256(_mm256_srli_epi16(qh, 2), m30));
      for (int k = 0; k < 4; k++) {
        const __m256i v = _mm256_sub_epi8(q[k], k32);
        out.put(i8_d(_mm256_castsi256_si128(v), _mm512_set1_ps(d * sc[2 * k])));
        out.put(i8_d(_mm256_extracti128_si256(v, 1), _mm512_set1_ps(d * sc[2 * k + 1])));
      }
    }
  }
  return 0;
}

TH_DQ_EXPORT(dq_q8_0, QK32)
TH_DQ_EXPORT(dq_q4_0, QK32)
TH_DQ_EXPORT(dq_q4_1, QK32)
TH_DQ_EXPORT(dq_q5_0, QK32)
TH_DQ_EXPORT(dq_q5_1, QK32)
TH_DQ_EXPORT(dq_q4_k, QK_K)
TH_DQ_EXPORT(dq_q6_k, QK_K)
#undef TH_DQ_EXPORT

template <class S>
TH_AVX512 static inline void cast_f16_k(const uint8_t* src, S& out, int64_t n16) {
  for (int64_t i = 0; i < n16; i += 16) out.put(_mm512_cvtph_ps(_mm256_loadu_si256((const __m256i*)(src + 2 * i))));
}
template <class S>
TH_AVX512 static inline void cast_bf16_k(const uint8_t* src, S& out, int64_t n16) {
  for (int64_t i = 0; i < n16; i += 16)
    out.put(_mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i*)(src + 2 * i))), 16)));
}
// Whole vectors through the sink, the tail (< 16) scalar.
#define TH_CAST_EXPORT(NAME)                                          \
  TH_AVX512 void NAME(const uint8_t* src, float* dst, int64_t n) {    \
    const int64_t n16 = n & ~(int64_t)15;                             \
    if (n16 > 0 && (size_t)n16 * 4 > nt_threshold()) {                \
      Sink<true> s(dst);                                              \
      NAME##_k(src, s, n16);                                          \
      s.finish();                                                     \
    } else if (n16 > 0) {                                             \
      Sink<false> s(dst);                                             \
      NAME##_k(src, s, n16);                                          \
      s.finish();                                                     \
    }                                                                 \
    scalar::NAME(src + 2 * n16, dst + n16, n - n16);                  \
  }
TH_CAST_EXPORT(cast_f16)
TH_CAST_EXPORT(cast_bf16)
#undef TH_CAST_EXPORT

TH_AVX512 void dq_nf4(const uint8_t* codes, const float* absmax, int64_t bs, float* dst, int64_t n) {
  const __m512 tab = _mm512_loadu_ps(kNf4Code);
  const __m128i m4 = _mm_set1_epi8(0x0F);
  const int64_t nblocks = (n + bs - 1) / bs;
  for (int64_t b = 0; b < nblocks; b++) {
    const float a = absmax[b];
    const __m512 va = _mm512_set1_ps(a);
    const int64_t hi = (b + 1) * bs < n ? (b + 1) * bs : n;
    int64_t i = b * bs;
    for (; i + 32 <= hi; i += 32) {
      const __m128i v = _mm_loadu_si128((const __m128i*)(codes + (i >> 1)));
      const __m128i h4 = _mm_and_si128(_mm_srli_epi16(v, 4), m4), l4 = _mm_and_si128(v, m4);
      const __m512i i0 = _mm512_cvtepu8_epi32(_mm_unpacklo_epi8(h4, l4));
      const __m512i i1 = _mm512_cvtepu8_epi32(_mm_unpackhi_epi8(h4, l4));
      _mm512_storeu_ps(dst + i, _mm512_mul_ps(_mm512_permutexvar_ps(i0, tab), va));
      _mm512_storeu_ps(dst + i + 16, _mm512_mul_ps(_mm512_permutexvar_ps(i1, tab), va));
    }
    for (; i < hi; i += 2) {
      const uint8_t byte = codes[i >> 1];
      dst[i] = kNf4Code[byte >> 4] * a;
      if (i + 1 < hi) dst[i + 1] = kNf4Code[byte & 15] * a;
    }
  }
}

// The 8-bit-activation products: VNNI when the CPU has it (checked once).
static bool has_vnni() {
  static const bool yes = (__builtin_cpu_init(), __builtin_cpu_supports("avx512vnni"));
  return yes;
}
int64_t mq_q8_0(const uint8_t* w, int64_t rows, int64_t nbr, const ActQ8* x, int64_t batch, float* y) {
  return has_vnni() ? avx512vnni::mq_q8_0(w, rows, nbr, x, batch, y) : avx2::mq_q8_0(w, rows, nbr, x, batch, y);
}
// Q4_0: four blocks per step with VBMI byte permutes where the CPU has them.
static bool has_vbmi() {
  static const bool yes = (__builtin_cpu_init(), __builtin_cpu_supports("avx512vbmi"));
  return yes;
}
int64_t mq_q4_0(const uint8_t* w, int64_t rows, int64_t nbr, const ActQ8* x, int64_t batch, float* y) {
  if (has_vnni() && has_vbmi()) return avx512vbmi::mq_q4_0(w, rows, nbr, x, batch, y);
  return has_vnni() ? avx512vnni::mq_q4_0(w, rows, nbr, x, batch, y) : avx2::mq_q4_0(w, rows, nbr, x, batch, y);
}
int64_t mq_q4_k(const uint8_t* w, int64_t rows, int64_t nbr, const ActQ8* x, int64_t batch, float* y) {
  return has_vnni() ? avx512vnni::mq_q4_k(w, rows, nbr, x, batch, y) : avx2::mq_q4_k(w, rows, nbr, x, batch, y);
}

}  // namespace avx512

const KernelSet kAvx512 = {
    "avx512", avx512::dq_q8_0, avx512::dq_q4_0, avx512::dq_q4_1, avx512::dq_q5_0, avx512::dq_q5_1,
    avx512::dq_q4_k, avx512::dq_q6_k, avx512::cast_f16, avx512::cast_bf16, avx512::dq_nf4,
    avx2::mv_q8_0, avx2::mv_q4_0, avx2::mv_q4_k, avx2::mv_nf4,
    avx512::mq_q8_0, avx512::mq_q4_0, avx512::mq_q4_k,
    avx512::dq_int8, avx512::dq_lut,
};

}  // namespace th
#endif
