#include "half_out.h"
#include <vector>
#if defined(TH_X86)
#include <immintrin.h>
#endif

namespace th {
namespace {

constexpr int64_t kChunk = 4096;  // values per scratch chunk (16 KiB of f32)

// Scalar f32 -> f16 bits, the same steps as f32ToF16Bits in src/tensor/half.ts.
inline uint16_t f16_bits(float x) {
  uint32_t b;
  std::memcpy(&b, &x, 4);
  const uint32_t sign = (b >> 16) & 0x8000;
  const int exp = (int)((b >> 23) & 0xff);
  uint32_t mant = b & 0x7fffff;
  if (exp == 0xff) return (uint16_t)(sign | 0x7c00 | (mant ? 0x200 | (mant >> 13) : 0));
  const int e = exp - 127 + 15;
  if (e >= 0x1f) return (uint16_t)(sign | 0x7c00);
  if (e <= 0) {
    if (e < -10) return (uint16_t)sign;
    mant |= 0x800000;
    const int shift = 14 - e;
    uint32_t half = mant >> shift;
    const uint32_t rem = mant & ((1u << shift) - 1), halfway = 1u << (shift - 1);
    if (rem > halfway || (rem == halfway && (half & 1))) half++;
    return (uint16_t)(sign | half);
  }
  uint32_t half = ((uint32_t)e << 10) | (mant >> 13);
  const uint32_t rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem == 0x1000 && (half & 1))) half++;  // may carry into inf: RNE overflow
  return (uint16_t)(sign | half);
}

// Scalar f32 -> bf16 bits (f32ToBf16Bits): RNE, NaN kept quiet.
inline uint16_t bf16_bits(float x) {
  uint32_t b;
  std::memcpy(&b, &x, 4);
  if ((b & 0x7fffffff) > 0x7f800000) return (uint16_t)((b >> 16) | 0x40);
  return (uint16_t)((b + 0x7fff + ((b >> 16) & 1)) >> 16);
}

void narrow_f16_scalar(const float* s, uint16_t* d, int64_t n) {
  for (int64_t i = 0; i < n; i++) d[i] = f16_bits(s[i]);
}
void narrow_bf16_scalar(const float* s, uint16_t* d, int64_t n) {
  for (int64_t i = 0; i < n; i++) d[i] = bf16_bits(s[i]);
}

#if defined(TH_X86)
// F16C's vcvtps2ph with round-to-nearest-even is IEEE conversion: the same
// bits as the scalar steps (NaN: quiet bit set, top payload bits kept).
TH_AVX2 void narrow_f16_avx2(const float* s, uint16_t* d, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm_storeu_si128((__m128i*)(d + i), _mm256_cvtps_ph(_mm256_loadu_ps(s + i), _MM_FROUND_TO_NEAREST_INT));
  narrow_f16_scalar(s + i, d + i, n - i);
}
TH_AVX2 static inline __m256i bf16_lanes_avx2(__m256i b) {
  const __m256i rne = _mm256_srli_epi32(
      _mm256_add_epi32(_mm256_add_epi32(b, _mm256_set1_epi32(0x7fff)),
                       _mm256_and_si256(_mm256_srli_epi32(b, 16), _mm256_set1_epi32(1))), 16);
  const __m256i nan = _mm256_or_si256(_mm256_srli_epi32(b, 16), _mm256_set1_epi32(0x40));
  // |b| > inf bits (signed compare is fine: both sides are below 2^31).
  const __m256i isnan = _mm256_cmpgt_epi32(_mm256_and_si256(b, _mm256_set1_epi32(0x7fffffff)),
                                           _mm256_set1_epi32(0x7f800000));
  return _mm256_blendv_epi8(rne, nan, isnan);
}
TH_AVX2 void narrow_bf16_avx2(const float* s, uint16_t* d, int64_t n) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256i a = bf16_lanes_avx2(_mm256_loadu_si256((const __m256i*)(s + i)));
    const __m256i b = bf16_lanes_avx2(_mm256_loadu_si256((const __m256i*)(s + i + 8)));
    // Values fit in 16 bits, so unsigned saturation never bites; packus interleaves lanes.
    _mm256_storeu_si256((__m256i*)(d + i), _mm256_permute4x64_epi64(_mm256_packus_epi32(a, b), 0xD8));
  }
  narrow_bf16_scalar(s + i, d + i, n - i);
}
TH_AVX512 void narrow_f16_avx512(const float* s, uint16_t* d, int64_t n) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    _mm256_storeu_si256((__m256i*)(d + i), _mm512_cvtps_ph(_mm512_loadu_ps(s + i), _MM_FROUND_TO_NEAREST_INT));
  narrow_f16_scalar(s + i, d + i, n - i);
}
TH_AVX512 void narrow_bf16_avx512(const float* s, uint16_t* d, int64_t n) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512i b = _mm512_loadu_si512((const void*)(s + i));
    const __m512i rne = _mm512_srli_epi32(
        _mm512_add_epi32(_mm512_add_epi32(b, _mm512_set1_epi32(0x7fff)),
                         _mm512_and_si512(_mm512_srli_epi32(b, 16), _mm512_set1_epi32(1))), 16);
    const __mmask16 isnan = _mm512_cmpgt_epu32_mask(_mm512_and_si512(b, _mm512_set1_epi32(0x7fffffff)),
                                                   _mm512_set1_epi32(0x7f800000));
    const __m512i r = _mm512_mask_or_epi32(rne, isnan, _mm512_srli_epi32(b, 16), _mm512_set1_epi32(0x40));
    _mm256_storeu_si256((__m256i*)(d + i), _mm512_cvtepi32_epi16(r));
  }
  narrow_bf16_scalar(s + i, d + i, n - i);
}
#endif

}  // namespace

NarrowFn narrow_fn(int level, bool bf16) {
#if defined(TH_X86)
  if (level == 3) return bf16 ? narrow_bf16_avx512 : narrow_f16_avx512;
  if (level == 2) return bf16 ? narrow_bf16_avx2 : narrow_f16_avx2;
#endif
  (void)level;
  return bf16 ? narrow_bf16_scalar : narrow_f16_scalar;
}

int64_t dequant_half(DequantFn dq, int qk, int bytes, const uint8_t* src, uint16_t* dst, int64_t nb, NarrowFn nw) {
  alignas(64) float buf[kChunk];
  const int64_t per = kChunk / qk;  // whole blocks per chunk (qk is 32 or 256)
  for (int64_t b = 0; b < nb; b += per) {
    const int64_t k = nb - b < per ? nb - b : per;
    const int64_t st = dq(src + b * bytes, buf, k);
    if (st != 0) return b + st;
    nw(buf, dst + b * qk, k * qk);
  }
  return 0;
}

void nf4_half(Nf4Fn nf4, const uint8_t* codes, const float* absmax, int64_t bs, uint16_t* dst, int64_t n,
              NarrowFn nw) {
  // Chunks of whole NF4 blocks; a block larger than kChunk gets a scratch of
  // one block (at most n values: bounded by the input).
  const int64_t per = bs >= kChunk ? bs : (kChunk / bs) * bs;
  alignas(64) float small[kChunk];
  std::vector<float> big;
  float* buf = small;
  if (per > kChunk) {
    big.resize((size_t)(per < n ? per : n));
    buf = big.data();
  }
  for (int64_t i = 0; i < n; i += per) {
    const int64_t k = n - i < per ? n - i : per;
    nf4(codes + i / 2, absmax + i / bs, bs, buf, k);
    nw(buf, dst + i, k);
  }
}

}  // namespace th
