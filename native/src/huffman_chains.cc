// Multi-chain Huffman decode (see huffman.h / huffman_internal.h).
#include <cstring>
#include <memory>
#include <utility>
#include <vector>
#include "huffman_internal.h"

namespace th {
namespace huff {

namespace {

// Symbol starts each chain records for finding the sync point.
constexpr int kSyncWindow = 256;

// Several dependency chains over one stream (a lookup waits on the previous
// one's length, so one chain leaves the core mostly idle). Chain k starts at
// byte-aligned bit b_k = k/kChains of the stream; chains k >= 1 record where
// their first symbols start. Each chain decodes up to the next one's start,
// then single-steps until one of its symbol starts is one the next chain
// recorded: prefix codes resynchronize, so from that start on both decode
// the same symbols, and the next chain's output is the true output shifted
// by a known offset. Chains are joined in order; where a join cannot be made
// (no sync within the window, a chain failing or out of room, past n) and at
// the last chain, the decode resumes sequentially (decode_from) from that
// chain's latest symbol start (checkpointed every 4096 symbols, and where it
// stopped) still inside the n symbols, so the symbols, the
// bits consumed and any error are exactly those of the sequential decode.
constexpr int kChains = 4;
// Rounds (≤ 16 symbols each) between checkpoints: ≤ 4096 symbols apart.
constexpr int kCheckpointRounds = 256;
constexpr int64_t kKeepScratch = (int64_t)1 << 24;

TH_HUFF_INLINE int64_t decode_split_body(const uint8_t* stream, int64_t end, const uint16_t* table, const Multi* mt,
                                         uint8_t* out, int64_t n) {
  const int64_t fast_until = (end - 8) * 8;
  // Chains 1.. write into equal parts of one scratch buffer (a chain that
  // outruns its part stops early, and the join resumes sequentially there).
  const int64_t part = n / (kChains - 1);
  // Kept per thread up to 16 MiB (no page faults on every call), fresh above.
  static thread_local std::unique_ptr<uint8_t[]> kept;
  static thread_local int64_t kept_size = 0;
  std::unique_ptr<uint8_t[]> fresh;
  uint8_t* scratch;
  if (n <= kKeepScratch) {
    if (kept_size < n) {
      kept.reset(new uint8_t[(size_t)n]);
      kept_size = n;
    }
    scratch = kept.get();
  } else {
    fresh.reset(new uint8_t[(size_t)n]);
    scratch = fresh.get();
  }
  uint8_t* buf[kChains];
  int64_t cap[kChains], I[kChains], C[kChains], stop[kChains];
  bool alive[kChains];
  int recorded[kChains];
  int64_t q[kChains][kSyncWindow + 1];
  std::vector<std::pair<int64_t, int64_t>> cps[kChains];  // (local symbol, its start bit)
  for (int k = 0; k < kChains; k++) {
    const int64_t b = ((end * k) / kChains) * 8;
    buf[k] = k == 0 ? out : scratch + (k - 1) * part;
    cap[k] = k == 0 ? n : k == kChains - 1 ? n - (k - 1) * part : part;
    stop[k] = k == kChains - 1 ? fast_until : ((end * (k + 1)) / kChains) * 8 - 64;
    I[k] = 0;
    C[k] = b;
    alive[k] = true;
    recorded[k] = 0;
    // Chain 0 starts in sync; the others record their first symbol starts.
    for (;;) {
      q[k][recorded[k]++] = C[k];
      if (k == 0 || recorded[k] > kSyncWindow || I[k] >= cap[k]) break;
      const uint32_t e = step_exact(stream, end, table, C[k]);
      if (e == 0) { alive[k] = false; break; }
      buf[k][I[k]++] = (uint8_t)(e >> 4);
      C[k] += e & 15;
    }
  }
  // All chains in one loop body, state in registers, so their lookups overlap.
  {
    int64_t i0 = I[0], c0 = C[0], i1 = I[1], c1 = C[1], i2 = I[2], c2 = C[2], i3 = I[3], c3 = C[3];
    int rounds = 0;
    while (alive[0] && alive[1] && alive[2] && alive[3] &&  //
           c0 <= stop[0] && i0 + 20 <= cap[0] && c1 <= stop[1] && i1 + 20 <= cap[1] &&  //
           c2 <= stop[2] && i2 + 20 <= cap[2] && c3 <= stop[3] && i3 + 20 <= cap[3]) {
      if (++rounds == kCheckpointRounds) {
        rounds = 0;
        cps[0].emplace_back(i0, c0);
        cps[1].emplace_back(i1, c1);
        cps[2].emplace_back(i2, c2);
        cps[3].emplace_back(i3, c3);
      }
      const bool a0 = multi_round(stream, mt, buf[0], i0, c0);
      const bool a1 = multi_round(stream, mt, buf[1], i1, c1);
      const bool a2 = multi_round(stream, mt, buf[2], i2, c2);
      const bool a3 = multi_round(stream, mt, buf[3], i3, c3);
      alive[0] = a0, alive[1] = a1, alive[2] = a2, alive[3] = a3;
    }
    I[0] = i0, C[0] = c0, I[1] = i1, C[1] = c1, I[2] = i2, C[2] = c2, I[3] = i3, C[3] = c3;
  }
  for (int k = 0; k < kChains; k++) {
    int64_t i = I[k], c = C[k];
    bool live = alive[k];
    int rounds = 0;
    while (live && c <= stop[k] && i + 20 <= cap[k]) {
      if (++rounds == kCheckpointRounds) {
        rounds = 0;
        cps[k].emplace_back(i, c);
      }
      live = multi_round(stream, mt, buf[k], i, c);
    }
    I[k] = i, C[k] = c, alive[k] = live;
  }
  // Each chain but the last single-steps until it meets the next one.
  int64_t sync_out[kChains];
  int join[kChains];
  for (int k = 0; k + 1 < kChains; k++) {
    sync_out[k] = -1;
    int j = 0;
    while (alive[k] && I[k] < cap[k]) {
      if (C[k] >= q[k + 1][0]) {
        while (j < recorded[k + 1] && q[k + 1][j] < C[k]) j++;
        if (j >= recorded[k + 1]) break;
        if (q[k + 1][j] == C[k]) {
          sync_out[k] = I[k];
          join[k] = j;
          break;
        }
      }
      const uint32_t e = step_exact(stream, end, table, C[k]);
      if (e == 0) break;
      buf[k][I[k]++] = (uint8_t)(e >> 4);
      C[k] += e & 15;
    }
  }
  // Join: chain k is valid from its local symbol j on, at global index base + j.
  int64_t base = 0;
  int64_t j = 0;
  for (int k = 0;; k++) {
    const bool joins = k + 1 < kChains && sync_out[k] >= j && base + sync_out[k] <= n &&
                       base + sync_out[k] - join[k] >= 0;
    int64_t upto = j, at = q[k][j];
    if (joins) {
      upto = sync_out[k];
    } else {
      // (I, C) is a symbol start too: where the chain stopped or failed.
      cps[k].emplace_back(I[k], C[k]);
      for (const auto& cp : cps[k])
        if (cp.first >= upto && base + cp.first <= n) upto = cp.first, at = cp.second;
    }
    if (k > 0) std::memcpy(out + base + j, buf[k] + j, (size_t)(upto - j));
    if (!joins) return decode_from(stream, end, table, mt, out, n, base + upto, at);
    base += sync_out[k] - join[k];
    j = join[k];
  }
}

}  // namespace

int64_t decode_split(const uint8_t* stream, int64_t end, const uint16_t* table, const Multi* mt, uint8_t* out,
                     int64_t n) {
  return decode_split_body(stream, end, table, mt, out, n);
}

#if defined(TH_HUFF_BMI2)
// The same with BMI2 (shlx: a variable shift in one µop, no flags), for CPUs that have it.
__attribute__((target("bmi2"))) int64_t decode_split_bmi2(const uint8_t* stream, int64_t end, const uint16_t* table,
                                                          const Multi* mt, uint8_t* out, int64_t n) {
  return decode_split_body(stream, end, table, mt, out, n);
}

bool has_bmi2() {
  static const bool yes = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("bmi2") != 0;
  }();
  return yes;
}
#endif

}  // namespace huff
}  // namespace th
