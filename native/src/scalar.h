// The scalar reference kernels, declared so SIMD tables can fall back to them.
#pragma once
#include "common.h"

namespace th {
namespace scalar {
uint16_t f32_to_f16(float x);
int64_t dq_q8_0(const uint8_t* src, float* dst, int64_t nb);
int64_t dq_q4_0(const uint8_t* src, float* dst, int64_t nb);
int64_t dq_q4_1(const uint8_t* src, float* dst, int64_t nb);
int64_t dq_q5_0(const uint8_t* src, float* dst, int64_t nb);
int64_t dq_q5_1(const uint8_t* src, float* dst, int64_t nb);
int64_t dq_q4_k(const uint8_t* src, float* dst, int64_t nb);
int64_t dq_q6_k(const uint8_t* src, float* dst, int64_t nb);
void cast_f16(const uint8_t* src, float* dst, int64_t n);
void cast_bf16(const uint8_t* src, float* dst, int64_t n);
void dq_nf4(const uint8_t* codes, const float* absmax, int64_t bs, float* dst, int64_t n);
int64_t mv_q8_0(const uint8_t* w, int64_t rows, int64_t nbr, const float* x, float* y);
int64_t mv_q4_0(const uint8_t* w, int64_t rows, int64_t nbr, const float* x, float* y);
int64_t mv_q4_k(const uint8_t* w, int64_t rows, int64_t nbr, const float* x, float* y);
void mv_nf4(const uint8_t* codes, const float* absmax, int64_t bs, int64_t rows, int64_t cols,
            const float* x, float* y);
int64_t qz_q8_0(const float* src, uint8_t* dst, int64_t nb);
int64_t mq_q8_0(const uint8_t* w, int64_t rows, int64_t nbr, const ActQ8* x, int64_t batch, float* y);
int64_t mq_q4_0(const uint8_t* w, int64_t rows, int64_t nbr, const ActQ8* x, int64_t batch, float* y);
int64_t mq_q4_k(const uint8_t* w, int64_t rows, int64_t nbr, const ActQ8* x, int64_t batch, float* y);
int64_t qz_q4_0(const float* src, uint8_t* dst, int64_t nb);
void dq_int8(const int8_t* q, const float* scales, const int32_t* zps, int64_t run, int64_t groups, float* dst,
             int64_t n);
void dq_lut(const uint8_t* src, const float* table, float* dst, int64_t n);
}  // namespace scalar
}  // namespace th
