// Huffman section decode, the native twin of decodeSymbols in
// src/codecs/lossless/huffman.ts. Model shared with the TS loop: symbol i
// starts at bit c (the bits consumed so far); it fails when c + 12 exceeds
// the stream plus two zero bytes, or when the 12 bits at c (zero-padded)
// index an empty entry; else it emits the entry's symbol and c += length.
// The fast path loads 8 stream bytes (≥ 57 valid bits) per 4 lookups of at
// most 12 bits each while 8 whole bytes remain; for long sections each lookup
// goes to a multi-symbol table (up to 4 symbols whose codes fit in the 12
// bits), so short codes (exponent planes: 2–4 bits) cost a fraction of a
// lookup each. The tail pads with zeros, one symbol at a time. Long streams
// run four such decoders at once over parts of the stream (decode_split).
#include "huffman.h"
#include "dispatch.h"
#include "huffman_internal.h"
#include <memory>

namespace th {
namespace huff {

namespace {

// Multi-symbol entries: syms[x] holds up to 4 symbols (s1 in the low byte)
// and meta[x] = bits | count << 4 of the 12 indexed bits; count 0 = the first
// code is unassigned (the single table says which). A further symbol is taken
// only when its whole code lies inside the 12 bits (its length <= the bits
// left), so it is exact whatever follows. Two tables, looked up in parallel,
// keep both in L1 (16 KiB + 4 KiB).
void build_multi(const uint16_t* table, uint32_t* syms, uint8_t* meta) {
  for (uint32_t x = 0; x < (uint32_t)kHuffTable; x++) {
    uint32_t entry = 0, count = 0, used = 0;
    while (count < 4) {
      const uint32_t e = table[(x << used) & (kHuffTable - 1)];
      const uint32_t len = e & 15;
      if (e == 0 || used + len > (uint32_t)kHuffBits) break;
      entry |= (e >> 4) << (8 * count);
      count++;
      used += len;
    }
    syms[x] = entry;
    meta[x] = (uint8_t)(used | count << 4);
  }
}

// Below this many symbols the 4096-entry multi table costs more than it saves.
constexpr int64_t kMultiMin = 1 << 14;
// Streams at least this long are decoded as several chains (decode_split).
constexpr int64_t kSplitMinBytes = 1 << 16;

}  // namespace

int64_t decode_from(const uint8_t* stream, int64_t end, const uint16_t* table, const Multi* mt, uint8_t* out,
                    int64_t n, int64_t i, int64_t c) {
  // An 8-byte load at byte c/8 stays inside the stream while c/8 + 8 <= end.
  const int64_t fast_until = end >= 8 ? (end - 8) * 8 : -1;
  if (mt != nullptr) {
    // ≤ 16 symbols per round, and each lookup stores 4 bytes at out + i.
    while (c <= fast_until && i + 20 <= n)
      if (!multi_round(stream, mt, out, i, c)) return -(i + 1);
  }
#define TH_HUFF_STEP                         \
  {                                          \
    const uint32_t e = table[w >> 52];       \
    if (e == 0) return -(i + 1);             \
    out[i++] = (uint8_t)(e >> 4);            \
    w <<= (e & 15);                          \
    c += (e & 15);                           \
  }
  while (c <= fast_until && i + 4 <= n) {
    uint64_t w = load_be64(stream + (c >> 3)) << (c & 7);
    TH_HUFF_STEP TH_HUFF_STEP TH_HUFF_STEP TH_HUFF_STEP
  }
#undef TH_HUFF_STEP
  for (; i < n; i++) {
    const uint32_t e = step_exact(stream, end, table, c);
    if (e == 0) return -(i + 1);
    out[i] = (uint8_t)(e >> 4);
    c += e & 15;
  }
  return c;
}

}  // namespace huff

using namespace huff;

bool huffman_table_ok(const uint16_t* table) {
  for (int k = 0; k < kHuffTable; k++) {
    const unsigned len = table[k] & 15u;
    if (table[k] != 0 && (len == 0 || len > (unsigned)kHuffBits)) return false;
  }
  return true;
}

int64_t huffman_decode(const uint8_t* stream, int64_t end, const uint16_t* table, uint8_t* out, int64_t n) {
  if (n < kMultiMin) return decode_from(stream, end, table, nullptr, out, n, 0, 0);
  std::unique_ptr<Multi> mt(new Multi);
  build_multi(table, mt->syms, mt->meta);
  if (end >= kSplitMinBytes) {
#if defined(TH_HUFF_BMI2)
    // BMI2 with the SIMD levels (every AVX2 CPU has it); scalar keeps the portable build.
    if (active_level() >= 2 && has_bmi2()) return decode_split_bmi2(stream, end, table, mt.get(), out, n);
#endif
    return decode_split(stream, end, table, mt.get(), out, n);
  }
  return decode_from(stream, end, table, mt.get(), out, n, 0, 0);
}

}  // namespace th
