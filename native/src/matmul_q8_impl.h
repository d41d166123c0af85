// Fused W·x with 8-bit activations, SIMD body shared by two levels: include
// it after defining TH_T (the target attribute), TH_NS (namespace) and
// TH_VNNI (1: AVX-512 VNNI vpdpbusd; 0: AVX2 vpmaddubsw + vpmaddwd). One
// 32-weight block is one 256-bit integer dot against one activation block;
// a tile of R rows shares every activation load, and the batch loop runs
// inside the row tile so the tile's weights are re-read from L1, not DRAM.
// Bad fp16 scales are not checked per block: they make the row's result
// NaN/Inf, and only then are the scales scanned (first_bad_scale).
// No include guard on purpose (included once per level).
#include <vector>
#include "common.h"
#include "simd_avx2.h"

namespace th {
namespace TH_NS {

#ifndef TH_PREFETCH
#define TH_PREFETCH 1024
#endif

// Σ u·s over 32 unsigned×signed byte pairs, as 8 int32 lanes added to `init`.
// maddubs cannot saturate here: |u·s + u·s| <= 2·128·127 (q8_0 via the sign
// trick) or 2·15·127 (4-bit weights).
TH_T static inline __m256i dot_us(__m256i u, __m256i s, __m256i init) {
#if TH_VNNI
  return _mm256_dpbusd_epi32(init, u, s);
#else
  return _mm256_add_epi32(init, _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1)));
#endif
}

TH_T static inline float hsum8(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

#if TH_VNNI
// AVX-512 VNNI: two 32-weight blocks per 512-bit vpdpbusd (lanes 0-7 block
// b, 8-15 block b+1 for Q8_0), int32 per block, scaled once per block as a
// 16-lane vector [w_d·x_d of b ×8 | of b+1 ×8]; R rows share every
// activation load. An odd last block takes the 256-bit step.
#ifndef TH_PREFETCH_ZMM
#define TH_PREFETCH_ZMM 512
#endif
// 16 lanes: lanes 0-7 = v[0], 8-15 = v[1] (v holds two floats).
TH_T static inline __m512 spread2(__m128 v) {
  return _mm512_permutexvar_ps(_mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1), _mm512_castps128_ps512(v));
}
// Two stored fp16 scales (at p and p + gap) as floats in lanes 0 and 1.
TH_T static inline __m128 scales2(const uint8_t* p, int gap) {
  return _mm_cvtph_ps(_mm_insert_epi16(_mm_cvtsi32_si128(load_u16(p)), load_u16(p + gap), 1));
}
TH_T static inline float hsum16(__m512 v) {
  const __m512 hi = _mm512_shuffle_f32x4(v, v, _MM_SHUFFLE(3, 2, 3, 2));  // (no reduce_add: gcc 12 warns inside it)
  return hsum8(_mm256_add_ps(_mm512_castps512_ps256(v), _mm512_castps512_ps256(hi)));
}

