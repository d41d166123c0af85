// Q4_0 with 8-bit activations, AVX-512 VBMI + VNNI: four 18-byte blocks per
// step. Two overlapping 64-byte loads cover the 72 bytes; one vpermt2b
// gathers the four 16-byte quant runs into a zmm, one vpermb spreads the
// four fp16 scales over the 16 int32 lanes (4 lanes per block). The
// activations are rearranged once per call so that the low nibbles of all
// four blocks meet x[0..15] of each block, the high nibbles x[16..31];
// Σ(q−8)·x = Σq·x − 8·Σx, so each lane starts at −8·Σ of its activations.
// A last 1–3 blocks take the one-block AVX2 step on the plain activations.
#include <cmath>
#include <vector>
#include "common.h"
#include "simd_avx2.h"

#if defined(TH_X86)
#define TH_VBMI __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,avx512vbmi,avx2,fma,f16c")))
namespace th {
namespace avx512vbmi {

namespace {
struct Q40Acts {
  std::vector<int8_t> q;     // per 4 blocks: [x[0..15] of b0..b3][x[16..31] of b0..b3]
  std::vector<int32_t> init;  // per lane: −8·Σ of its 8 activations
  std::vector<float> xd;      // per lane: d of its block
  Q40Acts(const ActQ8* x, int64_t batch, int64_t nbr) {
    const int64_t g = nbr / 4, cols = nbr * QK32;
    q.resize((size_t)(batch * cols));
    init.resize((size_t)(batch * g * 16));
    xd.resize((size_t)(batch * g * 16));
    for (int64_t j = 0; j < batch; j++)
      for (int64_t k = 0; k < g; k++) {
        int8_t* dst = q.data() + j * cols + 128 * k;
        const int8_t* src = x[j].q + 128 * k;
        for (int b = 0; b < 4; b++) {
          std::memcpy(dst + 16 * b, src + 32 * b, 16);
          std::memcpy(dst + 64 + 16 * b, src + 32 * b + 16, 16);
        }
        for (int l = 0; l < 16; l++) {
          int32_t s = 0;
          for (int t = 0; t < 4; t++) s += dst[4 * l + t] + dst[64 + 4 * l + t];
          init[(size_t)(j * g * 16 + 16 * k + l)] = -8 * s;
          xd[(size_t)(j * g * 16 + 16 * k + l)] = x[j].d[4 * k + l / 4];
        }
      }
  }
};
}  // namespace

template <int R>
TH_VBMI static inline void tile(const uint8_t* w, int64_t nbr, const ActQ8& a, const int8_t* xq, const int32_t* init,
                                const float* xd, float* y) {
  const int64_t stride = nbr * Q4_0_BYTES;
  alignas(64) uint8_t iq[64], id[64];
  // Quant byte t of block b sits at 18b + 2 + t of the 72 bytes; past 63 it
  // is read from the second load (which starts at byte 8): index 64 + o − 8.
  for (int b = 0; b < 4; b++)
    for (int t = 0; t < 16; t++) {
      const int o = 18 * b + 2 + t;
      iq[16 * b + t] = (uint8_t)(o < 64 ? o : 64 + o - 8);
    }
  for (int l = 0; l < 16; l++) id[2 * l] = (uint8_t)(18 * (l / 4)), id[2 * l + 1] = (uint8_t)(18 * (l / 4) + 1);
  for (int l = 32; l < 64; l++) id[l] = 0;
  const __m512i idxq = _mm512_load_si512((const void*)iq), idxd = _mm512_load_si512((const void*)id);
  const __m512i m4 = _mm512_set1_epi8(0x0F);
  __m512 acc[R];
  for (int r = 0; r < R; r++) acc[r] = _mm512_setzero_ps();
  const int64_t g = nbr / 4;
  for (int64_t k = 0; k < g; k++) {
    const __m512i xl = _mm512_loadu_si512((const void*)(xq + 128 * k)), xh = _mm512_loadu_si512((const void*)(xq + 128 * k + 64));
    const __m512i i0 = _mm512_loadu_si512((const void*)(init + 16 * k));
    const __m512 xd16 = _mm512_loadu_ps(xd + 16 * k);
    for (int r = 0; r < R; r++) {
      const uint8_t* p = w + r * stride + 72 * k;
      _mm_prefetch((const char*)(p + 1024), _MM_HINT_T0);
      _mm_prefetch((const char*)(p + 1024 + 64), _MM_HINT_T0);
      const __m512i A = _mm512_loadu_si512((const void*)p), B = _mm512_loadu_si512((const void*)(p + 8));
      const __m512i qs = _mm512_permutex2var_epi8(A, idxq, B);
      __m512i dot = _mm512_dpbusd_epi32(i0, _mm512_and_si512(qs, m4), xl);
      dot = _mm512_dpbusd_epi32(dot, _mm512_and_si512(_mm512_srli_epi16(qs, 4), m4), xh);
      const __m512 ws = _mm512_cvtph_ps(_mm512_castsi512_si256(_mm512_permutexvar_epi8(idxd, A)));
      acc[r] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), _mm512_mul_ps(ws, xd16), acc[r]);
    }
  }
  const __m256i m4y = _mm256_set1_epi8(0x0F);
  for (int r = 0; r < R; r++) {
    const __m512 hi = _mm512_shuffle_f32x4(acc[r], acc[r], _MM_SHUFFLE(3, 2, 3, 2));
    __m256 t = _mm256_add_ps(_mm512_castps512_ps256(acc[r]), _mm512_castps512_ps256(hi));
    for (int64_t b = 4 * g; b < nbr; b++) {
      const uint8_t* p = w + r * stride + b * Q4_0_BYTES;
      const __m256i xv = _mm256_loadu_si256((const __m256i*)(a.q + QK32 * b));
      const __m256i q = avx2::nibbles32(_mm_loadu_si128((const __m128i*)(p + 2)), m4y);
      const __m256i dot = _mm256_dpbusd_epi32(_mm256_set1_epi32(-a.s[b]), q, xv);
      t = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dot), _mm256_set1_ps(_cvtsh_ss(load_u16(p)) * a.d[b]), t);
    }
    y[r] = avx2::hsum(t);
  }
}

TH_VBMI int64_t mq_q4_0(const uint8_t* w, int64_t rows, int64_t nbr, const ActQ8* x, int64_t batch, float* y) {
  const Q40Acts acts(x, batch, nbr);
  const int64_t stride = nbr * Q4_0_BYTES, cols = nbr * QK32, lanes = (nbr / 4) * 16;
  float t[4];
  int64_t r = 0;
  for (; r + 4 <= rows; r += 4)
    for (int64_t j = 0; j < batch; j++) {
      tile<4>(w + r * stride, nbr, x[j], acts.q.data() + j * cols, acts.init.data() + j * lanes, acts.xd.data() + j * lanes, t);
      for (int k = 0; k < 4; k++) y[j * rows + r + k] = t[k];
    }
  for (; r < rows; r++)
    for (int64_t j = 0; j < batch; j++)
      tile<1>(w + r * stride, nbr, x[j], acts.q.data() + j * cols, acts.init.data() + j * lanes, acts.xd.data() + j * lanes,
              &y[j * rows + r]);
  for (int64_t i = 0; i < rows * batch; i++)
    if (!std::isfinite(y[i])) return first_bad_scale(K_Q4_0, w, rows, nbr, y, batch);
  return 0;
}

}  // namespace avx512vbmi
}  // namespace th
#endif
