// Recursive generation of every permutation of a small array.
#include <cstddef>
#include <utility>
#include <vector>

#include "cases.h"
#include "random.h"

namespace workload {

namespace {

void Permute(std::vector<int>& items, size_t first, uint64_t* hash) {
  if (first == items.size()) {
    uint64_t value = 0;
    for (int item : items) value = value * 10 + static_cast<uint64_t>(item);
    *hash = Mix(*hash, value);
    return;
  }
  for (size_t i = first; i < items.size(); ++i) {
    std::swap(items[first], items[i]);
    Permute(items, first + 1, hash);
    std::swap(items[first], items[i]);
  }
}

}  // namespace

uint64_t PermutationCase(uint32_t seed) {
  uint64_t hash = 0;
  for (uint32_t round = 0; round < 4; ++round) {
    std::vector<int> items = {1, 2, 3, 4, 5, 6, 7};
    std::swap(items[0], items[(seed + round) % items.size()]);
    Permute(items, 0, &hash);
  }
  return hash;
}

}  // namespace workload
