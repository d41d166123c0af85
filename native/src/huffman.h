// Table-driven decode of the byte-stream Huffman section
// (src/codecs/lossless/huffman.ts): bit-exact with its decodeSymbols.
#pragma once
#include <cstdint>

namespace th {

// Entries of the decode table: symbol·16 + code length, 0 = unassigned code.
constexpr int kHuffBits = 12;
constexpr int kHuffTable = 1 << kHuffBits;

// True when every nonzero entry of table[kHuffTable] has a length 1..12.
bool huffman_table_ok(const uint16_t* table);

// Decodes n symbols of stream[end] (MSB first; reads past the end see up to
// two zero bytes) into out[n]. Returns the bits consumed, or -(i+1) when
// symbol i hits an unassigned code or needs bits beyond end + 2 bytes.
// Reads only stream[0, end) and table[0, kHuffTable); writes only out[0, n).
// Streams of 64 KiB or more are decoded as four chains joined where they
// resynchronize (huffman.cc), with the same result as the sequential decode.
int64_t huffman_decode(const uint8_t* stream, int64_t end, const uint16_t* table, uint8_t* out, int64_t n);

}  // namespace th
