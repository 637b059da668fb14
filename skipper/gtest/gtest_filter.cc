#include "gtest_filter.h"

#include "absl/strings/str_join.h"
#include "skipper/markers/unskippable.h"

namespace itr::gtest {

bool MatchesFilter(const std::string& filter, const std::string& full_name) {
  return skipper::MatchesGtestFilter(filter, full_name);
}

std::string FilterExcluding(const std::string& filter,
                            const std::vector<std::string>& excluded) {
  if (excluded.empty()) return filter;
  std::string list = absl::StrJoin(excluded, ":");
  if (filter.find('-') != std::string::npos) return filter + ":" + list;
  return (filter.empty() ? std::string("*") : filter) + "-" + list;
}

}  // namespace itr::gtest
