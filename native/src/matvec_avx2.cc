// AVX2+FMA fused mat-vec: y = W·x read straight from the compressed rows,
// f32 activations (not quantized). Per block: p = Σ q·x (FMA), acc += d·p.
#include "common.h"
#include "simd_avx2.h"

#if defined(TH_X86)
namespace th {
namespace avx2 {

TH_AVX2 int64_t mv_q8_0(const uint8_t* w, int64_t rows, int64_t nbr, const float* x, float* y) {
  for (int64_t r = 0; r < rows; r++) {
    __m256 acc = _mm256_setzero_ps();
    for (int64_t b = 0; b < nbr; b++, w += Q8_0_BYTES) {
      const uint16_t h = load_u16(w);
      if (f16_nonfinite(h)) return r * nbr + b + 1;
      const float* xb = x + b * QK32;
      const __m128i q0 = _mm_loadu_si128((const __m128i*)(w + 2));
      const __m128i q1 = _mm_loadu_si128((const __m128i*)(w + 18));
      __m256 p = _mm256_mul_ps(i8x8_ps(q0), _mm256_loadu_ps(xb));
      p = _mm256_fmadd_ps(i8x8_ps(_mm_unpackhi_epi64(q0, q0)), _mm256_loadu_ps(xb + 8), p);
      p = _mm256_fmadd_ps(i8x8_ps(q1), _mm256_loadu_ps(xb + 16), p);
      p = _mm256_fmadd_ps(i8x8_ps(_mm_unpackhi_epi64(q1, q1)), _mm256_loadu_ps(xb + 24), p);
      acc = _mm256_fmadd_ps(_mm256_set1_ps(_cvtsh_ss(h)), p, acc);
    }
    y[r] = hsum(acc);
  }
  return 0;
}

TH_AVX2 int64_t mv_q4_0(const uint8_t* w, int64_t rows, int64_t nbr, const float* x, float* y) {
  const __m128i m4 = _mm_set1_epi8(0x0F), eight = _mm_set1_epi8(8);
  for (int64_t r = 0; r < rows; r++) {
    __m256 acc = _mm256_setzero_ps();
    for (int64_t b = 0; b < nbr; b++, w += Q4_0_BYTES) {
      const uint16_t h = load_u16(w);
      if (f16_nonfinite(h)) return r * nbr + b + 1;
      const float* xb = x + b * QK32;
      const __m128i q = _mm_loadu_si128((const __m128i*)(w + 2));
      const __m128i lo = _mm_sub_epi8(_mm_and_si128(q, m4), eight);
      const __m128i hi = _mm_sub_epi8(_mm_and_si128(_mm_srli_epi16(q, 4), m4), eight);
      __m256 p = _mm256_mul_ps(i8x8_ps(lo), _mm256_loadu_ps(xb));
      p = _mm256_fmadd_ps(i8x8_ps(_mm_unpackhi_epi64(lo, lo)), _mm256_loadu_ps(xb + 8), p);
      p = _mm256_fmadd_ps(i8x8_ps(hi), _mm256_loadu_ps(xb + 16), p);
      p = _mm256_fmadd_ps(i8x8_ps(_mm_unpackhi_epi64(hi, hi)), _mm256_loadu_ps(xb + 24), p);
      acc = _mm256_fmadd_ps(_mm256_set1_ps(_cvtsh_ss(h)), p, acc);
    }
    y[r] = hsum(acc);
  }
  return 0;
}

// Σ q·x and Σ x over 32 elements whose 4-bit levels are the 32 bytes of `q`.
TH_AVX2 static inline void dot32_u4(__m256i q, const float* xb, __m256* qx, __m256* sx) {
  const __m128i a = _mm256_castsi256_si128(q), b = _mm256_extracti128_si256(q, 1);
  const __m256 x0 = _mm256_loadu_ps(xb), x1 = _mm256_loadu_ps(xb + 8);
  const __m256 x2 = _mm256_loadu_ps(xb + 16), x3 = _mm256_loadu_ps(xb + 24);
  __m256 p = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(a)), x0);
  p = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_unpackhi_epi64(a, a))), x1, p);
  p = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(b)), x2, p);
  p = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_unpackhi_epi64(b, b))), x3, p);
  *qx = p;
  *sx = _mm256_add_ps(_mm256_add_ps(x0, x1), _mm256_add_ps(x2, x3));
}

TH_AVX2 int64_t mv_q4_k(const uint8_t* w, int64_t rows, int64_t nbr, const float* x, float* y) {
  const __m256i m4 = _mm256_set1_epi8(0x0F);
  for (int64_t r = 0; r < rows; r++) {
    __m256 acc = _mm256_setzero_ps();
    for (int64_t b = 0; b < nbr; b++, w += Q4_K_BYTES) {
      const uint16_t hd = load_u16(w), hm = load_u16(w + 2);
      if (f16_nonfinite(hd) || f16_nonfinite(hm)) return r * nbr + b + 1;
      const float d = _cvtsh_ss(hd), dmin = _cvtsh_ss(hm);
      const uint8_t* q = w + 16;
      const float* xb = x + b * QK_K;
      for (int is = 0; is < 8; is += 2, q += 32, xb += 64) {
        uint8_t s1, m1, s2, m2;
        scale_min_k4(is, w + 4, &s1, &m1);
        scale_min_k4(is + 1, w + 4, &s2, &m2);
        const __m256i v = _mm256_loadu_si256((const __m256i*)q);
        __m256 qx, sx;
        dot32_u4(_mm256_and_si256(v, m4), xb, &qx, &sx);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d * s1), qx, acc);
        acc = _mm256_fnmadd_ps(_mm256_set1_ps(dmin * m1), sx, acc);
        dot32_u4(_mm256_and_si256(_mm256_srli_epi16(v, 4), m4), xb + 32, &qx, &sx);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d * s2), qx, acc);
        acc = _mm256_fnmadd_ps(_mm256_set1_ps(dmin * m2), sx, acc);
      }
    }
    y[r] = hsum(acc);
  }
  return 0;
}

TH_AVX2 void mv_nf4(const uint8_t* codes, const float* absmax, int64_t bs, int64_t rows, int64_t cols,
                    const float* x, float* y) {
  const Nf4TableAvx2 tab = nf4_table_avx2();
  for (int64_t r = 0; r < rows; r++) {
    __m256 acc = _mm256_setzero_ps();
    float tail = 0;
    const int64_t base = r * cols;  // flat index i is column i − base
    int64_t i = base;
    const int64_t end = i + cols;
    while (i < end) {
      const int64_t b = i / bs;
      const int64_t stop = (b + 1) * bs < end ? (b + 1) * bs : end;
      const float a = absmax[b];
      __m256 p = _mm256_setzero_ps();
      for (; i + 16 <= stop; i += 16) {
        __m256 v0, v1;
        nf4_decode16_avx2(codes + (i >> 1), tab, &v0, &v1);
        p = _mm256_fmadd_ps(v0, _mm256_loadu_ps(x + (i - base)), p);
        p = _mm256_fmadd_ps(v1, _mm256_loadu_ps(x + (i - base) + 8), p);
      }
      float s = 0;
      for (; i < stop; i += 2) {
        const uint8_t byte = codes[i >> 1];
        s += kNf4Code[byte >> 4] * x[i - base] + kNf4Code[byte & 15] * x[i - base + 1];
      }
      acc = _mm256_fmadd_ps(_mm256_set1_ps(a), p, acc);
      tail += s * a;
    }
    y[r] = hsum(acc) + tail;
  }
}

}  // namespace avx2
}  // namespace th
#endif
