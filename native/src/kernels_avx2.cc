// AVX2 + FMA + F16C decode kernels (per-function target attributes; chosen
// at run time only on CPUs that have them). Multiplies and adds stay separate
// (no FMA) so every result is bit-exact with the scalar/TS reference. The
// GGML decoders write through the aligned-store sink (simd_avx2.h;
// non-temporal past the LLC).
#include "common.h"
#include "scalar.h"
#include "simd_avx2.h"

#if defined(TH_X86)
namespace th {
namespace avx2 {

// 8 signed bytes -> 8 floats · d.
TH_AVX2 static inline __m256 i8x8_d(__m128i bytes8, __m256 d) {
  return _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(bytes8)), d);
}
// 8 unsigned bytes -> 8 floats · d + m.
TH_AVX2 static inline __m256 u8x8_dm(__m128i bytes8, __m256 d, __m256 m) {
  return _mm256_add_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(bytes8)), d), m);
}
// 16 signed bytes -> 16 floats · d, into the sink.
template <class S>
TH_AVX2 static inline void put16_i8(S& out, __m128i b, __m256 d) {
  out.put(i8x8_d(b, d));
  out.put(i8x8_d(_mm_unpackhi_epi64(b, b), d));
}
template <class S>
TH_AVX2 static inline void put16_u8_dm(S& out, __m128i b, __m256 d, __m256 m) {
  out.put(u8x8_dm(b, d, m));
  out.put(u8x8_dm(_mm_unpackhi_epi64(b, b), d, m));
}

