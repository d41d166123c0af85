// Scalar reference kernels: the C++ mirror of the TS row kernels in
// src/codecs/*.ts, same float32 operations in the same order (no FMA:
// -ffp-contract=off), so decode is bit-exact with the TS reference. Every
// SIMD level is tested against the TS code.
#include "common.h"
#include "scalar.h"
#include <cmath>

namespace th {

const float kNf4Code[16] = {
    -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f,
    -0.28444138169288635f, -0.18477343022823334f, -0.09105003625154495f, 0.0f,
    0.07958029955625534f, 0.16093020141124725f, 0.24611230194568634f, 0.33791524171829224f,
    0.44070982933044434f, 0.5626170039176941f, 0.7229568362236023f, 1.0f};

namespace scalar {

int64_t dq_q8_0(const uint8_t* src, float* dst, int64_t nb) {
  for (int64_t i = 0; i < nb; i++, src += Q8_0_BYTES, dst += QK32) {
    const uint16_t h = load_u16(src);
    if (f16_nonfinite(h)) return i + 1;
    const float d = f16_to_f32(h);
    for (int j = 0; j < QK32; j++) dst[j] = (float)(int8_t)src[2 + j] * d;
  }
  return 0;
}

int64_t dq_q4_0(const uint8_t* src, float* dst, int64_t nb) {
  for (int64_t i = 0; i < nb; i++, src += Q4_0_BYTES, dst += QK32) {
    const uint16_t h = load_u16(src);
    if (f16_nonfinite(h)) return i + 1;
    const float d = f16_to_f32(h);
    for (int j = 0; j < 16; j++) {
      const uint8_t b = src[2 + j];
      dst[j] = (float)((b & 0x0f) - 8) * d;
      dst[j + 16] = (float)((b >> 4) - 8) * d;
    }
  }
  return 0;
}

int64_t dq_q4_1(const uint8_t* src, float* dst, int64_t nb) {
  for (int64_t i = 0; i < nb; i++, src += Q4_1_BYTES, dst += QK32) {
    const uint16_t hd = load_u16(src), hm = load_u16(src + 2);
    if (f16_nonfinite(hd) || f16_nonfinite(hm)) return i + 1;
    const float d = f16_to_f32(hd), m = f16_to_f32(hm);
    for (int j = 0; j < 16; j++) {
      const uint8_t b = src[4 + j];
      dst[j] = (float)(b & 0x0f) * d + m;
      dst[j + 16] = (float)(b >> 4) * d + m;
    }
  }
  return 0;
}

int64_t dq_q5_0(const uint8_t* src, float* dst, int64_t nb) {
  for (int64_t i = 0; i < nb; i++, src += Q5_0_BYTES, dst += QK32) {
    const uint16_t h = load_u16(src);
    if (f16_nonfinite(h)) return i + 1;
    const float d = f16_to_f32(h);
    const uint32_t qh = load_u32(src + 2);
    for (int j = 0; j < 16; j++) {
      const uint8_t b = src[6 + j];
      const int h0 = ((qh >> j) << 4) & 0x10;
      const int h1 = (qh >> (j + 12)) & 0x10;
      dst[j] = (float)(((b & 0x0f) | h0) - 16) * d;
      dst[j + 16] = (float)(((b >> 4) | h1) - 16) * d;
    }
  }
  return 0;
}

int64_t dq_q5_1(const uint8_t* src, float* dst, int64_t nb) {
  for (int64_t i = 0; i < nb; i++, src += Q5_1_BYTES, dst += QK32) {
    const uint16_t hd = load_u16(src), hm = load_u16(src + 2);
    if (f16_nonfinite(hd) || f16_nonfinite(hm)) return i + 1;
    const float d = f16_to_f32(hd), m = f16_to_f32(hm);
    const uint32_t qh = load_u32(src + 4);
    for (int j = 0; j < 16; j++) {
      const uint8_t b = src[8 + j];
      const int h0 = ((qh >> j) << 4) & 0x10;
      const int h1 = (qh >> (j + 12)) & 0x10;
      dst[j] = (float)((b & 0x0f) | h0) * d + m;
      dst[j + 16] = (float)((b >> 4) | h1) * d + m;
    }
  }
  return 0;
}

int64_t dq_q4_k(const uint8_t* src, float* dst, int64_t nb) {
  for (int64_t i = 0; i < nb; i++, src += Q4_K_BYTES) {
    const uint16_t hd = load_u16(src), hm = load_u16(src + 2);
    if (f16_nonfinite(hd) || f16_nonfinite(hm)) return i + 1;
    const float d = f16_to_f32(hd), dmin = f16_to_f32(hm);
    const uint8_t* sc = src + 4;
    const uint8_t* q = src + 16;
    for (int is = 0; is < 8; is += 2, q += 32, dst += 64) {
      uint8_t s, m;
      scale_min_k4(is, sc, &s, &m);
      const float d1 = d * s, m1 = dmin * m;
      scale_min_k4(is + 1, sc, &s, &m);
      const float d2 = d * s, m2 = dmin * m;
      for (int l = 0; l < 32; l++) dst[l] = d1 * (float)(q[l] & 0xF) - m1;
      for (int l = 0; l < 32; l++) dst[32 + l] = d2 * (float)(q[l] >> 4) - m2;
    }
  }
  return 0;
}

int64_t dq_q6_k(const uint8_t* src, float* dst, int64_t nb) {
  for (int64_t i = 0; i < nb; i++, src += Q6_K_BYTES) {
    const uint16_t hd = load_u16(src + 208);
    if (f16_nonfinite(hd)) return i + 1;
    const float d = f16_to_f32(hd);
    for (int h = 0; h < 2; h++, dst += 128) {
      const uint8_t* ql = src + 64 * h;
      const uint8_t* qh = src + 128 + 32 * h;
      const int8_t* sc = (const int8_t*)(src + 192 + 8 * h);
      for (int l = 0; l < 32; l++) {
        const int is = l >> 4;
        const int q1 = ((ql[l] & 0xF) | ((qh[l] & 3) << 4)) - 32;
        const int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
        const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
        const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
        dst[l] = (d * sc[is]) * (float)q1;
        dst[l + 32] = (d * sc[is + 2]) * (float)q2;
        dst[l + 64] = (d * sc[is + 4]) * (float)q3;
        dst[l + 96] = (d * sc[is + 6]) * (float)q4;
      }
    }
  }
  return 0;
}

void cast_f16(const uint8_t* src, float* dst, int64_t n) {
  for (int64_t i = 0; i < n; i++) dst[i] = f16_to_f32(load_u16(src + 2 * i));
}

void cast_bf16(const uint8_t* src, float* dst, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    const uint32_t b = (uint32_t)load_u16(src + 2 * i) << 16;
    std::memcpy(dst + i, &b, 4);
  }
}

void dq_nf4(const uint8_t* codes, const float* absmax, int64_t bs, float* dst, int64_t n) {
  const int64_t nblocks = (n + bs - 1) / bs;
  for (int64_t b = 0; b < nblocks; b++) {
    const float a = absmax[b];
    const int64_t hi = (b + 1) * bs < n ? (b + 1) * bs : n;
    for (int64_t i = b * bs; i < hi; i += 2) {
      const uint8_t byte = codes[i >> 1];
      dst[i] = kNf4Code[byte >> 4] * a;
      if (i + 1 < hi) dst[i + 1] = kNf4Code[byte & 15] * a;
    }
  }
}

}  // namespace scalar
}  // namespace th

namespace th {
const KernelSet kScalar = {
    "scalar", scalar::dq_q8_0, scalar::dq_q4_0, scalar::dq_q4_1, scalar::dq_q5_0, scalar::dq_q5_1,
    scalar::dq_q4_k, scalar::dq_q6_k, scalar::cast_f16, scalar::cast_bf16, scalar::dq_nf4,
    scalar::mv_q8_0, scalar::mv_q4_0, scalar::mv_q4_k, scalar::mv_nf4,
    scalar::mq_q8_0, scalar::mq_q4_0, scalar::mq_q4_k,
    scalar::dq_int8, scalar::dq_lut,
};
}  // namespace th