template <int R>
TH_T static inline void tile_q8_0(const uint8_t* w, int64_t nbr, const ActQ8& a, float* y) {
  __m512 acc[R];
  for (int r = 0; r < R; r++) acc[r] = _mm512_setzero_ps();
  const int64_t stride = nbr * Q8_0_BYTES;
  const __m512i flip = _mm512_set1_epi8((char)0x80);
  int64_t b = 0;
  for (; b + 2 <= nbr; b += 2) {
    const __m512i xv = _mm512_loadu_si512((const void*)(a.q + QK32 * b));
    const __m512 xd = spread2(_mm_castpd_ps(_mm_load_sd((const double*)(a.d + b))));
    // (w + 128) is unsigned; Σ(w+128)·x − 128·Σx = Σw·x: each block's 8 lanes start at −16·Σx.
    const __m512i init = _mm512_inserti64x4(_mm512_set1_epi32(-16 * a.s[b]), _mm256_set1_epi32(-16 * a.s[b + 1]), 1);
    for (int r = 0; r < R; r++) {
      const uint8_t* p = w + r * stride + b * Q8_0_BYTES;
      _mm_prefetch((const char*)(p + TH_PREFETCH_ZMM), _MM_HINT_T0);
      const __m512i wv = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_loadu_si256((const __m256i*)(p + 2))),
                                            _mm256_loadu_si256((const __m256i*)(p + 2 + Q8_0_BYTES)), 1);
      const __m512i dot = _mm512_dpbusd_epi32(init, _mm512_xor_si512(wv, flip), xv);
      const __m512 sc = _mm512_mul_ps(spread2(scales2(p, Q8_0_BYTES)), xd);
      acc[r] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), sc, acc[r]);
    }
  }
  for (int r = 0; r < R; r++) {
    float t = hsum16(acc[r]);
    if (b < nbr) {
      const uint8_t* p = w + r * stride + b * Q8_0_BYTES;
      const __m256i xv = _mm256_loadu_si256((const __m256i*)(a.q + QK32 * b));
      const __m256i wv = _mm256_xor_si256(_mm256_loadu_si256((const __m256i*)(p + 2)), _mm256_set1_epi8((char)0x80));
      const __m256i dot = dot_us(wv, xv, _mm256_set1_epi32(-16 * a.s[b]));
      t += hsum8(_mm256_mul_ps(_mm256_cvtepi32_ps(dot), _mm256_set1_ps(_cvtsh_ss(load_u16(p)) * a.d[b])));
    }
    y[r] = t;
  }
}

// Q4_0, two blocks per vpdpbusd: the weight vector is [lo b | lo b+1 | hi b |
// hi b+1] (16 bytes each), so the activations are permuted the same way once
// per block pair; Σ(q−8)·x = Σq·x − 8·Σx: each block's 8 lanes start at −Σx.
template <int R>
TH_T static inline void tile_q4_0(const uint8_t* w, int64_t nbr, const ActQ8& a, float* y) {
  __m512 acc[R];
  for (int r = 0; r < R; r++) acc[r] = _mm512_setzero_ps();
  const int64_t stride = nbr * Q4_0_BYTES;
  const __m512i m4 = _mm512_set1_epi8(0x0F);
  // Lane groups of 4 (one 128-bit quarter each): b, b+1, b, b+1.
  const __m512i quarter = _mm512_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1);
  int64_t b = 0;
  for (; b + 2 <= nbr; b += 2) {
    const __m512i x4 = _mm512_loadu_si512((const void*)(a.q + QK32 * b));  // [lo b | hi b | lo b+1 | hi b+1]
    const __m512i xv = _mm512_shuffle_i64x2(x4, x4, _MM_SHUFFLE(3, 1, 2, 0));
    const __m512 xd = _mm512_permutexvar_ps(quarter, _mm512_castps128_ps512(_mm_castpd_ps(_mm_load_sd((const double*)(a.d + b)))));
    const __m512i init = _mm512_permutexvar_epi32(quarter, _mm512_castsi128_si512(_mm_setr_epi32(-a.s[b], -a.s[b + 1], 0, 0)));
    for (int r = 0; r < R; r++) {
      const uint8_t* p = w + r * stride + b * Q4_0_BYTES;
      _mm_prefetch((const char*)(p + TH_PREFETCH_ZMM), _MM_HINT_T0);
      const __m256i q2 = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i*)(p + 2))),
                                                 _mm_loadu_si128((const __m128i*)(p + 2 + Q4_0_BYTES)), 1);
      const __m512i q = _mm512_and_si512(_mm512_inserti64x4(_mm512_castsi256_si512(q2), _mm256_srli_epi16(q2, 4), 1), m4);
      const __m512i dot = _mm512_dpbusd_epi32(init, q, xv);
      const __m512 sc = _mm512_mul_ps(_mm512_permutexvar_ps(quarter, _mm512_castps128_ps512(scales2(p, Q4_0_BYTES))), xd);
      acc[r] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), sc, acc[r]);
    }
  }
  const __m256i m4y = _mm256_set1_epi8(0x0F);
  for (int r = 0; r < R; r++) {
    float t = hsum16(acc[r]);
    if (b < nbr) {
      const uint8_t* p = w + r * stride + b * Q4_0_BYTES;
      const __m256i xv = _mm256_loadu_si256((const __m256i*)(a.q + QK32 * b));
      const __m256i q = avx2::nibbles32(_mm_loadu_si128((const __m128i*)(p + 2)), m4y);
      const __m256i dot = dot_us(q, xv, _mm256_set1_epi32(-a.s[b]));
      t += hsum8(_mm256_mul_ps(_mm256_cvtepi32_ps(dot), _mm256_set1_ps(_cvtsh_ss(load_u16(p)) * a.d[b])));
    }
    y[r] = t;
  }
}
#else
template <int R>
TH_T static inline void tile_q8_0(const uint8_t* w, int64_t nbr, const ActQ8& a, float* y) {
  __m256 acc[R];
  for (int r = 0; r < R; r++) acc[r] = _mm256_setzero_ps();
  const int64_t stride = nbr * Q8_0_BYTES;
  for (int64_t b = 0; b < nbr; b++) {
    const __m256i xv = _mm256_loadu_si256((const __m256i*)(a.q + QK32 * b));
    const float xd = a.d[b];
#if TH_VNNI
    // (w + 128) is unsigned; Σ(w+128)·x − 128·Σx = Σw·x: 8 lanes start at −16·Σx.
    const __m256i init = _mm256_set1_epi32(-16 * a.s[b]);
#endif
    for (int r = 0; r < R; r++) {
      const uint8_t* p = w + r * stride + b * Q8_0_BYTES;
      _mm_prefetch((const char*)(p + TH_PREFETCH), _MM_HINT_T0);
      const __m256i wv = _mm256_loadu_si256((const __m256i*)(p + 2));
#if TH_VNNI
      const __m256i dot = dot_us(_mm256_xor_si256(wv, _mm256_set1_epi8((char)0x80)), xv, init);
#else
      // ggml's sign trick (vpmaddubsw would saturate on w + 128): |w| · (x with w's sign).
      const __m256i dot = dot_us(_mm256_sign_epi8(wv, wv), _mm256_sign_epi8(xv, wv), _mm256_setzero_si256());
#endif
      acc[r] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dot), _mm256_set1_ps(_cvtsh_ss(load_u16(p)) * xd), acc[r]);
    }
  }
  for (int r = 0; r < R; r++) y[r] = hsum8(acc[r]);
}