// Each decoder body is a template over the output sink (simd_avx2.h:
// 32-byte-aligned stores only; the rotating sink when dst is not aligned);
// the exported function picks non-temporal stores when the output is larger
// than the LLC.
template <class S, class K>
TH_AVX2 static inline int64_t run_sink(float* dst, K kernel, const uint8_t* src, int64_t nb) {
  S s(dst);
  const int64_t r = kernel(src, s, nb);
  return s.finish(), r;
}
#define TH_DQ_EXPORT(NAME, QK)                                                              \
  TH_AVX2 int64_t NAME(const uint8_t* src, float* dst, int64_t nb) {                        \
    const bool nt = (size_t)nb * (QK) * 4 > avx512::nt_threshold();                         \
    if (((uintptr_t)dst & 31) == 0)                                                         \
      return nt ? run_sink<AlignedSink<true>>(dst, NAME##_k<AlignedSink<true>>, src, nb)    \
                : run_sink<AlignedSink<false>>(dst, NAME##_k<AlignedSink<false>>, src, nb); \
    return nt ? run_sink<Sink<true>>(dst, NAME##_k<Sink<true>>, src, nb)                    \
              : run_sink<Sink<false>>(dst, NAME##_k<Sink<false>>, src, nb);                 \
  }

template <class S>
TH_AVX2 static inline int64_t dq_q8_0_k(const uint8_t* src, S& out, int64_t nb) {
  for (int64_t i = 0; i < nb; i++, src += Q8_0_BYTES) {
    const uint16_t h = load_u16(src);
    if (f16_nonfinite(h)) return i + 1;
    const __m256 d = _mm256_set1_ps(_cvtsh_ss(h));
    put16_i8(out, _mm_loadu_si128((const __m128i*)(src + 2)), d);
    put16_i8(out, _mm_loadu_si128((const __m128i*)(src + 18)), d);
  }
  return 0;
}

template <class S>
TH_AVX2 static inline int64_t dq_q4_0_k(const uint8_t* src, S& out, int64_t nb) {
  const __m128i m4 = _mm_set1_epi8(0x0F), eight = _mm_set1_epi8(8);
  for (int64_t i = 0; i < nb; i++, src += Q4_0_BYTES) {
    const uint16_t h = load_u16(src);
    if (f16_nonfinite(h)) return i + 1;
    const __m256 d = _mm256_set1_ps(_cvtsh_ss(h));
    const __m128i q = _mm_loadu_si128((const __m128i*)(src + 2));
    put16_i8(out, _mm_sub_epi8(_mm_and_si128(q, m4), eight), d);
    put16_i8(out, _mm_sub_epi8(_mm_and_si128(_mm_srli_epi16(q, 4), m4), eight), d);
  }
  return 0;
}

template <class S>
TH_AVX2 static inline int64_t dq_q4_1_k(const uint8_t* src, S& out, int64_t nb) {
  const __m128i m4 = _mm_set1_epi8(0x0F);
  for (int64_t i = 0; i < nb; i++, src += Q4_1_BYTES) {
    const uint16_t hd = load_u16(src), hm = load_u16(src + 2);
    if (f16_nonfinite(hd) || f16_nonfinite(hm)) return i + 1;
    const __m256 d = _mm256_set1_ps(_cvtsh_ss(hd)), m = _mm256_set1_ps(_cvtsh_ss(hm));
    const __m128i q = _mm_loadu_si128((const __m128i*)(src + 4));
    put16_u8_dm(out, _mm_and_si128(q, m4), d, m);
    put16_u8_dm(out, _mm_and_si128(_mm_srli_epi16(q, 4), m4), d, m);
  }
  return 0;
}

template <class S>
TH_AVX2 static inline int64_t dq_q5_0_k(const uint8_t* src, S& out, int64_t nb) {
  const __m256i m4 = _mm256_set1_epi8(0x0F), b4 = _mm256_set1_epi8(0x10), sixteen = _mm256_set1_epi8(16);
  for (int64_t i = 0; i < nb; i++, src += Q5_0_BYTES) {
    const uint16_t h = load_u16(src);
    if (f16_nonfinite(h)) return i + 1;
    const __m256 d = _mm256_set1_ps(_cvtsh_ss(h));
    const __m256i q = nibbles32(_mm_loadu_si128((const __m128i*)(src + 6)), m4);
    const __m256i hb = _mm256_and_si256(bytes_from_bits_32(load_u32(src + 2)), b4);
    const __m256i v = _mm256_sub_epi8(_mm256_or_si256(q, hb), sixteen);
    put16_i8(out, _mm256_castsi256_si128(v), d);
    put16_i8(out, _mm256_extracti128_si256(v, 1), d);
  }
  return 0;
}

template <class S>
TH_AVX2 static inline int64_t dq_q5_1_k(const uint8_t* src, S& out, int64_t nb) {
  const __m256i m4 = _mm256_set1_epi8(0x0F), b4 = _mm256_set1_epi8(0x10);
  for (int64_t i = 0; i < nb; i++, src += Q5_1_BYTES) {
    const uint16_t hd = load_u16(src), hm = load_u16(src + 2);
    if (f16_nonfinite(hd) || f16_nonfinite(hm)) return i + 1;
    const __m256 d = _mm256_set1_ps(_cvtsh_ss(hd)), m = _mm256_set1_ps(_cvtsh_ss(hm));
    const __m256i q = nibbles32(_mm_loadu_si128((const __m128i*)(src + 8)), m4);
    const __m256i v = _mm256_or_si256(q, _mm256_and_si256(bytes_from_bits_32(load_u32(src + 4)), b4));
    put16_u8_dm(out, _mm256_castsi256_si128(v), d, m);
    put16_u8_dm(out, _mm256_extracti128_si256(v, 1), d, m);
  }
  return 0;
}

template <class S>
TH_AVX2 static inline int64_t dq_q4_k_k(const uint8_t* src, S& out, int64_t nb) {
  const __m256i m4 = _mm256_set1_epi8(0x0F);
  for (int64_t i = 0; i < nb; i++, src += Q4_K_BYTES) {
    const uint16_t hd = load_u16(src), hm = load_u16(src + 2);
    if (f16_nonfinite(hd) || f16_nonfinite(hm)) return i + 1;
    const float d = _cvtsh_ss(hd), dmin = _cvtsh_ss(hm);
    const uint8_t* q = src + 16;
    for (int is = 0; is < 8; is += 2, q += 32) {
      uint8_t s, m;
      scale_min_k4(is, src + 4, &s, &m);
      const __m256 d1 = _mm256_set1_ps(d * s), m1 = _mm256_set1_ps(-(dmin * m));
      scale_min_k4(is + 1, src + 4, &s, &m);
      const __m256 d2 = _mm256_set1_ps(d * s), m2 = _mm256_set1_ps(-(dmin * m));
      const __m256i v = _mm256_loadu_si256((const __m256i*)q);
      const __m256i lo = _mm256_and_si256(v, m4);
      const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), m4);
      // x·d1 − m1 == x·d1 + (−m1) exactly.
      put16_u8_dm(out, _mm256_castsi256_si128(lo), d1, m1);
      put16_u8_dm(out, _mm256_extracti128_si256(lo, 1), d1, m1);
      put16_u8_dm(out, _mm256_castsi256_si128(hi), d2, m2);
      put16_u8_dm(out, _mm256_extracti128_si256(hi, 1), d2, m2);
    }
  }
  return 0;
}

template <class S>
TH_AVX2 static inline int64_t dq_q6_k_k(const uint8_t* src, S& out, int64_t nb) {
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
        put16_i8(out, _mm256_castsi256_si128(v), _mm256_set1_ps(d * sc[2 * k]));
        put16_i8(out, _mm256_extracti128_si256(v, 1), _mm256_set1_ps(d * sc[2 * k + 1]));
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

TH_AVX2 void cast_f16(const uint8_t* src, float* dst, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i*)(src + 2 * i))));
  scalar::cast_f16(src + 2 * i, dst + i, n - i);
}

