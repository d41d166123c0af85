// Declarations of the 8-bit-activation fused kernels that the KernelSet
// (common.h) does not carry: Q4_K's Q8_K-style activations and NF4 with an
// int8 codebook. Dispatch for NF4 is by level (nf4_q8_kernel).
#pragma once
#include "common.h"

namespace th {

// Q8_K-style activations for Q4_K (ggml's quantize_row_q8_K idea): one f32
// scale per 256-block, d[b] = max|x|/127, q = round-to-nearest-even(x/d),
// s[8·b + j] = Σ q over the 32 elements of sub-block j (the mins term is
// then Σ_j m_j·s_j, an integer dot). Stored in an ActQ8 with d per 256 and
// s per 32 (ds unused). False when x holds NaN/Inf.
bool quantize_act_q8k(const float* x, int64_t nb, int8_t* q, float* d, int32_t* s);

// NF4 code values × 127, rounded to nearest: the int8 codebook of the
// 8-bit-activation NF4 product (ggml's IQ4_NL trick, kvalues_iq4nl).
// Value ≈ code·absmax = kNf4I8[code]·(absmax/127).
extern const int8_t kNf4I8[16];

// NF4 with 8-bit activations (Q8_0-style, per 32): y[j·rows + r] =
// Σ_c W[r,c]·x[j][c] with W from the int8 codebook. Needs cols % 64 == 0
// and bs % 64 == 0 (callers check; otherwise they use the f32 kernel).
typedef void (*Nf4MatmulQ8Fn)(const uint8_t* codes, const float* absmax, int64_t bs, int64_t rows, int64_t cols,
                              const ActQ8* x, int64_t batch, float* y);
// The kernel for dispatch level `level` (kLevelNames index).
Nf4MatmulQ8Fn nf4_q8_kernel(int level);

// Per call helpers shared by the SIMD NF4 kernels: for each 8 elements i
// of one activation vector, init[i] = −127·Σ q (the codebook is stored +127
// as unsigned bytes) and xs[i] = d/127 of its 32-block.
void nf4_lane_terms(const ActQ8& a, int64_t cols, int32_t* init, float* xs);
// q rearranged per W-element chunk (W = 64 or 128; a last chunk of 64 when
// cols % W == 64) as [W/2 even elements][W/2 odd elements], matching the
// high/low nibbles of the code bytes.
void nf4_arrange(const int8_t* q, int64_t cols, int W, int8_t* out);

namespace scalar {
void mq_nf4(const uint8_t* codes, const float* absmax, int64_t bs, int64_t rows, int64_t cols, const ActQ8* x,
            int64_t batch, float* y);
}
#if defined(TH_X86)
namespace avx2 {
void mq_nf4(const uint8_t* codes, const float* absmax, int64_t bs, int64_t rows, int64_t cols, const ActQ8* x,
            int64_t batch, float* y);
}
namespace avx512vnni {
void mq_nf4(const uint8_t* codes, const float* absmax, int64_t bs, int64_t rows, int64_t cols, const ActQ8* x,
            int64_t batch, float* y);
}
#endif

}  // namespace th
