// NEON vs scalar parity, run on x86 under qemu-aarch64 by
// test/kernels/arm64-compile.test.ts (there is no arm64 machine here). Every
// decode and cast entry of the NEON table is compared, bit for bit, with the
// scalar table on seeded random blocks: same status, same output bits.
// Prints one line per kernel and exits 1 on the first difference.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>
#include "../src/common.h"

namespace {
uint64_t state = 0x9E3779B97F4A7C15ull;
uint8_t next_byte() {
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return (uint8_t)(state >> 24);
}

struct Block {
  const char* name;
  th::DequantFn th::KernelSet::*fn;
  int bytes, values;
};

bool same(const std::vector<float>& a, const std::vector<float>& b) {
  return std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}
}  // namespace

int main() {
  using th::KernelSet;
  const Block blocks[] = {
      {"q8_0", &KernelSet::q8_0, 34, 32},  {"q4_0", &KernelSet::q4_0, 18, 32},
      {"q4_1", &KernelSet::q4_1, 20, 32},  {"q5_0", &KernelSet::q5_0, 22, 32},
      {"q5_1", &KernelSet::q5_1, 24, 32},  {"q4_k", &KernelSet::q4_k, 144, 256},
      {"q6_k", &KernelSet::q6_k, 210, 256},
  };
  int checked = 0;
  for (const Block& b : blocks) {
    for (int round = 0; round < 64; round++) {
      const int64_t nb = 1 + (round * 7) % 37;
      std::vector<uint8_t> src((size_t)(nb * b.bytes));
      for (auto& x : src) x = next_byte();
      std::vector<float> want((size_t)(nb * b.values)), got(want.size());
      const int64_t s0 = (th::kScalar.*b.fn)(src.data(), want.data(), nb);
      const int64_t s1 = (th::kNeon.*b.fn)(src.data(), got.data(), nb);
      if (s0 != s1 || (s0 == 0 && !same(want, got))) {
        std::printf("FAIL %s round %d: status %lld vs %lld\n", b.name, round, (long long)s0, (long long)s1);
        return 1;
      }
      checked++;
    }
    std::printf("ok %s\n", b.name);
  }
  const struct {
    const char* name;
    th::CastFn KernelSet::*fn;
  } casts[] = {{"f16", &KernelSet::f16}, {"bf16", &KernelSet::bf16}};
  for (const auto& c : casts) {
    for (int64_t n : {0, 1, 7, 8, 9, 63, 64, 65, 1000, 4099}) {
      std::vector<uint8_t> src((size_t)(2 * n));
      for (auto& x : src) x = next_byte();
      std::vector<float> want((size_t)n), got((size_t)n);
      (th::kScalar.*c.fn)(src.data(), want.data(), n);
      (th::kNeon.*c.fn)(src.data(), got.data(), n);
      if (!same(want, got)) {
        std::printf("FAIL %s n=%lld\n", c.name, (long long)n);
        return 1;
      }
      checked++;
    }
    std::printf("ok %s\n", c.name);
  }
  std::printf("neon parity: %d cases\n", checked);
  return 0;
}
