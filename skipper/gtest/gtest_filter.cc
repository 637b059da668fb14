#include "gtest_filter.h"

#include "skipper/markers/unskippable.h"

namespace itr {
namespace gtest {

bool MatchesFilter(const std::string& filter, const std::string& full_name) {
  return skipper::MatchesGtestFilter(filter, full_name);
}

std::string FilterExcluding(const std::string& filter,
                            const std::vector<std::string>& excluded) {
  if (excluded.empty()) return filter;
  std::string list;
  for (const std::string& name : excluded) {
    if (!list.empty()) list += ':';
    list += name;
  }
  if (filter.find('-') != std::string::npos) return filter + ":" + list;
  return (filter.empty() ? std::string("*") : filter) + "-" + list;
}

}  // namespace gtest
}  // namespace itr
