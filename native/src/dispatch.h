// Which kernel table is in use: detected once from the CPU, forced by
// TENSORHIVE_SIMD=scalar|neon|avx2|avx512, or changed with setLevel().
#pragma once
#include "common.h"

namespace th {

constexpr int kLevelCount = 4;
// Level names, index = level: scalar, neon, avx2, avx512.
extern const char* const kLevelNames[kLevelCount];

bool level_supported(int level);
int best_level();
// The active table (an atomic read; the level is process-wide, shared by
// every thread and worker that loaded the addon).
const KernelSet& active();
int active_level();
// Returns false (and changes nothing) when `level` is not supported here.
bool set_level(int level);
int level_by_name(const char* name);

}  // namespace th
