// Fused products with 8-bit activations, AVX2 (vpmaddubsw + vpmaddwd).
#include <cmath>
#include "common.h"
#if defined(TH_X86)
#define TH_T TH_AVX2
#define TH_NS avx2
#define TH_VNNI 0
#include "matmul_q8_impl.h"
#endif
