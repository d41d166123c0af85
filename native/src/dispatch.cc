#include "dispatch.h"
#include <atomic>
#include <cstdlib>
#include <cstring>

namespace th {

const char* const kLevelNames[kLevelCount] = {"scalar", "neon", "avx2", "avx512"};

namespace {

const KernelSet* table(int level) {
  switch (level) {
    case 0: return &kScalar;
#if defined(__ARM_NEON) || defined(__aarch64__)
    case 1: return &kNeon;
#endif
#if defined(TH_X86)
    case 2: return &kAvx2;
    case 3: return &kAvx512;
#endif
    default: return nullptr;
  }
}

bool cpu_has(int level) {
  switch (level) {
    case 0: return true;
#if defined(__ARM_NEON) || defined(__aarch64__)
    case 1: return true;  // baseline on arm64
#endif
#if defined(TH_X86) && (defined(__GNUC__) || defined(__clang__))
    case 2:
      __builtin_cpu_init();
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
    case 3:
      __builtin_cpu_init();
      return cpu_has(2) && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512vl");
#endif
    default: return false;
  }
}

int initial_level() {
  const char* env = std::getenv("TENSORHIVE_SIMD");
  if (env && *env) {
    const int forced = level_by_name(env);
    if (forced >= 0 && level_supported(forced)) return forced;
  }
  return best_level();
}

std::atomic<int> g_level{-1};

}  // namespace

bool level_supported(int level) {
  return level >= 0 && level < kLevelCount && table(level) != nullptr && cpu_has(level);
}

int best_level() {
  for (int l = kLevelCount - 1; l > 0; l--)
    if (level_supported(l)) return l;
  return 0;
}

int level_by_name(const char* name) {
  for (int l = 0; l < kLevelCount; l++)
    if (std::strcmp(name, kLevelNames[l]) == 0) return l;
  return -1;
}

int active_level() {
  int l = g_level.load(std::memory_order_acquire);
  if (l < 0) {
    int expected = -1;
    g_level.compare_exchange_strong(expected, initial_level());
    l = g_level.load(std::memory_order_acquire);
  }
  return l;
}

const KernelSet& active() { return *table(active_level()); }

bool set_level(int level) {
  if (!level_supported(level)) return false;
  g_level.store(level, std::memory_order_release);
  return true;
}

}  // namespace th