template <int R>
TH_T static inline void tile_q4_0(const uint8_t* w, int64_t nbr, const ActQ8& a, float* y) {
  const __m256i m4 = _mm256_set1_epi8(0x0F);
  __m256 acc[R];
  for (int r = 0; r < R; r++) acc[r] = _mm256_setzero_ps();
  const int64_t stride = nbr * Q4_0_BYTES;
  for (int64_t b = 0; b < nbr; b++) {
    const __m256i xv = _mm256_loadu_si256((const __m256i*)(a.q + QK32 * b));
    const float xd = a.d[b];
    // Σ(q−8)·x = Σq·x − 8·Σx: the 8 lanes start at −Σx each.
    const __m256i init = _mm256_set1_epi32(-a.s[b]);
    for (int r = 0; r < R; r++) {
      const uint8_t* p = w + r * stride + b * Q4_0_BYTES;
      _mm_prefetch((const char*)(p + TH_PREFETCH), _MM_HINT_T0);
      const __m256i q = avx2::nibbles32(_mm_loadu_si128((const __m128i*)(p + 2)), m4);
      const __m256i dot = dot_us(q, xv, init);
      acc[r] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dot), _mm256_set1_ps(_cvtsh_ss(load_u16(p)) * xd), acc[r]);
    }
  }
  for (int r = 0; r < R; r++) y[r] = hsum8(acc[r]);
}

#endif

