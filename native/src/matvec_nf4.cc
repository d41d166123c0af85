// NF4 fused product with 8-bit activations (ggml's IQ4_NL trick): the 16
// NF4 codes become the int8 codebook kNf4I8 (code·127, rounded), looked up
// with pshufb, and dotted against the activations quantized to 8 bits per
// 32 (act_q8.cc) with integer dot products; each 8-element lane is then
// scaled by absmax/127·x_d in f32. bitsandbytes packs element 2k in the high
// nibble, so the activations are rearranged once per call (nf4_arrange) into
// even/odd halves that line up with the high/low nibbles of the code bytes.
#include <vector>
#include "common.h"
#include "dispatch.h"
#include "matvec_fused.h"
#include "simd_avx2.h"

namespace th {

namespace {
// Walks the absmax index of consecutive 64-element chunks (bs % 64 == 0).
struct AbsWalk {
  const float* absmax;
  int64_t idx, rem, per;  // per = 64-chunks per block
  AbsWalk(const float* a, int64_t bs, int64_t chunk0) : absmax(a), idx(chunk0 / (bs / 64)), rem(chunk0 % (bs / 64)), per(bs / 64) {}
  inline float next() {
    const float v = absmax[idx];
    if (++rem == per) rem = 0, idx++;
    return v;
  }
};

// Per activation vector: arranged q, lane init terms and lane scales.
struct Nf4Acts {
  std::vector<int8_t> q;
  std::vector<int32_t> init;
  std::vector<float> xs;
  Nf4Acts(const ActQ8* x, int64_t batch, int64_t cols, int W)
      : q((size_t)(batch * cols)), init((size_t)(batch * cols / 8)), xs((size_t)(batch * cols / 8)) {
    for (int64_t j = 0; j < batch; j++) {
      nf4_arrange(x[j].q, cols, W, q.data() + j * cols);
      nf4_lane_terms(x[j], cols, init.data() + j * cols / 8, xs.data() + j * cols / 8);
    }
  }
};
}  // namespace

#if defined(TH_X86)
namespace avx2 {

TH_AVX2 void mq_nf4(const uint8_t* codes, const float* absmax, int64_t bs, int64_t rows, int64_t cols, const ActQ8* x,
                    int64_t batch, float* y) {
  const Nf4Acts acts(x, batch, cols, 64);
  const __m256i tab = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i*)kNf4I8));
  const __m256i m4 = _mm256_set1_epi8(0x0F), ones = _mm256_set1_epi16(1);
  for (int64_t r = 0; r < rows; r++) {
    const uint8_t* p = codes + r * cols / 2;
    for (int64_t j = 0; j < batch; j++) {
      const int8_t* xq = acts.q.data() + j * cols;
      const float* xs = acts.xs.data() + j * cols / 8;
      AbsWalk aw(absmax, bs, r * cols / 64);
      __m256 acc = _mm256_setzero_ps();
      for (int64_t c = 0; c < cols; c += 64) {
        _mm_prefetch((const char*)(p + c / 2 + 512), _MM_HINT_T0);
        const __m256i v = _mm256_loadu_si256((const __m256i*)(p + c / 2));
        const __m256i ce = _mm256_shuffle_epi8(tab, _mm256_and_si256(_mm256_srli_epi16(v, 4), m4));
        const __m256i co = _mm256_shuffle_epi8(tab, _mm256_and_si256(v, m4));
        const __m256i xe = _mm256_loadu_si256((const __m256i*)(xq + c));
        const __m256i xo = _mm256_loadu_si256((const __m256i*)(xq + c + 32));
        // ggml's sign trick: |c|·(x with c's sign); each pair sum fits int16.
        const __m256i pe = _mm256_maddubs_epi16(_mm256_sign_epi8(ce, ce), _mm256_sign_epi8(xe, ce));
        const __m256i po = _mm256_maddubs_epi16(_mm256_sign_epi8(co, co), _mm256_sign_epi8(xo, co));
        const __m256i dot = _mm256_add_epi32(_mm256_madd_epi16(pe, ones), _mm256_madd_epi16(po, ones));
        const __m256 sc = _mm256_mul_ps(_mm256_set1_ps(aw.next()), _mm256_loadu_ps(xs + c / 8));
        acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dot), sc, acc);
      }
      y[j * rows + r] = hsum(acc);
    }
  }
}

}  // namespace avx2

