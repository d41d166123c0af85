// AVX2 helpers shared by the AVX2 (and AVX-512) kernel files.
#pragma once
#include "common.h"
#if defined(TH_X86)
#include <immintrin.h>

namespace th {
namespace avx512 {
// Outputs larger than this many bytes use non-temporal stores (sink512.h;
// the AVX2 sink below follows the same threshold).
size_t nt_threshold();
}  // namespace avx512

namespace avx2 {

// AVX2 output sink for the decoders (the 256-bit twin of sink512.h): writes
// a stream of 8-float vectors to dst (any 4-byte alignment) with 32-byte
// aligned stores only, so no store splits a cache line. Each vector is
// rotated by dst's misalignment o (vpermps) and blended with the previous
// one's rotation; the first and last partial vectors are masked
// (vmaskmovps). NT = non-temporal stores (outputs larger than the LLC).
// Data movement only: the values are the kernel's, bit for bit.
template <bool NT>
struct Sink {
  float* a;      // next aligned 32-byte slot
  __m256 prev;   // the previous vector, rotated
  __m256i idx;   // lane j takes element (j − o) mod 8
  __m256 low;    // lanes j < o (sign bit set): they come from the previous vector
  __m256i head;  // store mask of the first slot (lanes j ≥ o)
  bool started;
  int o;
  TH_AVX2 explicit Sink(float* dst) {
    o = (int)(((uintptr_t)dst & 31) >> 2);
    a = dst - o;
    prev = _mm256_setzero_ps();
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    idx = _mm256_and_si256(_mm256_sub_epi32(lane, _mm256_set1_epi32(o)), _mm256_set1_epi32(7));
    const __m256i lo = _mm256_cmpgt_epi32(_mm256_set1_epi32(o), lane);
    low = _mm256_castsi256_ps(lo);
    head = _mm256_xor_si256(lo, _mm256_set1_epi32(-1));
    started = false;
  }
  TH_AVX2 inline void put(__m256 v) {
    const __m256 r = _mm256_permutevar8x32_ps(v, idx);
    const __m256 w = _mm256_blendv_ps(r, prev, low);
    if (started || o == 0) {
      if (NT) _mm256_stream_ps(a, w);
      else _mm256_store_ps(a, w);
    } else {
      _mm256_maskstore_ps(a, head, w);
    }
    started = true;
    prev = r;
    a += 8;
  }
  // Writes the last partial vector (none when nothing was put or o == 0).
  TH_AVX2 inline void finish() {
    if (started && o != 0) _mm256_maskstore_ps(a, _mm256_castps_si256(low), prev);
    if (NT) _mm_sfence();
  }
};

// The same for a 32-byte-aligned dst: plain aligned stores, no rotation.
template <bool NT>
struct AlignedSink {
  float* a;
  TH_AVX2 explicit AlignedSink(float* dst) : a(dst) {}
  TH_AVX2 inline void put(__m256 v) {
    if (NT) _mm256_stream_ps(a, v);
    else _mm256_store_ps(a, v);
    a += 8;
  }
  TH_AVX2 inline void finish() {
    if (NT) _mm_sfence();
  }
};


// 16 packed bytes -> 32 bytes: low lane = low nibbles (elements 0..15),
// high lane = high nibbles (elements 16..31), GGML's nibble order.
TH_AVX2 static inline __m256i nibbles32(__m128i q, __m256i m4) {
  const __m256i both = _mm256_set_m128i(_mm_srli_epi16(q, 4), q);
  return _mm256_and_si256(both, m4);
}

// Byte k of the result is 0xFF when bit k of `x32` is set (ggml's bytes_from_bits_32).
TH_AVX2 static inline __m256i bytes_from_bits_32(uint32_t x32) {
  const __m256i shuf = _mm256_set_epi64x(0x0303030303030303, 0x0202020202020202,
                                         0x0101010101010101, 0x0000000000000000);
  __m256i bytes = _mm256_shuffle_epi8(_mm256_set1_epi32((int)x32), shuf);
  bytes = _mm256_or_si256(bytes, _mm256_set1_epi64x(0x7fbfdfeff7fbfdfe));
  return _mm256_cmpeq_epi8(bytes, _mm256_set1_epi64x(-1));
}

TH_AVX2 static inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// 8 signed bytes -> 8 floats.
TH_AVX2 static inline __m256 i8x8_ps(__m128i b) { return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(b)); }

struct Nf4TableAvx2 {
  __m256 lo, hi;  // codes 0..7 and 8..15
};
TH_AVX2 static inline Nf4TableAvx2 nf4_table_avx2() {
  return {_mm256_loadu_ps(kNf4Code), _mm256_loadu_ps(kNf4Code + 8)};
}
// 8 code bytes (16 elements, first in the HIGH nibble) -> 16 code values.
TH_AVX2 static inline void nf4_decode16_avx2(const uint8_t* p, const Nf4TableAvx2& t, __m256* v0, __m256* v1) {
  const __m128i m4 = _mm_set1_epi8(0x0F);
  const __m128i b = _mm_loadl_epi64((const __m128i*)p);
  const __m128i idx = _mm_unpacklo_epi8(_mm_and_si128(_mm_srli_epi16(b, 4), m4), _mm_and_si128(b, m4));
  const __m256i i0 = _mm256_cvtepu8_epi32(idx);
  const __m256i i1 = _mm256_cvtepu8_epi32(_mm_srli_si128(idx, 8));
  // permutevar8x32 uses the low 3 bits; bit 3 (moved to the sign bit) picks the half.
  *v0 = _mm256_blendv_ps(_mm256_permutevar8x32_ps(t.lo, i0), _mm256_permutevar8x32_ps(t.hi, i0),
                         _mm256_castsi256_ps(_mm256_slli_epi32(i0, 28)));
  *v1 = _mm256_blendv_ps(_mm256_permutevar8x32_ps(t.lo, i1), _mm256_permutevar8x32_ps(t.hi, i1),
                         _mm256_castsi256_ps(_mm256_slli_epi32(i1, 28)));
}

int64_t mv_q8_0(const uint8_t* w, int64_t rows, int64_t nbr, const float* x, float* y);
int64_t mv_q4_0(const uint8_t* w, int64_t rows, int64_t nbr, const float* x, float* y);
int64_t mv_q4_k(const uint8_t* w, int64_t rows, int64_t nbr, const float* x, float* y);
void mv_nf4(const uint8_t* codes, const float* absmax, int64_t bs, int64_t rows, int64_t cols,
            const float* x, float* y);

int64_t mq_q8_0(const uint8_t* w, int64_t rows, int64_t nbr, const ActQ8* x, int64_t batch, float* y);
int64_t mq_q4_0(const uint8_t* w, int64_t rows, int64_t nbr, const ActQ8* x, int64_t batch, float* y);
int64_t mq_q4_k(const uint8_t* w, int64_t rows, int64_t nbr, const ActQ8* x, int64_t batch, float* y);

void dq_int8(const int8_t* q, const float* scales, const int32_t* zps, int64_t run, int64_t groups, float* dst,
             int64_t n);
void dq_lut(const uint8_t* src, const float* table, float* dst, int64_t n);
}  // namespace avx2

namespace avx512 {
void dq_int8(const int8_t* q, const float* scales, const int32_t* zps, int64_t run, int64_t groups, float* dst,
             int64_t n);
void dq_lut(const uint8_t* src, const float* table, float* dst, int64_t n);
}  // namespace avx512

namespace avx512vnni {
int64_t mq_q8_0(const uint8_t* w, int64_t rows, int64_t nbr, const ActQ8* x, int64_t batch, float* y);
int64_t mq_q4_0(const uint8_t* w, int64_t rows, int64_t nbr, const ActQ8* x, int64_t batch, float* y);
int64_t mq_q4_k(const uint8_t* w, int64_t rows, int64_t nbr, const ActQ8* x, int64_t batch, float* y);
}  // namespace avx512vnni

namespace avx512vbmi {
int64_t mq_q4_0(const uint8_t* w, int64_t rows, int64_t nbr, const ActQ8* x, int64_t batch, float* y);
}  // namespace avx512vbmi
}  // namespace th
#endif
