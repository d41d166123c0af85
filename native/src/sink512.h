// AVX-512 output sink for the decoders: writes a stream of 16-float vectors
// to dst (any 4-byte alignment) with 64-byte-aligned stores only. A Float32Array
// over a large buffer usually starts 16 bytes past a cache line (malloc's
// header), and unaligned 64-byte stores then split every line: measured
// 1.35 vs 1.50 × memcpy for Q8_0. Each store is two neighbouring vectors
// shifted by dst's misalignment (vpermt2ps); the first and last partial
// lines are masked. NT = non-temporal stores (for outputs larger than the
// LLC, where they avoid the read-for-ownership: ~2.4× there, slower in cache).
// Data movement only: the values are the kernel's, bit for bit.
#pragma once
#include "common.h"
#if defined(TH_X86)
#include <immintrin.h>

namespace th {
namespace avx512 {

template <bool NT>
struct Sink {
  float* a;  // next aligned line
  __m512 prev;
  __m512i idx;
  __mmask16 first, last;
  TH_AVX512 explicit Sink(float* dst) {
    const int o = (int)(((uintptr_t)dst & 63) >> 2);
    a = dst - o;
    prev = _mm512_setzero_ps();
    idx = _mm512_add_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                           _mm512_set1_epi32(16 - o));
    first = (__mmask16)(0xFFFFu << o);
    last = (__mmask16)((1u << o) - 1);
  }
  TH_AVX512 inline void put(__m512 v) {
    const __m512 w = _mm512_permutex2var_ps(prev, idx, v);
    if (NT && first == 0xFFFF) _mm512_stream_ps(a, w);
    else _mm512_mask_store_ps(a, first, w);
    first = 0xFFFF;
    prev = v;
    a += 16;
  }
  // Writes the last partial line (none when nothing was put: first is then
  // still the partial mask, or o == 0 and there is no partial line).
  TH_AVX512 inline void finish() {
    if (last && first == 0xFFFF) _mm512_mask_store_ps(a, last, _mm512_permutex2var_ps(prev, idx, _mm512_setzero_ps()));
    if (NT) _mm_sfence();
  }
};

// Outputs larger than this many bytes use non-temporal stores (the LLC size,
// from sysconf). set_nt_threshold returns the previous value (tests use it
// to run the NT path on small outputs).
size_t nt_threshold();
size_t set_nt_threshold(size_t bytes);

}  // namespace avx512
}  // namespace th
#endif
