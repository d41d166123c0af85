// f32 -> f16 / bf16 / fp8 E4M3 / fp8 E5M2 (see cast_encode.h). Scalar code is
// the TS reference transcribed; the SIMD versions do the same integer steps
// lane-wise, and f16 uses F16C's vcvtps2ph (round to nearest even; a NaN
// comes out quiet with the top 10 payload bits and its sign, which is what
// f32ToF16Bits gives: sign | 0x7c00 | 0x200 | mant >> 13).
#include "cast_encode.h"
#include "scalar.h"

#if defined(TH_X86)
#include <immintrin.h>
#endif

namespace th {
namespace {

inline uint32_t bits_of(float x) {
  uint32_t b;
  std::memcpy(&b, &x, 4);
  return b;
}

inline uint16_t bf16_of(uint32_t b) {
  if ((b & 0x7f800000u) == 0x7f800000u && (b & 0x7fffffu) != 0) return (uint16_t)((b >> 16) | 0x40);
  return (uint16_t)((b + 0x7fffu + ((b >> 16) & 1)) >> 16);
}

// One fp8 format: NaN code, saturated code, smallest normal, max finite (f32
// bits), the subnormal step's inverse, the exponent rebias and dropped bits.
struct Fp8 {
  uint32_t nan, sat, min_normal_bits, max_bits;
  float sub_scale;
  uint32_t rebias, shift;
};
constexpr Fp8 kE4M3 = {0x7f, 0x7e, 0x3c800000u, 0x43e00000u, 512.0f, 120u << 23, 20};
constexpr Fp8 kE5M2 = {0x7e, 0x7b, 0x38800000u, 0x47600000u, 65536.0f, 112u << 23, 21};

inline uint8_t fp8_of(uint32_t b, const Fp8& f) {
  const uint32_t sign = (b >> 24) & 0x80, abs = b & 0x7fffffffu;
  if (abs > 0x7f800000u) return (uint8_t)(sign | f.nan);
  if (abs >= f.max_bits) return (uint8_t)(sign | f.sat);
  if (abs < f.min_normal_bits) {
    float a;
    std::memcpy(&a, &abs, 4);
    // a·2^k < 2^(mantissa bits + 1) is exact; adding 2^23 rounds it to an integer, ties to even.
    const float y = a * f.sub_scale;
    const float r = (y + 8388608.0f) - 8388608.0f;
    return (uint8_t)(sign | (uint32_t)r);
  }
  const uint32_t v = abs - f.rebias;
  return (uint8_t)(sign | ((v + ((1u << (f.shift - 1)) - 1) + ((v >> f.shift) & 1)) >> f.shift));
}

void scalar_cast(int to, const float* src, uint8_t* dst, int64_t n) {
  switch (to) {
    case CAST_F16:
      for (int64_t i = 0; i < n; i++) {
        const uint16_t h = scalar::f32_to_f16(src[i]);
        std::memcpy(dst + 2 * i, &h, 2);
      }
      break;
    case CAST_BF16:
      for (int64_t i = 0; i < n; i++) {
        const uint16_t h = bf16_of(bits_of(src[i]));
        std::memcpy(dst + 2 * i, &h, 2);
      }
      break;
    case CAST_E4M3:
      for (int64_t i = 0; i < n; i++) dst[i] = fp8_of(bits_of(src[i]), kE4M3);
      break;
    case CAST_E5M2:
      for (int64_t i = 0; i < n; i++) dst[i] = fp8_of(bits_of(src[i]), kE5M2);
      break;
    default: break;
  }
}

#if defined(TH_X86)
// ---- AVX2 (8 lanes) ----

TH_AVX2 inline __m256i bf16_8(__m256i b) {
  const __m256i nan = _mm256_cmpgt_epi32(_mm256_and_si256(b, _mm256_set1_epi32(0x7fffffff)), _mm256_set1_epi32(0x7f800000));
  const __m256i hi = _mm256_srli_epi32(b, 16);
  const __m256i rne = _mm256_srli_epi32(
      _mm256_add_epi32(_mm256_add_epi32(b, _mm256_set1_epi32(0x7fff)), _mm256_and_si256(hi, _mm256_set1_epi32(1))), 16);
  return _mm256_blendv_epi8(rne, _mm256_or_si256(hi, _mm256_set1_epi32(0x40)), nan);
}

TH_AVX2 inline __m256i fp8_8(__m256i b, const Fp8& f) {
  const __m256i abs = _mm256_and_si256(b, _mm256_set1_epi32(0x7fffffff));
  const __m256i sign = _mm256_and_si256(_mm256_srli_epi32(b, 24), _mm256_set1_epi32(0x80));
  const __m256i nan = _mm256_cmpgt_epi32(abs, _mm256_set1_epi32(0x7f800000));
  const __m256i big = _mm256_cmpgt_epi32(abs, _mm256_set1_epi32((int)f.max_bits - 1));
  const __m256i sub = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)f.min_normal_bits), abs);
  const __m256i v = _mm256_sub_epi32(abs, _mm256_set1_epi32((int)f.rebias));
  const __m256i one = _mm256_set1_epi32(1);
  const __m256i bias = _mm256_add_epi32(_mm256_set1_epi32((1 << (f.shift - 1)) - 1),
                                        _mm256_and_si256(_mm256_srl_epi32(v, _mm_cvtsi32_si128((int)f.shift)), one));
  __m256i r = _mm256_srl_epi32(_mm256_add_epi32(v, bias), _mm_cvtsi32_si128((int)f.shift));
  const __m256 y = _mm256_mul_ps(_mm256_castsi256_ps(abs), _mm256_set1_ps(f.sub_scale));
  const __m256i s = _mm256_cvttps_epi32(_mm256_round_ps(y, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
  r = _mm256_blendv_epi8(r, s, sub);
  r = _mm256_blendv_epi8(r, _mm256_set1_epi32((int)f.sat), big);
  r = _mm256_blendv_epi8(r, _mm256_set1_epi32((int)f.nan), nan);
  return _mm256_or_si256(r, sign);
}

TH_AVX2 void cast_avx2(int to, const float* src, uint8_t* dst, int64_t n) {
  int64_t i = 0;
  if (to == CAST_F16) {
    for (; i + 8 <= n; i += 8)
      _mm_storeu_si128((__m128i*)(dst + 2 * i), _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
  } else if (to == CAST_BF16) {
    for (; i + 16 <= n; i += 16) {
      const __m256i a = bf16_8(_mm256_loadu_si256((const __m256i*)(src + i)));
      const __m256i b = bf16_8(_mm256_loadu_si256((const __m256i*)(src + i + 8)));
      _mm256_storeu_si256((__m256i*)(dst + 2 * i), _mm256_permute4x64_epi64(_mm256_packus_epi32(a, b), 0xd8));
    }
  } else {
    const Fp8& f = to == CAST_E4M3 ? kE4M3 : kE5M2;
    for (; i + 32 <= n; i += 32) {
      __m256i q[4];
      for (int k = 0; k < 4; k++) q[k] = fp8_8(_mm256_loadu_si256((const __m256i*)(src + i + 8 * k)), f);
      const __m256i p = _mm256_packus_epi16(_mm256_packus_epi32(q[0], q[1]), _mm256_packus_epi32(q[2], q[3]));
      _mm256_storeu_si256((__m256i*)(dst + i), _mm256_permutevar8x32_epi32(p, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7)));
    }
  }
  scalar_cast(to, src + i, dst + (to <= CAST_BF16 ? 2 * i : i), n - i);
}

// ---- AVX-512 (16 lanes) ----

TH_AVX512 inline __m512i bf16_16(__m512i b) {
  const __mmask16 nan = _mm512_cmpgt_epi32_mask(_mm512_and_si512(b, _mm512_set1_epi32(0x7fffffff)), _mm512_set1_epi32(0x7f800000));
  const __m512i hi = _mm512_srli_epi32(b, 16);
  const __m512i rne = _mm512_srli_epi32(
      _mm512_add_epi32(_mm512_add_epi32(b, _mm512_set1_epi32(0x7fff)), _mm512_and_si512(hi, _mm512_set1_epi32(1))), 16);
  return _mm512_mask_blend_epi32(nan, rne, _mm512_or_si512(hi, _mm512_set1_epi32(0x40)));
}

TH_AVX512 inline __m128i fp8_16(__m512i b, const Fp8& f) {
  const __m512i abs = _mm512_and_si512(b, _mm512_set1_epi32(0x7fffffff));
  const __m512i sign = _mm512_and_si512(_mm512_srli_epi32(b, 24), _mm512_set1_epi32(0x80));
  const __mmask16 nan = _mm512_cmpgt_epi32_mask(abs, _mm512_set1_epi32(0x7f800000));
  const __mmask16 big = _mm512_cmpgt_epi32_mask(abs, _mm512_set1_epi32((int)f.max_bits - 1));
  const __mmask16 sub = _mm512_cmpgt_epi32_mask(_mm512_set1_epi32((int)f.min_normal_bits), abs);
  const __m512i v = _mm512_sub_epi32(abs, _mm512_set1_epi32((int)f.rebias));
  const __m512i cnt = _mm512_set1_epi32((int)f.shift);
  const __m512i bias = _mm512_add_epi32(_mm512_set1_epi32((1 << (f.shift - 1)) - 1),
                                        _mm512_and_si512(_mm512_srlv_epi32(v, cnt), _mm512_set1_epi32(1)));
  __m512i r = _mm512_srlv_epi32(_mm512_add_epi32(v, bias), cnt);
  const __m512 y = _mm512_mul_ps(_mm512_castsi512_ps(abs), _mm512_set1_ps(f.sub_scale));
  r = _mm512_mask_mov_epi32(r, sub, _mm512_cvttps_epi32(_mm512_roundscale_ps(y, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)));
  r = _mm512_mask_mov_epi32(r, big, _mm512_set1_epi32((int)f.sat));
  r = _mm512_mask_mov_epi32(r, nan, _mm512_set1_epi32((int)f.nan));
  return _mm512_cvtepi32_epi8(_mm512_or_si512(r, sign));
}

TH_AVX512 void cast_avx512(int to, const float* src, uint8_t* dst, int64_t n) {
  int64_t i = 0;
  if (to == CAST_F16) {
    for (; i + 16 <= n; i += 16)
      _mm256_storeu_si256((__m256i*)(dst + 2 * i), _mm512_cvtps_ph(_mm512_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
  } else if (to == CAST_BF16) {
    for (; i + 16 <= n; i += 16)
      _mm256_storeu_si256((__m256i*)(dst + 2 * i), _mm512_cvtepi32_epi16(bf16_16(_mm512_loadu_si512(src + i))));
  } else {
    const Fp8& f = to == CAST_E4M3 ? kE4M3 : kE5M2;
    for (; i + 16 <= n; i += 16) _mm_storeu_si128((__m128i*)(dst + i), fp8_16(_mm512_loadu_si512(src + i), f));
  }
  scalar_cast(to, src + i, dst + (to <= CAST_BF16 ? 2 * i : i), n - i);
}
#endif

}  // namespace

void cast_from_f32(int to, const float* src, uint8_t* dst, int64_t n, int level) {
#if defined(TH_X86)
  if (level >= 3) return cast_avx512(to, src, dst, n);
  if (level >= 2) return cast_avx2(to, src, dst, n);
#endif
  (void)level;
  scalar_cast(to, src, dst, n);
}

}  // namespace th
