#include "gtest_filter.h"

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "skipper/markers/unskippable.h"

namespace itr::gtest {

namespace {

bool MatchesAny(const std::string& patterns, const std::string& name) {
  for (absl::string_view pattern : absl::StrSplit(patterns, ':')) {
    if (skipper::WildcardMatch(std::string(pattern), name)) return true;
  }
  return false;
}

}  // namespace

bool MatchesFilter(const std::string& filter, const std::string& full_name) {
  size_t dash = filter.find('-');
  std::string positive = filter.substr(0, dash);
  std::string negative =
      dash == std::string::npos ? "" : filter.substr(dash + 1);
  if (positive.empty()) positive = "*";
  return MatchesAny(positive, full_name) &&
         (negative.empty() || !MatchesAny(negative, full_name));
}

std::string FilterExcluding(const std::string& filter,
                            const std::vector<std::string>& excluded) {
  if (excluded.empty()) return filter;
  std::string list = absl::StrJoin(excluded, ":");
  if (filter.find('-') != std::string::npos) return filter + ":" + list;
  return (filter.empty() ? std::string("*") : filter) + "-" + list;
}

}  // namespace itr::gtest
