// Byte planes of the byteplane codec (src/codecs/lossless/planes.ts): plane k
// holds byte k of every element; for F32/F16/BF16 the element is first
// rotated left by one bit (sign to the bottom). Bit-exact with splitPlanes /
// mergePlanes there. Picks scalar / AVX2 / AVX-512 by the active dispatch level.
#pragma once
#include <cstdint>

namespace th {

constexpr int kMaxPlanes = 8;

// One plane to merge: n bytes at `data`, or (data == nullptr) every byte `value`.
struct PlaneSource {
  const uint8_t* data;
  uint8_t value;
};

// out[i·P + k] = byte k of element i, rebuilt from planes[0..P) (P 1..8);
// `rotate` (P 2 or 4 only) undoes the sign rotation. Writes only out[0, n·P).
void planes_merge(const PlaneSource* planes, int P, bool rotate, int64_t n, uint8_t* out);

// planes[k·n + i] = byte k of element i of src (n elements of P bytes);
// `rotate` (P 2 or 4 only) rotates each element left by one bit first.
void planes_split(const uint8_t* src, int64_t n, int P, bool rotate, uint8_t* planes);

}  // namespace th