// Q4_K with Q8_K activations (one scale per 256, Σq per 32-sub-block in
// a.s): per block the integer Σ_s sc_s·dot_s (vpmaddubsw, then vpmaddwd by
// the 6-bit scale broadcast from one vector of the 8 scales) and the mins
// term Σ_s m_s·bsum_s (one vpmaddwd), then two f32 multiply-adds.
// The 12 packed 6-bit scale/min bytes as [8 scales | 8 mins] bytes
// (ggml's get_scale_min_k4), in-register: two pshufb, masks and shifts
// (the 16-byte load stays inside the block: the quants follow).
TH_T static inline __m128i q4k_scales_mins(const uint8_t* sc) {
  const __m128i v = _mm_loadu_si128((const __m128i*)sc);
  const __m128i L = _mm_shuffle_epi8(v, _mm_setr_epi8(0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7, 8, 9, 10, 11));
  const __m128i H = _mm_shuffle_epi8(v, _mm_setr_epi8(-1, -1, -1, -1, 0, 1, 2, 3, -1, -1, -1, -1, 4, 5, 6, 7));
  const __m128i low = _mm_or_si128(_mm_and_si128(L, _mm_setr_epi8(63, 63, 63, 63, 15, 15, 15, 15, 63, 63, 63, 63, 0, 0, 0, 0)),
                                   _mm_and_si128(_mm_srli_epi16(L, 4), _mm_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 15, 15, 15, 15)));
  return _mm_or_si128(low, _mm_and_si128(_mm_srli_epi16(H, 2), _mm_set1_epi8(0x30)));
}
TH_T static inline float hsum4(__m128 s) {
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}
// pshufb control broadcasting int16 element e of a 128-bit lane.
#define TH_BCAST16(e) ((char)(2 * (e) + 1) << 8 | (char)(2 * (e)))

