// Insert / find / erase churn on std::unordered_map<uint64_t, uint64_t>.
#include <unordered_map>

#include "cases.h"
#include "random.h"

namespace workload {

uint64_t HashChurnCase(uint32_t seed) {
  Random random(seed);
  std::unordered_map<uint64_t, uint64_t> table;
  uint64_t result = 0;
  for (int i = 0; i < 7000; ++i) {
    uint64_t key = random.Below(4096);
    switch (random.Below(4)) {
      case 0:
      case 1:
        table[key] += i;
        break;
      case 2: {
        auto it = table.find(key);
        result = Mix(result, it == table.end() ? key : it->second);
        break;
      }
      default:
        result = Mix(result, table.erase(key));
    }
  }
  return Mix(result, table.size());
}

}  // namespace workload
