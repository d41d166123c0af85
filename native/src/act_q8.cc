// 8-bit activation quantization for the fused kernels (ggml's Q8_0 recipe:
// per 32-element block d = max|x|/127, q = round-to-nearest-even(x/d)), the
// lazy bad-scale scan, and the scalar integer-dot kernels. One quantizer
// for every level, so all levels see the same int8 activations.
#include "common.h"
#include "matvec_fused.h"
#include "scalar.h"
#include <cmath>

namespace th {

bool quantize_act_q8(const float* x, int64_t nb, int8_t* q, float* d, int32_t* s, float* ds) {
  for (int64_t b = 0; b < nb; b++, x += QK32, q += QK32) {
    float amax = 0;
    bool finite = true;
    for (int j = 0; j < QK32; j++) {
      const float a = std::fabs(x[j]);
      finite &= a <= 3.4028234663852886e38f;  // false for NaN and Inf
      amax = a > amax ? a : amax;
    }
    if (!finite) return false;
    const float dd = amax / 127.0f;
    const float id = dd != 0 ? 1.0f / dd : 0.0f;
    int32_t sum = 0;
    for (int j = 0; j < QK32; j++) {
      const int v = (int)std::nearbyint(x[j] * id);  // |v| <= 127
      q[j] = (int8_t)v;
      sum += v;
    }
    d[b] = dd;
    s[b] = sum;
    ds[b] = dd * (float)sum;
  }
  return true;
}

bool quantize_act_q8k(const float* x, int64_t nb, int8_t* q, float* d, int32_t* s) {
  for (int64_t b = 0; b < nb; b++, x += QK_K, q += QK_K) {
    float amax = 0;
    bool finite = true;
    for (int j = 0; j < QK_K; j++) {
      const float a = std::fabs(x[j]);
      finite &= a <= 3.4028234663852886e38f;
      amax = a > amax ? a : amax;
    }
    if (!finite) return false;
    const float dd = amax / 127.0f;
    const float id = dd != 0 ? 1.0f / dd : 0.0f;
    for (int sb = 0; sb < 8; sb++) {
      int32_t sum = 0;
      for (int j = 32 * sb; j < 32 * sb + 32; j++) {
        const int v = (int)std::nearbyint(x[j] * id);  // |v| <= 127
        q[j] = (int8_t)v;
        sum += v;
      }
      s[8 * b + sb] = sum;
    }
    d[b] = dd;
  }
  return true;
}

int64_t first_bad_scale(int kind, const uint8_t* w, int64_t rows, int64_t nbr, const float* y, int64_t batch) {
  int bytes, off0, off1;
  switch (kind) {
    case K_Q8_0: bytes = Q8_0_BYTES; off0 = off1 = 0; break;
    case K_Q4_0: bytes = Q4_0_BYTES; off0 = off1 = 0; break;
    case K_Q4_K: bytes = Q4_K_BYTES; off0 = 0; off1 = 2; break;
    default: return 0;
  }
  for (int64_t r = 0; r < rows; r++) {
    bool finite = true;
    for (int64_t j = 0; j < batch; j++) finite &= std::isfinite(y[j * rows + r]);
    if (finite) continue;
    const uint8_t* p = w + r * nbr * bytes;
    for (int64_t b = 0; b < nbr; b++, p += bytes)
      if (f16_nonfinite(load_u16(p + off0)) || f16_nonfinite(load_u16(p + off1))) return r * nbr + b + 1;
  }
  return 0;
}

namespace scalar {

// Q4_K's scales and mins for the 8 sub-blocks, as ggml unpacks them.
static inline void q4k_scales(const uint8_t* sc, uint8_t* s8, uint8_t* m8) {
  for (int j = 0; j < 8; j++) scale_min_k4(j, sc, &s8[j], &m8[j]);
}

int64_t mq_q8_0(const uint8_t* w, int64_t rows, int64_t nbr, const ActQ8* x, int64_t batch, float* y) {
  for (int64_t r = 0; r < rows; r++) {
    const uint8_t* row = w + r * nbr * Q8_0_BYTES;
    for (int64_t j = 0; j < batch; j++) {
      const ActQ8& a = x[j];
      float acc = 0;
      const uint8_t* p = row;
      for (int64_t b = 0; b < nbr; b++, p += Q8_0_BYTES) {
        int32_t dot = 0;
        for (int k = 0; k < QK32; k++) dot += (int8_t)p[2 + k] * a.q[b * QK32 + k];
        acc += (float)dot * (f16_to_f32(load_u16(p)) * a.d[b]);
      }
      y[j * rows + r] = acc;
    }
  }
  return first_bad_scale(K_Q8_0, w, rows, nbr, y, batch);
}

int64_t mq_q4_0(const uint8_t* w, int64_t rows, int64_t nbr, const ActQ8* x, int64_t batch, float* y) {
  for (int64_t r = 0; r < rows; r++) {
    const uint8_t* row = w + r * nbr * Q4_0_BYTES;
    for (int64_t j = 0; j < batch; j++) {
      const ActQ8& a = x[j];
      float acc = 0;
      const uint8_t* p = row;
      for (int64_t b = 0; b < nbr; b++, p += Q4_0_BYTES) {
        const int8_t* xq = a.q + b * QK32;
        int32_t dot = -8 * a.s[b];
        for (int k = 0; k < 16; k++) dot += (p[2 + k] & 0xF) * xq[k] + (p[2 + k] >> 4) * xq[k + 16];
        acc += (float)dot * (f16_to_f32(load_u16(p)) * a.d[b]);
      }
      y[j * rows + r] = acc;
    }
  }
  return first_bad_scale(K_Q4_0, w, rows, nbr, y, batch);
}

// Q8_K activations (quantize_act_q8k): per 256-block, all integer up to
// xd·(d·Σ_s sc_s·dot_s − dmin·Σ_s m_s·bsum_s).
int64_t mq_q4_k(const uint8_t* w, int64_t rows, int64_t nbr, const ActQ8* x, int64_t batch, float* y) {
  for (int64_t r = 0; r < rows; r++) {
    const uint8_t* row = w + r * nbr * Q4_K_BYTES;
    for (int64_t j = 0; j < batch; j++) {
      const ActQ8& a = x[j];
      float acc = 0;
      const uint8_t* p = row;
      for (int64_t b = 0; b < nbr; b++, p += Q4_K_BYTES) {
        const float d = f16_to_f32(load_u16(p)), dmin = f16_to_f32(load_u16(p + 2));
        uint8_t s8[8], m8[8];
        q4k_scales(p + 4, s8, m8);
        int32_t sumi = 0, summ = 0;
        for (int sb = 0; sb < 8; sb++) {
          const int8_t* xq = a.q + b * QK_K + QK32 * sb;
          const uint8_t* q = p + 16 + 32 * (sb >> 1);
          const int shift = 4 * (sb & 1);
          int32_t dot = 0;
          for (int k = 0; k < QK32; k++) dot += ((q[k] >> shift) & 0xF) * xq[k];
          sumi += s8[sb] * dot;
          summ += m8[sb] * a.s[b * 8 + sb];
        }
        acc += (d * a.d[b]) * (float)sumi - (dmin * a.d[b]) * (float)summ;
      }
      y[j * rows + r] = acc;
    }
  }
  return first_bad_scale(K_Q4_K, w, rows, nbr, y, batch);
}

// NF4 with the int8 codebook; blocks of 32 never straddle an absmax block
// or a row (bs % 64 == 0, cols % 64 == 0).
void mq_nf4(const uint8_t* codes, const float* absmax, int64_t bs, int64_t rows, int64_t cols, const ActQ8* x,
            int64_t batch, float* y) {
  for (int64_t r = 0; r < rows; r++) {
    for (int64_t j = 0; j < batch; j++) {
      const ActQ8& a = x[j];
      float acc = 0;
      for (int64_t c = 0; c < cols; c += QK32) {
        const int64_t f = r * cols + c;  // flat index
        const uint8_t* p = codes + (f >> 1);
        const int8_t* xq = a.q + c;
        int32_t dot = 0;
        for (int k = 0; k < 16; k++) dot += kNf4I8[p[k] >> 4] * xq[2 * k] + kNf4I8[p[k] & 15] * xq[2 * k + 1];
        acc += (float)dot * (absmax[f / bs] * (a.d[c / QK32] / 127.0f));
      }
      y[j * rows + r] = acc;
    }
  }
}

}  // namespace scalar

const int8_t kNf4I8[16] = {-127, -88, -67, -50, -36, -23, -12, 0, 10, 20, 31, 43, 56, 71, 92, 127};

void nf4_lane_terms(const ActQ8& a, int64_t cols, int32_t* init, float* xs) {
  for (int64_t i = 0; i < cols / 8; i++) {
    int32_t sum = 0;
    for (int k = 0; k < 8; k++) sum += a.q[8 * i + k];
    init[i] = -127 * sum;
    xs[i] = a.d[i / 4] / 127.0f;
  }
}

void nf4_arrange(const int8_t* q, int64_t cols, int W, int8_t* out) {
  for (int64_t c = 0; c < cols;) {
    const int w = cols - c >= W ? W : 64;
    for (int k = 0; k < w / 2; k++) {
      out[c + k] = q[c + 2 * k];
      out[c + w / 2 + k] = q[c + 2 * k + 1];
    }
    c += w;
  }
}

}  // namespace th
