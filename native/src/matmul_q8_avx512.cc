// Fused products with 8-bit activations, AVX-512 VNNI (vpdpbusd on 256-bit
// vectors: one 32-weight block per instruction). Used by the avx512 level
// when the CPU has avx512_vnni; otherwise that level uses the AVX2 version.
#include <cmath>
#include "common.h"
#if defined(TH_X86)
#if defined(__GNUC__) && !defined(__clang__)
// gcc 12 false positive: its AVX-512 cast/extract intrinsics use the
// self-initialised `_mm256_undefined_*` idiom, flagged when inlined here.
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#define TH_T TH_AVX512VNNI
#define TH_NS avx512vnni
#define TH_VNNI 1
#include "matmul_q8_impl.h"
#endif
