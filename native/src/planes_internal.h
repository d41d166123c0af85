// Internals of the byte-plane kernels (planes.cc dispatch, planes_x86.cc
// SIMD): the scalar loops, which are the reference shape and every SIMD
// tail, and the SIMD entry points (rotate = undo / apply the sign rotation).
#pragma once
#include <cstdint>

namespace th {
namespace planes {

template <bool R>
inline void merge2_scalar(const uint8_t* p0, const uint8_t* p1, uint8_t* out, int64_t b, int64_t e) {
  for (int64_t i = b; i < e; i++) {
    uint32_t r = (uint32_t)p0[i] | (uint32_t)p1[i] << 8;
    if (R) r = (r >> 1) | ((r & 1u) << 15);
    out[2 * i] = (uint8_t)r;
    out[2 * i + 1] = (uint8_t)(r >> 8);
  }
}

template <bool R>
inline void merge4_scalar(const uint8_t* p0, const uint8_t* p1, const uint8_t* p2, const uint8_t* p3, uint8_t* out,
                   int64_t b, int64_t e) {
  for (int64_t i = b; i < e; i++) {
    uint32_t r = (uint32_t)p0[i] | (uint32_t)p1[i] << 8 | (uint32_t)p2[i] << 16 | (uint32_t)p3[i] << 24;
    if (R) r = (r >> 1) | (r << 31);
    out[4 * i] = (uint8_t)r;
    out[4 * i + 1] = (uint8_t)(r >> 8);
    out[4 * i + 2] = (uint8_t)(r >> 16);
    out[4 * i + 3] = (uint8_t)(r >> 24);
  }
}

template <bool R>
inline void split2_scalar(const uint8_t* src, uint8_t* q0, uint8_t* q1, int64_t b, int64_t e) {
  for (int64_t i = b; i < e; i++) {
    uint32_t v = (uint32_t)src[2 * i] | (uint32_t)src[2 * i + 1] << 8;
    if (R) v = ((v << 1) | (v >> 15)) & 0xffffu;
    q0[i] = (uint8_t)v;
    q1[i] = (uint8_t)(v >> 8);
  }
}

template <bool R>
inline void split4_scalar(const uint8_t* src, uint8_t* q0, uint8_t* q1, uint8_t* q2, uint8_t* q3, int64_t b, int64_t e) {
  for (int64_t i = b; i < e; i++) {
    uint32_t v = (uint32_t)src[4 * i] | (uint32_t)src[4 * i + 1] << 8 | (uint32_t)src[4 * i + 2] << 16 |
                 (uint32_t)src[4 * i + 3] << 24;
    if (R) v = (v << 1) | (v >> 31);
    q0[i] = (uint8_t)v;
    q1[i] = (uint8_t)(v >> 8);
    q2[i] = (uint8_t)(v >> 16);
    q3[i] = (uint8_t)(v >> 24);
  }
}

#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__)
void merge2_avx2(bool rotate, const uint8_t* p0, const uint8_t* p1, uint8_t* out, int64_t n);
void merge4_avx2(bool rotate, const uint8_t* p0, const uint8_t* p1, const uint8_t* p2, const uint8_t* p3, uint8_t* out,
                 int64_t n);
void split2_avx2(bool rotate, const uint8_t* src, uint8_t* q0, uint8_t* q1, int64_t n);
void split4_avx2(bool rotate, const uint8_t* src, uint8_t* q0, uint8_t* q1, uint8_t* q2, uint8_t* q3, int64_t n);
void merge2_avx512(bool rotate, const uint8_t* p0, const uint8_t* p1, uint8_t* out, int64_t n);
void merge4_avx512(bool rotate, const uint8_t* p0, const uint8_t* p1, const uint8_t* p2, const uint8_t* p3,
                   uint8_t* out, int64_t n);
void split2_avx512(bool rotate, const uint8_t* src, uint8_t* q0, uint8_t* q1, int64_t n);
void split4_avx512(bool rotate, const uint8_t* src, uint8_t* q0, uint8_t* q1, uint8_t* q2, uint8_t* q3, int64_t n);
#endif

}  // namespace planes
}  // namespace th
