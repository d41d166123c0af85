// Internals of the Huffman decode shared by huffman.cc (tables, the
// sequential decode) and huffman_chains.cc (the multi-chain decode).
#pragma once
#include <cstdint>
#include <cstring>
#include "huffman.h"

namespace th {
namespace huff {

inline uint64_t load_be64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
#if defined(__GNUC__) || defined(__clang__)
  return __builtin_bswap64(v);
#else
  uint64_t r = 0;
  for (int k = 0; k < 8; k++) r = (r << 8) | p[k];
  return r;
#endif
}

#if defined(__GNUC__) || defined(__clang__)
#define TH_HUFF_INLINE inline __attribute__((always_inline))
#else
#define TH_HUFF_INLINE inline
#endif

struct Multi {
  uint32_t syms[kHuffTable];
  uint8_t meta[kHuffTable];
};

// One symbol in the exact model (zero bytes past the end, at most two): its
// table entry, or 0 when the code is unassigned or runs past end + 2 bytes.
inline uint32_t step_exact(const uint8_t* stream, int64_t end, const uint16_t* table, int64_t c) {
  if (c + kHuffBits > (end + 2) * 8) return 0;
  const int64_t b = c >> 3;
  uint32_t v = 0;
  for (int k = 0; k < 3; k++) v = (v << 8) | (b + k < end ? stream[b + k] : 0u);
  return table[(v >> (12 - (c & 7))) & (kHuffTable - 1)];
}

// Four multi-table lookups from bit c (caller guarantees c/8 + 8 <= end and
// i + 20 <= the room of out). False when the first code of a lookup is
// unassigned: i and c are then that symbol's index and start.
TH_HUFF_INLINE bool multi_round(const uint8_t* stream, const Multi* mt, uint8_t* out, int64_t& i, int64_t& c) {
  uint64_t w = load_be64(stream + (c >> 3)) << (c & 7);
  for (int k = 0; k < 4; k++) {
    const uint32_t x = (uint32_t)(w >> 52);
    const uint32_t m = mt->meta[x];
    if (m < 16) return false;  // count 0
    const uint32_t e = mt->syms[x];
    // Unconditional 4-byte store: the bytes past count are rewritten later
    // (or left unspecified after an error; TS leaves them unwritten).
    out[i] = (uint8_t)e;
    out[i + 1] = (uint8_t)(e >> 8);
    out[i + 2] = (uint8_t)(e >> 16);
    out[i + 3] = (uint8_t)(e >> 24);
    i += m >> 4;
    w <<= (m & 15);
    c += (m & 15);
  }
  return true;
}

// The sequential decode from symbol i at bit c (a symbol start reached by
// decoding from bit 0) to n: the bits consumed after symbol n-1, or -(e+1)
// for the first failing symbol e >= i. mt may be null (single-symbol table).
int64_t decode_from(const uint8_t* stream, int64_t end, const uint16_t* table, const Multi* mt, uint8_t* out,
                    int64_t n, int64_t i, int64_t c);

// The same result as decode_from(…, 0, 0) over 64 KiB+ streams, as four
// chains (huffman_chains.cc); the _bmi2 build only where has_bmi2().
int64_t decode_split(const uint8_t* stream, int64_t end, const uint16_t* table, const Multi* mt, uint8_t* out,
                     int64_t n);
#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__)
#if defined(__GNUC__) || defined(__clang__)
#define TH_HUFF_BMI2 1
int64_t decode_split_bmi2(const uint8_t* stream, int64_t end, const uint16_t* table, const Multi* mt, uint8_t* out,
                          int64_t n);
bool has_bmi2();
#endif
#endif

}  // namespace huff
}  // namespace th