#if TH_VNNI
// 512-bit: a zmm of 64 weight bytes holds sub-blocks (2k, 2k+1) and
// (2k+2, 2k+3) as nibbles, so its low nibbles are [sb 2k | sb 2k+2]; the
// activations are rearranged once per call to match (per 256-block, 32-byte
// chunks in the order 0 2 1 3 4 6 5 7). a.q here is that rearranged copy.
template <int R>
TH_T static inline void tile_q4_k(const uint8_t* w, int64_t nbr, const ActQ8& a, float* y) {
  const __m512i m4 = _mm512_set1_epi8(0x0F);
  // Per 128-bit lane: which sub-block's scale (zmm 0 low: 0,0,2,2; high: 1,1,3,3; zmm 1: +4).
  const __m512i c0 = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_set1_epi16(TH_BCAST16(0))),
                                         _mm256_set1_epi16(TH_BCAST16(2)), 1);
  const __m512i one16 = _mm512_set1_epi16(0x0202);  // +1 element: bytes +2
  const __m512i four16 = _mm512_set1_epi16(0x0808);  // +4 elements
  const __m512i c1 = _mm512_add_epi8(c0, one16), c2 = _mm512_add_epi8(c0, four16), c3 = _mm512_add_epi8(c2, one16);
  __m512 acc[R];
  __m128 accm[R];
  for (int r = 0; r < R; r++) acc[r] = _mm512_setzero_ps(), accm[r] = _mm_setzero_ps();
  const int64_t stride = nbr * Q4_K_BYTES;
  for (int64_t b = 0; b < nbr; b++) {
    const int8_t* xq = a.q + QK_K * b;
    const __m512i x0 = _mm512_loadu_si512((const void*)xq), x1 = _mm512_loadu_si512((const void*)(xq + 64));
    const __m512i x2 = _mm512_loadu_si512((const void*)(xq + 128)), x3 = _mm512_loadu_si512((const void*)(xq + 192));
    const __m128i bs16 = _mm_packs_epi32(_mm_loadu_si128((const __m128i*)(a.s + 8 * b)),
                                         _mm_loadu_si128((const __m128i*)(a.s + 8 * b + 4)));
    const __m128 xd = _mm_set1_ps(a.d[b]);
    for (int r = 0; r < R; r++) {
      const uint8_t* p = w + r * stride + b * Q4_K_BYTES;
      _mm_prefetch((const char*)(p + TH_PREFETCH), _MM_HINT_T0);
      _mm_prefetch((const char*)(p + TH_PREFETCH + 64), _MM_HINT_T0);
      _mm_prefetch((const char*)(p + TH_PREFETCH + 128), _MM_HINT_T0);
      const __m128i sm = q4k_scales_mins(p + 4);
      const __m512i sc = _mm512_broadcast_i32x4(_mm_cvtepu8_epi16(sm));
      const __m128i prodm = _mm_madd_epi16(_mm_cvtepu8_epi16(_mm_srli_si128(sm, 8)), bs16);
      const __m512i v0 = _mm512_loadu_si512((const void*)(p + 16)), v1 = _mm512_loadu_si512((const void*)(p + 80));
      __m512i sumi = _mm512_dpwssd_epi32(_mm512_setzero_si512(), _mm512_maddubs_epi16(_mm512_and_si512(v0, m4), x0),
                                         _mm512_shuffle_epi8(sc, c0));
      sumi = _mm512_dpwssd_epi32(sumi, _mm512_maddubs_epi16(_mm512_and_si512(_mm512_srli_epi16(v0, 4), m4), x1),
                                 _mm512_shuffle_epi8(sc, c1));
      sumi = _mm512_dpwssd_epi32(sumi, _mm512_maddubs_epi16(_mm512_and_si512(v1, m4), x2), _mm512_shuffle_epi8(sc, c2));
      sumi = _mm512_dpwssd_epi32(sumi, _mm512_maddubs_epi16(_mm512_and_si512(_mm512_srli_epi16(v1, 4), m4), x3),
                                 _mm512_shuffle_epi8(sc, c3));
      // [d, dmin]·xd in lanes 0, 1.
      const __m128 dd = _mm_mul_ps(_mm_cvtph_ps(_mm_cvtsi32_si128((int)load_u32(p))), xd);
      acc[r] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sumi), _mm512_broadcastss_ps(dd), acc[r]);
      accm[r] = _mm_fmadd_ps(_mm_cvtepi32_ps(prodm), _mm_shuffle_ps(dd, dd, 0x55), accm[r]);
    }
  }
  for (int r = 0; r < R; r++) y[r] = hsum16(acc[r]) - hsum4(accm[r]);
}
#else
template <int R>
TH_T static inline void tile_q4_k(const uint8_t* w, int64_t nbr, const ActQ8& a, float* y) {
  const __m256i m4 = _mm256_set1_epi8(0x0F);
  __m256 acc[R];
  __m128 accm[R];
  for (int r = 0; r < R; r++) acc[r] = _mm256_setzero_ps(), accm[r] = _mm_setzero_ps();
  const int64_t stride = nbr * Q4_K_BYTES;
  for (int64_t b = 0; b < nbr; b++) {
    const int8_t* xq = a.q + QK_K * b;
    const __m128i bs16 = _mm_packs_epi32(_mm_loadu_si128((const __m128i*)(a.s + 8 * b)),
                                         _mm_loadu_si128((const __m128i*)(a.s + 8 * b + 4)));
    const __m128 xd = _mm_set1_ps(a.d[b]);
    for (int r = 0; r < R; r++) {
      const uint8_t* p = w + r * stride + b * Q4_K_BYTES;
      _mm_prefetch((const char*)(p + TH_PREFETCH), _MM_HINT_T0);
      _mm_prefetch((const char*)(p + TH_PREFETCH + 64), _MM_HINT_T0);
      _mm_prefetch((const char*)(p + TH_PREFETCH + 128), _MM_HINT_T0);
      const __m128i sm = q4k_scales_mins(p + 4);
      const __m256i sc = _mm256_broadcastsi128_si256(_mm_cvtepu8_epi16(sm));
      const __m128i prodm = _mm_madd_epi16(_mm_cvtepu8_epi16(_mm_srli_si128(sm, 8)), bs16);
      __m256i sumi = _mm256_setzero_si256();
#define TH_Q4K_STEP(k)                                                                                        \
  {                                                                                                           \
    const __m256i v = _mm256_loadu_si256((const __m256i*)(p + 16 + 32 * (k)));                               \
    const __m256i lo = _mm256_maddubs_epi16(_mm256_and_si256(v, m4), _mm256_loadu_si256((const __m256i*)(xq + 64 * (k)))); \
    const __m256i hi = _mm256_maddubs_epi16(_mm256_and_si256(_mm256_srli_epi16(v, 4), m4),                  \
                                            _mm256_loadu_si256((const __m256i*)(xq + 64 * (k) + 32)));        \
    sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(lo, _mm256_shuffle_epi8(sc, _mm256_set1_epi16(TH_BCAST16(2 * (k)))))); \
    sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(hi, _mm256_shuffle_epi8(sc, _mm256_set1_epi16(TH_BCAST16(2 * (k) + 1))))); \
  }
      TH_Q4K_STEP(0) TH_Q4K_STEP(1) TH_Q4K_STEP(2) TH_Q4K_STEP(3)
#undef TH_Q4K_STEP
      const __m128 dd = _mm_mul_ps(_mm_cvtph_ps(_mm_cvtsi32_si128((int)load_u32(p))), xd);
      acc[r] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sumi), _mm256_broadcastss_ps(dd), acc[r]);
      accm[r] = _mm_fmadd_ps(_mm_cvtepi32_ps(prodm), _mm_shuffle_ps(dd, dd, 0x55), accm[r]);
    }
  }
  for (int r = 0; r < R; r++) y[r] = hsum8(acc[r]) - hsum4(accm[r]);
}
#endif
#undef TH_BCAST16

