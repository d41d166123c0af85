// Scalar fused mat-vec: y = W·x straight from the compressed rows, f32
// activations (not quantized). Per block: s = sum(q·x), then acc += s·d, the
// same grouping as ggml's vec_dot, so it differs from decode-then-multiply
// only by float rounding (tested within 0.02 relative, ggml's vec_dot limit).
#include "common.h"
#include "scalar.h"
#include <cmath>

namespace th {
namespace scalar {

int64_t mv_q8_0(const uint8_t* w, int64_t rows, int64_t nbr, const float* x, float* y) {
  for (int64_t r = 0; r < rows; r++) {
    float acc = 0;
    for (int64_t b = 0; b < nbr; b++, w += Q8_0_BYTES) {
      const uint16_t h = load_u16(w);
      if (f16_nonfinite(h)) return r * nbr + b + 1;
      const float* xb = x + b * QK32;
      float s = 0;
      for (int j = 0; j < QK32; j++) s += (float)(int8_t)w[2 + j] * xb[j];
      acc += s * f16_to_f32(h);
    }
    y[r] = acc;
  }
  return 0;
}

int64_t mv_q4_0(const uint8_t* w, int64_t rows, int64_t nbr, const float* x, float* y) {
  for (int64_t r = 0; r < rows; r++) {
    float acc = 0;
    for (int64_t b = 0; b < nbr; b++, w += Q4_0_BYTES) {
      const uint16_t h = load_u16(w);
      if (f16_nonfinite(h)) return r * nbr + b + 1;
      const float* xb = x + b * QK32;
      float s = 0;
      for (int j = 0; j < 16; j++) {
        s += (float)((w[2 + j] & 0xF) - 8) * xb[j];
        s += (float)((w[2 + j] >> 4) - 8) * xb[j + 16];
      }
      acc += s * f16_to_f32(h);
    }
    y[r] = acc;
  }
  return 0;
}

int64_t mv_q4_k(const uint8_t* w, int64_t rows, int64_t nbr, const float* x, float* y) {
  for (int64_t r = 0; r < rows; r++) {
    float acc = 0;
    for (int64_t b = 0; b < nbr; b++, w += Q4_K_BYTES) {
      const uint16_t hd = load_u16(w), hm = load_u16(w + 2);
      if (f16_nonfinite(hd) || f16_nonfinite(hm)) return r * nbr + b + 1;
      const float d = f16_to_f32(hd), dmin = f16_to_f32(hm);
      const uint8_t* q = w + 16;
      const float* xb = x + b * QK_K;
      for (int is = 0; is < 8; is += 2, q += 32, xb += 64) {
        uint8_t s1, m1, s2, m2;
        scale_min_k4(is, w + 4, &s1, &m1);
        scale_min_k4(is + 1, w + 4, &s2, &m2);
        float qx1 = 0, sx1 = 0, qx2 = 0, sx2 = 0;
        for (int l = 0; l < 32; l++) {
          qx1 += (float)(q[l] & 0xF) * xb[l];
          sx1 += xb[l];
          qx2 += (float)(q[l] >> 4) * xb[32 + l];
          sx2 += xb[32 + l];
        }
        acc += d * s1 * qx1 - dmin * m1 * sx1 + d * s2 * qx2 - dmin * m2 * sx2;
      }
    }
    y[r] = acc;
  }
  return 0;
}

void mv_nf4(const uint8_t* codes, const float* absmax, int64_t bs, int64_t rows, int64_t cols,
            const float* x, float* y) {
  for (int64_t r = 0; r < rows; r++) {
    float acc = 0;
    const int64_t base = r * cols;  // flat index i is column i − base
    int64_t i = base;
    const int64_t end = i + cols;
    while (i < end) {
      const int64_t b = i / bs;
      const int64_t stop = (b + 1) * bs < end ? (b + 1) * bs : end;
      float s = 0;
            for (; i < stop; i += 2) {  // i even: cols and bs are even
        const uint8_t byte = codes[i >> 1];
        s += kNf4Code[byte >> 4] * x[i - base] + kNf4Code[byte & 15] * x[i - base + 1];
      }
      acc += s * absmax[b];
    }
    y[r] = acc;
  }
}

}  // namespace scalar
}  // namespace th