namespace avx512vnni {

// One 128-element step (64 code bytes); the codebook is stored +127 as
// unsigned bytes for vpdpbusd, whose lanes start at −127·Σx (init).
template <bool BS64>
TH_AVX512VNNI static inline void nf4_row(const uint8_t* p, AbsWalk& aw, int64_t cols, const int8_t* xq,
                                          const int32_t* init, const float* xs, float* out) {
  const __m512i tab = _mm512_broadcast_i32x4(_mm_add_epi8(_mm_loadu_si128((const __m128i*)kNf4I8), _mm_set1_epi8(127)));
  const __m512i m4 = _mm512_set1_epi8(0x0F);
  const __m512i halves = _mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);
  __m512 acc = _mm512_setzero_ps();
  int64_t c = 0;
  for (; c + 128 <= cols; c += 128) {
    _mm_prefetch((const char*)(p + c / 2 + 1024), _MM_HINT_T0);
    __m128 ab;
    if (BS64) {
      ab = _mm_castpd_ps(_mm_load_sd((const double*)(aw.absmax + aw.idx)));
      aw.idx += 2;
    } else {
      const float a0 = aw.next();
      ab = _mm_setr_ps(a0, aw.next(), 0, 0);
    }
    const __m512i v = _mm512_loadu_si512((const void*)(p + c / 2));
    const __m512i ce = _mm512_shuffle_epi8(tab, _mm512_and_si512(_mm512_srli_epi16(v, 4), m4));
    const __m512i co = _mm512_shuffle_epi8(tab, _mm512_and_si512(v, m4));
    __m512i dot = _mm512_dpbusd_epi32(_mm512_loadu_si512((const void*)(init + c / 8)), ce,
                                      _mm512_loadu_si512((const void*)(xq + c)));
    dot = _mm512_dpbusd_epi32(dot, co, _mm512_loadu_si512((const void*)(xq + c + 64)));
    const __m512 sc = _mm512_mul_ps(_mm512_permutexvar_ps(halves, _mm512_castps128_ps512(ab)), _mm512_loadu_ps(xs + c / 8));
    acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), sc, acc);
  }
  __m256 t = _mm256_add_ps(_mm512_castps512_ps256(acc), _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(acc), 1)));
  if (c < cols) {  // a last 64-element chunk
    const __m256i v = _mm256_loadu_si256((const __m256i*)(p + c / 2));
    const __m256i m4y = _mm256_set1_epi8(0x0F), taby = _mm512_castsi512_si256(tab);
    const __m256i ce = _mm256_shuffle_epi8(taby, _mm256_and_si256(_mm256_srli_epi16(v, 4), m4y));
    const __m256i co = _mm256_shuffle_epi8(taby, _mm256_and_si256(v, m4y));
    __m256i dot = _mm256_dpbusd_epi32(_mm256_loadu_si256((const __m256i*)(init + c / 8)), ce,
                                      _mm256_loadu_si256((const __m256i*)(xq + c)));
    dot = _mm256_dpbusd_epi32(dot, co, _mm256_loadu_si256((const __m256i*)(xq + c + 32)));
    const float a = BS64 ? aw.absmax[aw.idx++] : aw.next();
    t = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dot), _mm256_mul_ps(_mm256_set1_ps(a), _mm256_loadu_ps(xs + c / 8)), t);
  }
  *out = avx2::hsum(t);
}

TH_AVX512VNNI void mq_nf4(const uint8_t* codes, const float* absmax, int64_t bs, int64_t rows, int64_t cols,
                          const ActQ8* x, int64_t batch, float* y) {
  const Nf4Acts acts(x, batch, cols, 128);
  for (int64_t r = 0; r < rows; r++) {
    const uint8_t* p = codes + r * cols / 2;
    for (int64_t j = 0; j < batch; j++) {
      AbsWalk aw(absmax, bs, r * cols / 64);
      const int8_t* xq = acts.q.data() + j * cols;
      const int32_t* init = acts.init.data() + j * cols / 8;
      const float* xs = acts.xs.data() + j * cols / 8;
      if (bs == 64) nf4_row<true>(p, aw, cols, xq, init, xs, &y[j * rows + r]);
      else nf4_row<false>(p, aw, cols, xq, init, xs, &y[j * rows + r]);
    }
  }
}

}  // namespace avx512vnni
#endif

Nf4MatmulQ8Fn nf4_q8_kernel(int level) {
#if defined(TH_X86)
  if (level == 3) {
    static const bool vnni = (__builtin_cpu_init(), __builtin_cpu_supports("avx512vnni"));
    return vnni ? avx512vnni::mq_nf4 : avx2::mq_nf4;
  }
  if (level == 2) return avx2::mq_nf4;
#endif
  (void)level;
  return scalar::mq_nf4;
}

}  // namespace th