// Row tiles of 4 (then single rows); inside a tile, every activation vector.
#define TH_MATMUL(NAME, TILE, KIND, BYTES)                                                                 \
  TH_T int64_t NAME(const uint8_t* w, int64_t rows, int64_t nbr, const ActQ8* x, int64_t batch, float* y) { \
    const int64_t stride = nbr * (BYTES);                                                                   \
    float t[4];                                                                                             \
    int64_t r = 0;                                                                                          \
    for (; r + 4 <= rows; r += 4)                                                                           \
      for (int64_t j = 0; j < batch; j++) {                                                                 \
        TILE<4>(w + r * stride, nbr, x[j], t);                                                              \
        for (int k = 0; k < 4; k++) y[j * rows + r + k] = t[k];                                             \
      }                                                                                                     \
    for (; r < rows; r++)                                                                                   \
      for (int64_t j = 0; j < batch; j++) TILE<1>(w + r * stride, nbr, x[j], &y[j * rows + r]);             \
    for (int64_t i = 0; i < rows * batch; i++)                                                              \
      if (!std::isfinite(y[i])) return first_bad_scale(KIND, w, rows, nbr, y, batch);                       \
    return 0;                                                                                               \
  }

TH_MATMUL(mq_q8_0, tile_q8_0, K_Q8_0, Q8_0_BYTES)
TH_MATMUL(mq_q4_0, tile_q4_0, K_Q4_0, Q4_0_BYTES)
#if TH_VNNI
TH_MATMUL(mq_q4_k_tiles, tile_q4_k, K_Q4_K, Q4_K_BYTES)
// Rearranges each activation vector's 32-byte chunks (0 2 1 3 4 6 5 7 per
// 256-block) for tile_q4_k, then runs the tiles.
TH_T int64_t mq_q4_k(const uint8_t* w, int64_t rows, int64_t nbr, const ActQ8* x, int64_t batch, float* y) {
  static const int kOrder[8] = {0, 2, 1, 3, 4, 6, 5, 7};
  const int64_t cols = nbr * QK_K;
  std::vector<int8_t> q((size_t)(batch * cols));
  std::vector<ActQ8> acts(x, x + batch);
  for (int64_t j = 0; j < batch; j++) {
    int8_t* dst = q.data() + j * cols;
    for (int64_t b = 0; b < nbr; b++)
      for (int k = 0; k < 8; k++) std::memcpy(dst + QK_K * b + 32 * k, x[j].q + QK_K * b + 32 * kOrder[k], 32);
    acts[j].q = dst;
  }
  return mq_q4_k_tiles(w, rows, nbr, acts.data(), batch, y);
}
#else
TH_MATMUL(mq_q4_k, tile_q4_k, K_Q4_K, Q4_K_BYTES)
#endif
#undef TH_MATMUL

}  // namespace TH_NS
}  // namespace th
