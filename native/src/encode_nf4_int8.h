// NF4 and INT8 encode kernels (the per-element loops of src/codecs/nf4.ts and
// int8.ts), bit-exact with the TS encoders: the same float64 arithmetic, the
// same tie rules. `level` is the dispatch level (0 scalar, 2 avx2, 3 avx512;
// a level without its own version uses the best lower one).
#pragma once
#include "common.h"

namespace th {

// NF4, blocks of `bs` (even) over x[0..n), the last one short: absmax[b] =
// max |x| of block b. Returns 0, or 1 + the index of the first NaN/±Inf.
int64_t nf4_absmax(const float* x, int64_t n, int64_t bs, float* absmax, int level);
// NF4 codes against the given absmax: element 2k in the HIGH nibble of
// codes[k], 2k+1 in the low one; an odd n pads the last low nibble with 7.
// q = the nearest code of x·(1/absmax) in float64, midpoint ties go up.
void nf4_codes(const float* x, int64_t n, int64_t bs, const float* absmax, uint8_t* codes, int level);
// Both, chunk by chunk (absmax of a chunk of blocks, then its codes, while it
// is in cache). Returns 0 or 1 + the index of the first NaN/±Inf.
int64_t nf4_encode(const float* x, int64_t n, int64_t bs, float* absmax, uint8_t* codes, int level);

// INT8 groups: element i is in group (i / run) % groups. For each group, lowers
// mins[g] / raises maxs[g] (float64) to the group's min / max. Returns 0, or
// 1 + the index of the first NaN/±Inf (mins/maxs are then partial).
int64_t int8_min_max(const float* x, int64_t n, int64_t run, int64_t groups, double* mins, double* maxs, int level);
// q[i] = clamp(round_half_away(x[i] / s), qlo − zp, 127 − zp) + zp in float64,
// s = scales[g], zp = zps ? zps[g] : 0, qlo = zps ? −128 : −127; a group with
// s == 0 is all (int8)zp. x must be finite (int8_min_max checked it).
void int8_quantize(const float* x, int64_t n, int64_t run, int64_t groups, const float* scales, const int32_t* zps,
                   int8_t* q, int level);

}  // namespace th
