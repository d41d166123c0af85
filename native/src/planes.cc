// Byte-plane split and merge (see planes.h), the native twins of splitPlanes
// and mergePlanes in src/codecs/lossless/planes.ts: dispatch by level and the
// public entry points. Pure byte moves plus a one-bit rotation, so every
// level is bit-exact by construction; the SIMD loops are in planes_x86.cc.
// Constant planes (merge) are read from a small filled buffer, chunk by chunk.
#include "planes.h"
#include <cstring>
#include "common.h"
#include "dispatch.h"
#include "planes_internal.h"

namespace th {

using namespace planes;

namespace {

// ---- dispatch ----

template <bool R>
void merge2(int level, const uint8_t* const* p, uint8_t* out, int64_t n) {
#if defined(TH_X86)
  if (level >= 3) return merge2_avx512(R, p[0], p[1], out, n);
  if (level == 2) return merge2_avx2(R, p[0], p[1], out, n);
#endif
  (void)level;
  merge2_scalar<R>(p[0], p[1], out, 0, n);
}

template <bool R>
void merge4(int level, const uint8_t* const* p, uint8_t* out, int64_t n) {
#if defined(TH_X86)
  if (level >= 3) return merge4_avx512(R, p[0], p[1], p[2], p[3], out, n);
  if (level == 2) return merge4_avx2(R, p[0], p[1], p[2], p[3], out, n);
#endif
  (void)level;
  merge4_scalar<R>(p[0], p[1], p[2], p[3], out, 0, n);
}

// n elements of P bytes from P plane pointers (all real data).
void merge_run(int level, const uint8_t* const* p, int P, bool rotate, int64_t n, uint8_t* out) {
  if (P == 1) {
    std::memcpy(out, p[0], (size_t)n);
  } else if (P == 2) {
    rotate ? merge2<true>(level, p, out, n) : merge2<false>(level, p, out, n);
  } else if (P == 4) {
    rotate ? merge4<true>(level, p, out, n) : merge4<false>(level, p, out, n);
  } else {
    for (int64_t i = 0; i < n; i++)
      for (int k = 0; k < P; k++) out[i * P + k] = p[k][i];
  }
}

// Elements per round when some plane is constant (read from a filled buffer).
constexpr int64_t kConstChunk = 4096;

}  // namespace

void planes_merge(const PlaneSource* planes, int P, bool rotate, int64_t n, uint8_t* out) {
  if (n <= 0) return;  // empty views may carry null pointers
  const int level = active_level();
  bool any_const = false;
  const uint8_t* p[kMaxPlanes];
  for (int k = 0; k < P; k++) {
    p[k] = planes[k].data;
    any_const = any_const || p[k] == nullptr;
  }
  if (!any_const) return merge_run(level, p, P, rotate, n, out);
  static thread_local uint8_t fill[kMaxPlanes][kConstChunk];
  for (int k = 0; k < P; k++)
    if (planes[k].data == nullptr) std::memset(fill[k], planes[k].value, kConstChunk);
  for (int64_t j = 0; j < n; j += kConstChunk) {
    const int64_t m = n - j < kConstChunk ? n - j : kConstChunk;
    for (int k = 0; k < P; k++) p[k] = planes[k].data ? planes[k].data + j : fill[k];
    merge_run(level, p, P, rotate, m, out + j * P);
  }
}

void planes_split(const uint8_t* src, int64_t n, int P, bool rotate, uint8_t* planes) {
  if (n <= 0) return;
  const int level = active_level();
  uint8_t* q[kMaxPlanes];
  for (int k = 0; k < P; k++) q[k] = planes + k * n;
  if (P == 1) {
    std::memcpy(planes, src, (size_t)n);
    return;
  }
#if defined(TH_X86)
  if (level >= 3 && P == 2) return split2_avx512(rotate, src, q[0], q[1], n);
  if (level >= 3 && P == 4)
    return split4_avx512(rotate, src, q[0], q[1], q[2], q[3], n);
  if (level == 2 && P == 2) return split2_avx2(rotate, src, q[0], q[1], n);
  if (level == 2 && P == 4)
    return split4_avx2(rotate, src, q[0], q[1], q[2], q[3], n);
#endif
  (void)level;
  if (P == 2) return rotate ? split2_scalar<true>(src, q[0], q[1], 0, n) : split2_scalar<false>(src, q[0], q[1], 0, n);
  if (P == 4)
    return rotate ? split4_scalar<true>(src, q[0], q[1], q[2], q[3], 0, n)
                  : split4_scalar<false>(src, q[0], q[1], q[2], q[3], 0, n);
  for (int k = 0; k < P; k++)
    for (int64_t i = 0; i < n; i++) q[k][i] = src[i * P + k];
}

}  // namespace th
