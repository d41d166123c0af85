// Scalar Q4_K / Q6_K quantizers: straight ports of src/codecs/q4_k.ts and
// q6_k.ts (themselves ggml's quantize_row_q4_K_ref / q6_K_ref), every float
// operation in the C order, no FMA (-ffp-contract=off), so the bytes are the
// TS reference's exactly.
#include "common.h"
#include "quant.h"
#include "quant_k.h"
#include "scalar.h"
#include <cmath>

namespace th {
namespace qz {

bool finite_block(const float* x, int n) {
  bool ok = true;
  for (int i = 0; i < n; i++) ok &= std::fabs(x[i]) <= kMaxAbsInput;  // false for NaN
  return ok;
}

float make_qkx2_quants(int n, int nmax, const float* x, const float* w, uint8_t* L, float* the_min,
                       uint8_t* Laux, float rmin, float rdelta, int nstep) {
  float min = x[0], max = x[0];
  float sum_w = w[0];
  float sum_x = sum_w * x[0];
  for (int i = 1; i < n; i++) {
    if (x[i] < min) min = x[i];
    if (x[i] > max) max = x[i];
    sum_w += w[i];
    sum_x += w[i] * x[i];
  }
  if (min > 0) min = 0;
  if (max == min) {
    for (int i = 0; i < n; i++) L[i] = 0;
    *the_min = -min;
    return 0.f;
  }
  float iscale = nmax / (max - min);
  float scale = 1 / iscale;
  float best_error = 0;
  for (int i = 0; i < n; i++) {
    int l = nearest_int(iscale * (x[i] - min));
    l = l < 0 ? 0 : l > nmax ? nmax : l;
    L[i] = (uint8_t)l;
    float diff = scale * L[i] + min - x[i];
    diff = diff * diff;
    best_error += w[i] * diff;
  }
  for (int is = 0; is <= nstep; is++) {
    iscale = (rmin + rdelta * is + nmax) / (max - min);
    float sum_l = 0, sum_l2 = 0, sum_xl = 0;
    for (int i = 0; i < n; i++) {
      int l = nearest_int(iscale * (x[i] - min));
      l = l < 0 ? 0 : l > nmax ? nmax : l;
      Laux[i] = (uint8_t)l;
      const float wl = w[i] * l;
      sum_l += wl;
      sum_l2 += wl * l;
      sum_xl += wl * x[i];
    }
    const float D = sum_w * sum_l2 - sum_l * sum_l;
    if (D > 0) {
      float this_scale = (sum_w * sum_xl - sum_x * sum_l) / D;
      float this_min = (sum_l2 * sum_x - sum_l * sum_xl) / D;
      if (this_min > 0) {
        this_min = 0;
        this_scale = sum_xl / sum_l2;
      }
      float cur_error = 0;
      for (int i = 0; i < n; i++) {
        float diff = this_scale * Laux[i] + this_min - x[i];
        diff = diff * diff;
        cur_error += w[i] * diff;
      }
      if (cur_error < best_error) {
        for (int i = 0; i < n; i++) L[i] = Laux[i];
        best_error = cur_error;
        scale = this_scale;
        min = this_min;  // later candidates are measured from this min (ggml's quirk)
      }
    }
  }
  *the_min = -min;
  return scale;
}

int64_t q4_k_scalar(const float* src, uint8_t* dst, int64_t nb) {
  uint8_t L[QK_K], Laux[32];
  float weights[32], mins[8], scales[8];
  for (int64_t i = 0; i < nb; i++, src += QK_K, dst += Q4_K_BYTES) {
    const float* x = src;
    if (!finite_block(x, QK_K)) return i + 1;
    float max_scale = 0, max_min = 0;
    for (int j = 0; j < 8; j++) {
      float sum_x2 = 0;
      for (int l = 0; l < 32; l++) sum_x2 += x[32 * j + l] * x[32 * j + l];
      const float av_x = std::sqrt(sum_x2 / 32);
      for (int l = 0; l < 32; l++) weights[l] = av_x + std::fabs(x[32 * j + l]);
      scales[j] = make_qkx2_quants(32, 15, x + 32 * j, weights, L + 32 * j, &mins[j], Laux, -1.f, 0.1f, 20);
      if (scales[j] > max_scale) max_scale = scales[j];
      if (mins[j] > max_min) max_min = mins[j];
    }
    if (!q4_k_finish(x, dst, scales, mins, max_scale, max_min, L)) return i + 1;
  }
  return 0;
}

bool q4_k_finish(const float* x, uint8_t* y, const float* scales, const float* mins, float max_scale, float max_min,
                 uint8_t* L) {
  const float inv_scale = max_scale > 0 ? 63.f / max_scale : 0.f;
  const float inv_min = max_min > 0 ? 63.f / max_min : 0.f;
  uint8_t* sc = y + 4;
  std::memset(sc, 0, 12);
  for (int j = 0; j < 8; j++) {
    uint8_t ls = (uint8_t)nearest_int(inv_scale * scales[j]);  // wraps to a byte, then MIN(63, ·)
    uint8_t lm = (uint8_t)nearest_int(inv_min * mins[j]);
    ls = ls < 63 ? ls : 63;
    lm = lm < 63 ? lm : 63;
    if (j < 4) {
      sc[j] = ls;
      sc[j + 4] = lm;
    } else {
      sc[j + 4] = (uint8_t)((ls & 0xF) | ((lm & 0xF) << 4));
      sc[j - 4] |= (uint8_t)((ls >> 4) << 6);
      sc[j] |= (uint8_t)((lm >> 4) << 6);
    }
  }
  const uint16_t dh = scalar::f32_to_f16(max_scale / 63.f), mh = scalar::f32_to_f16(max_min / 63.f);
  std::memcpy(y, &dh, 2);
  std::memcpy(y + 2, &mh, 2);
  if (f16_nonfinite(dh) || f16_nonfinite(mh)) return false;
  const float d16 = f16_to_f32(dh), dmin16 = f16_to_f32(mh);
  for (int j = 0; j < 8; j++) {
    uint8_t s, m;
    scale_min_k4(j, sc, &s, &m);
    const float d = d16 * s;
    if (d == 0) continue;  // keeps the levels make_qkx2_quants chose, as ggml does
    const float dm = dmin16 * m;
    for (int ii = 0; ii < 32; ii++) {
      int l = nearest_int((x[32 * j + ii] + dm) / d);
      L[32 * j + ii] = (uint8_t)(l < 0 ? 0 : l > 15 ? 15 : l);
    }
  }
  uint8_t* q = y + 16;
  for (int j = 0; j < QK_K; j += 64, q += 32)
    for (int l = 0; l < 32; l++) q[l] = (uint8_t)(L[j + l] | (L[j + l + 32] << 4));
  return true;
}

// ggml's make_qx_quants with rmse_type 1 and no weights (w = x²), as
// src/codecs/ggml/make-qx-quants.ts; L gets l + nmax.
static float make_qx_quants_rmse1(int n, int nmax, const float* x, int8_t* L) {
  float max = 0, amax = 0;
  for (int i = 0; i < n; i++) {
    const float ax = std::fabs(x[i]);
    if (ax > amax) {
      amax = ax;
      max = x[i];
    }
  }
  if (amax < kGroupMaxEps) {
    for (int i = 0; i < n; i++) L[i] = 0;
    return 0.f;
  }
  float iscale = -nmax / max;
  float sumlx = 0, suml2 = 0;
  for (int i = 0; i < n; i++) {
    int l = nearest_int(iscale * x[i]);
    l = l < -nmax ? -nmax : l > nmax - 1 ? nmax - 1 : l;
    L[i] = (int8_t)(l + nmax);
    const float w = x[i] * x[i];
    sumlx += w * x[i] * l;
    suml2 += w * l * l;
  }
  float scale = suml2 != 0 ? sumlx / suml2 : 0.f;
  float best = scale * sumlx;
  for (int is = -9; is <= 9; is++) {
    if (is == 0) continue;
    iscale = -(nmax + 0.1f * is) / max;
    sumlx = suml2 = 0;
    for (int i = 0; i < n; i++) {
      int l = nearest_int(iscale * x[i]);
      l = l < -nmax ? -nmax : l > nmax - 1 ? nmax - 1 : l;
      const float w = x[i] * x[i];
      sumlx += w * x[i] * l;
      suml2 += w * l * l;
    }
    if (suml2 > 0 && sumlx * sumlx > best * suml2) {
      for (int i = 0; i < n; i++) {
        int l = nearest_int(iscale * x[i]);
        L[i] = (int8_t)(nmax + (l < -nmax ? -nmax : l > nmax - 1 ? nmax - 1 : l));
      }
      scale = sumlx / suml2;
      best = scale * sumlx;
    }
  }
  return scale;
}

int64_t q6_k_scalar(const float* src, uint8_t* dst, int64_t nb) {
  int8_t L[QK_K];
  float scales[16];
  for (int64_t i = 0; i < nb; i++, src += QK_K, dst += Q6_K_BYTES) {
    if (!finite_block(src, QK_K)) return i + 1;
    for (int ib = 0; ib < 16; ib++) scales[ib] = make_qx_quants_rmse1(16, 32, src + 16 * ib, L + 16 * ib);
    if (!q6_k_finish(src, dst, scales, L)) return i + 1;
  }
  return 0;
}

bool q6_k_finish(const float* x, uint8_t* dst, const float* scales, int8_t* L) {
  float max_scale = 0, max_abs_scale = 0;
  for (int ib = 0; ib < 16; ib++) {
    const float abs = std::fabs(scales[ib]);
    if (abs > max_abs_scale) {
      max_abs_scale = abs;
      max_scale = scales[ib];
    }
  }
  if (max_abs_scale < kGroupMaxEps) {
    std::memset(dst, 0, Q6_K_BYTES);  // all-zero block, d = +0
    return true;
  }
  const float iscale = -128.f / max_scale;
  const uint16_t dh = scalar::f32_to_f16(1 / iscale);
  std::memcpy(dst + 208, &dh, 2);
  if (f16_nonfinite(dh)) return false;
  int8_t* sc = (int8_t*)(dst + 192);
  for (int ib = 0; ib < 16; ib++) {
    const int v = nearest_int(iscale * scales[ib]);
    sc[ib] = (int8_t)(uint8_t)(v < 127 ? v : 127);
  }
  const float d16 = f16_to_f32(dh);
  for (int j = 0; j < 16; j++) {
    const float d = d16 * sc[j];
    if (d == 0) continue;  // keeps make_qx_quants' levels, as ggml does
    for (int ii = 0; ii < 16; ii++) {
      const int l = nearest_int(x[16 * j + ii] / d);
      L[16 * j + ii] = (int8_t)((l < -32 ? -32 : l > 31 ? 31 : l) + 32);
    }
  }
  for (int h = 0; h < 2; h++) {
    const int8_t* Lh = L + 128 * h;
    uint8_t* ql = dst + 64 * h;
    uint8_t* qh = dst + 128 + 32 * h;
    for (int l = 0; l < 32; l++) {
      const int a = Lh[l], b = Lh[l + 32], c = Lh[l + 64], e = Lh[l + 96];
      ql[l] = (uint8_t)((a & 0xf) | ((c & 0xf) << 4));
      ql[l + 32] = (uint8_t)((b & 0xf) | ((e & 0xf) << 4));
      qh[l] = (uint8_t)((a >> 4) | ((b >> 4) << 2) | ((c >> 4) << 4) | ((e >> 4) << 6));
    }
  }
  return true;
}

}  // namespace qz
}  // namespace th
