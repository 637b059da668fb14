#include "flag_scan.h"

#include <cstring>

namespace itr::runtime {

namespace {

constexpr size_t kBlock = 64;

// Reads 64 bytes as eight words; the OR tree vectorizes (SSE2/AVX2).
inline bool BlockIsZero(const uint8_t* p) {
  uint64_t w[8];
  memcpy(w, p, sizeof(w));
  return ((w[0] | w[1]) | (w[2] | w[3]) | (w[4] | w[5]) | (w[6] | w[7])) == 0;
}

template <typename Visit>
inline void ForEachSetByte(uint8_t* flags, size_t n, Visit visit) {
  size_t i = 0;
  for (; i + kBlock <= n; i += kBlock) {
    if (BlockIsZero(flags + i)) continue;
    for (size_t w = 0; w < kBlock; w += 8) {
      uint64_t word;
      memcpy(&word, flags + i + w, sizeof(word));
      while (word != 0) {
        size_t byte = static_cast<size_t>(__builtin_ctzll(word)) / 8;
        visit(i + w + byte);
        word &= ~(uint64_t{0xff} << (byte * 8));
      }
    }
  }
  for (; i < n; ++i) {
    if (flags[i] != 0) visit(i);
  }
}

}  // namespace

size_t CollectAndClearFlags(uint8_t* flags, size_t n, uint32_t* out) {
  size_t count = 0;
  ForEachSetByte(flags, n, [&](size_t index) {
    flags[index] = 0;
    out[count++] = static_cast<uint32_t>(index);
  });
  return count;
}

void AccumulateAndClearFlags(uint8_t* flags, size_t n, uint8_t* accumulated,
                             bool* any) {
  ForEachSetByte(flags, n, [&](size_t index) {
    flags[index] = 0;
    accumulated[index] = 1;
    *any = true;
  });
}

}  // namespace itr::runtime
