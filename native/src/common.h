// Shared definitions for tensorhive's native kernels: block geometry, the
// kernel-table type, fp16 helpers and the per-function target attributes.
#pragma once
#include <cstdint>
#include <cstring>
#include <cstddef>

#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__)
#define TH_X86 1
#if defined(__GNUC__) || defined(__clang__)
#define TH_AVX2 __attribute__((target("avx2,fma,f16c")))
#define TH_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx2,fma,f16c")))
#define TH_AVX512VNNI __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,avx2,fma,f16c")))
#else
#define TH_AVX512VNNI
#define TH_AVX2
#define TH_AVX512
#endif
#endif

namespace th {

// GGML block geometry (bytes per block / elements per block).
constexpr int QK32 = 32;
constexpr int QK_K = 256;
constexpr int Q8_0_BYTES = 34;
constexpr int Q4_0_BYTES = 18;
constexpr int Q4_1_BYTES = 20;
constexpr int Q5_0_BYTES = 22;
constexpr int Q5_1_BYTES = 24;
constexpr int Q4_K_BYTES = 144;
constexpr int Q6_K_BYTES = 210;

// Kinds, numbered as GGML type ids (F16 1, BF16 30 are the float casts).
enum Kind : int {
  K_F16 = 1, K_Q4_0 = 2, K_Q4_1 = 3, K_Q5_0 = 6, K_Q5_1 = 7, K_Q8_0 = 8,
  K_Q4_K = 12, K_Q6_K = 14, K_BF16 = 30,
};

// Decode `nb` blocks of `src` into `dst`. Returns 0, or 1 + the index of the
// first block whose stored fp16 scale is NaN/Inf (dst is then partly written
// and must be discarded: the caller reports a malformed payload).
typedef int64_t (*DequantFn)(const uint8_t* src, float* dst, int64_t nb);
// Element-wise cast of `n` little-endian 16-bit floats (any alignment) to f32.
typedef void (*CastFn)(const uint8_t* src, float* dst, int64_t n);
// NF4: `n` elements, blocks of `bs` (even) with one f32 absmax each; codes
// hold element 2k in the HIGH nibble of byte k (bitsandbytes order).
typedef void (*Nf4Fn)(const uint8_t* codes, const float* absmax, int64_t bs, float* dst, int64_t n);
// y[r] = sum_c W[r,c]·x[c] over `rows` rows of `nbr` blocks each (activations
// stay f32). Returns 0 or 1 + flat index of the first block with a bad scale.
typedef int64_t (*MatvecFn)(const uint8_t* w, int64_t rows, int64_t nbr, const float* x, float* y);
// NF4 mat-vec: cols even, W is rows×cols elements, blocks over the flat tensor.
typedef void (*Nf4MatvecFn)(const uint8_t* codes, const float* absmax, int64_t bs,
                            int64_t rows, int64_t cols, const float* x, float* y);
// Quantize `nb` blocks of f32 into GGML bytes; returns 0 or 1 + first bad block
// (a non-finite / too-large input or a scale that overflows fp16).
typedef int64_t (*QuantFn)(const float* src, uint8_t* dst, int64_t nb);

// Activations quantized to 8 bits per 32-element block (Q8_0-style, scale
// kept in f32): q[32·b + j] int8, d[b] = max|x|/127, s[b] = Σ_j q, ds[b] = d·s.
struct ActQ8 {
  const int8_t* q;
  const float* d;
  const int32_t* s;
  const float* ds;
};
// Fused product with 8-bit activations: for each of `batch` activation
// vectors x[j], y[j·rows + r] = Σ_c W[r,c]·x[j][c] (integer dot per block,
// scaled in f32). Returns 0 or 1 + flat index of a block with a bad scale.
typedef int64_t (*MatmulQ8Fn)(const uint8_t* w, int64_t rows, int64_t nbr, const ActQ8* x, int64_t batch,
                              float* y);

// INT8: n int8 codes; element i is in group (i / run) % groups; zps may be null.
typedef void (*Int8Fn)(const int8_t* q, const float* scales, const int32_t* zps, int64_t run, int64_t groups,
                       float* dst, int64_t n);
// dst[i] = table[src[i]] (256 entries): fp8 and other byte codes.
typedef void (*LutFn)(const uint8_t* src, const float* table, float* dst, int64_t n);

struct KernelSet {
  const char* name;
  DequantFn q8_0, q4_0, q4_1, q5_0, q5_1, q4_k, q6_k;
  CastFn f16, bf16;
  Nf4Fn nf4;
  MatvecFn mv_q8_0, mv_q4_0, mv_q4_k;
  Nf4MatvecFn mv_nf4;
  MatmulQ8Fn mq_q8_0, mq_q4_0, mq_q4_k;
  Int8Fn int8;
  LutFn lut;
};

// Quantizes `nb` 32-blocks of x into `a` (arrays sized nb·32 / nb). Returns
// false when x holds a NaN/Inf (8-bit activations cannot carry it: the
// caller then uses the f32-activation kernel, which propagates it).
bool quantize_act_q8(const float* x, int64_t nb, int8_t* q, float* d, int32_t* s, float* ds);
// After a fused product whose outputs are not all finite: the first block
// (1 + flat index) among those rows whose stored fp16 scale is NaN/Inf, or 0
// when none is (the non-finite result then came from the data itself).
int64_t first_bad_scale(int kind, const uint8_t* w, int64_t rows, int64_t nbr, const float* y, int64_t batch);

// Every table is complete: a level without its own version of a kernel
// points at the best lower one.
extern const KernelSet kScalar;
#if defined(TH_X86)
extern const KernelSet kAvx2;
extern const KernelSet kAvx512;
#endif
#if defined(__ARM_NEON) || defined(__aarch64__)
extern const KernelSet kNeon;
#endif

extern const float kNf4Code[16];

inline uint16_t load_u16(const uint8_t* p) { uint16_t v; std::memcpy(&v, p, 2); return v; }
inline uint32_t load_u32(const uint8_t* p) { uint32_t v; std::memcpy(&v, p, 4); return v; }
inline bool f16_nonfinite(uint16_t h) { return (h & 0x7c00) == 0x7c00; }

// Exact IEEE binary16 -> binary32 (NaN made quiet, payload kept, as F16C does).
inline float f16_to_f32(uint16_t h) {
  const uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  uint32_t bits;
  if (exp == 0) {
    float f = (float)mant * 5.9604644775390625e-8f;  // mant · 2^-24, exact
    std::memcpy(&bits, &f, 4);
    bits |= sign;
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | (mant ? 0x400000u | (mant << 13) : 0);
  } else {
    bits = sign | ((exp + 112) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

// Q4_K's 6-bit scale/min packing (ggml get_scale_min_k4).
inline void scale_min_k4(int j, const uint8_t* q, uint8_t* d, uint8_t* m) {
  if (j < 4) {
    *d = q[j] & 63;
    *m = q[j + 4] & 63;
  } else {
    *d = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
    *m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
  }
}

}  // namespace th
