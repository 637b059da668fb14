// std::sort of records with a three-key comparator.
#include <algorithm>
#include <string>
#include <vector>

#include "cases.h"
#include "random.h"

namespace workload {

namespace {

struct Record {
  std::string owner;
  int priority;
  int64_t timestamp;
};

bool ComesBefore(const Record& a, const Record& b) {
  if (a.priority != b.priority) return a.priority > b.priority;
  if (a.owner != b.owner) return a.owner < b.owner;
  return a.timestamp < b.timestamp;
}

}  // namespace

uint64_t RecordSortCase(uint32_t seed) {
  Random random(seed);
  std::vector<Record> records;
  records.reserve(1200);
  for (int i = 0; i < 1200; ++i) {
    records.push_back(Record{"owner" + std::to_string(random.Below(40)),
                             static_cast<int>(random.Below(5)),
                             static_cast<int64_t>(random.Below(1000000))});
  }
  std::sort(records.begin(), records.end(), ComesBefore);
  uint64_t result = 0;
  for (const Record& record : records) {
    result = Mix(result, static_cast<uint64_t>(record.timestamp));
  }
  return result;
}

}  // namespace workload