TH_AVX2 void cast_bf16(const uint8_t* src, float* dst, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256i v = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i*)(src + 2 * i)));
    _mm256_storeu_si256((__m256i*)(dst + i), _mm256_slli_epi32(v, 16));
  }
  scalar::cast_bf16(src + 2 * i, dst + i, n - i);
}

TH_AVX2 void dq_nf4(const uint8_t* codes, const float* absmax, int64_t bs, float* dst, int64_t n) {
  const Nf4TableAvx2 tab = nf4_table_avx2();
  const int64_t nblocks = (n + bs - 1) / bs;
  for (int64_t b = 0; b < nblocks; b++) {
    const float a = absmax[b];
    const __m256 va = _mm256_set1_ps(a);
    const int64_t hi = (b + 1) * bs < n ? (b + 1) * bs : n;
    int64_t i = b * bs;
    for (; i + 16 <= hi; i += 16) {
      __m256 v0, v1;
      nf4_decode16_avx2(codes + (i >> 1), tab, &v0, &v1);
      _mm256_storeu_ps(dst + i, _mm256_mul_ps(v0, va));
      _mm256_storeu_ps(dst + i + 8, _mm256_mul_ps(v1, va));
    }
    for (; i < hi; i += 2) {
      const uint8_t byte = codes[i >> 1];
      dst[i] = kNf4Code[byte >> 4] * a;
      if (i + 1 < hi) dst[i + 1] = kNf4Code[byte & 15] * a;
    }
  }
}

}  // namespace avx2

const KernelSet kAvx2 = {
    "avx2", avx2::dq_q8_0, avx2::dq_q4_0, avx2::dq_q4_1, avx2::dq_q5_0, avx2::dq_q5_1,
    avx2::dq_q4_k, avx2::dq_q6_k, avx2::cast_f16, avx2::cast_bf16, avx2::dq_nf4,
    avx2::mv_q8_0, avx2::mv_q4_0, avx2::mv_q4_k, avx2::mv_nf4,
    avx2::mq_q8_0, avx2::mq_q4_0, avx2::mq_q4_k,
    avx2::dq_int8, avx2::dq_lut,
};

}  // namespace th
#endif
