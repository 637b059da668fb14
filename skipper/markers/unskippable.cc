#include "skipper/markers/unskippable.h"

#include <mutex>

namespace itr::skipper {

namespace {

struct Marker {
  std::string suite, name, file;
};

std::vector<Marker>& Markers() {
  static auto* markers = new std::vector<Marker>();
  return *markers;
}

std::mutex& MarkersMutex() {
  static auto* mutex = new std::mutex();
  return *mutex;
}

}  // namespace

UnskippableRegistration::UnskippableRegistration(const char* suite,
                                                 const char* name,
                                                 const char* file) {
  std::lock_guard<std::mutex> lock(MarkersMutex());
  Markers().push_back({suite, name, file ? file : ""});
}

bool WildcardMatch(const std::string& pattern, const std::string& text) {
  size_t p = 0, t = 0, star = std::string::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::string BaseSuiteName(const std::string& suite) {
  // "Inst/Suite" (TEST_P), "Suite/0" (TYPED_TEST), "Prefix/Suite/0"
  // (TYPED_TEST_P): drop a trailing "/<index>", then a leading "<prefix>/".
  std::string base = suite;
  size_t last = base.rfind('/');
  if (last != std::string::npos && last + 1 < base.size() &&
      base.find_first_not_of("0123456789", last + 1) == std::string::npos) {
    base.resize(last);
  }
  size_t first = base.find('/');
  if (first != std::string::npos) base = base.substr(first + 1);
  return base;
}

namespace {

bool MatchesAnyPattern(const std::string& patterns, const std::string& name) {
  size_t begin = 0;
  while (begin <= patterns.size()) {
    size_t end = patterns.find(':', begin);
    if (end == std::string::npos) end = patterns.size();
    if (WildcardMatch(patterns.substr(begin, end - begin), name)) return true;
    begin = end + 1;
  }
  return false;
}

}  // namespace

bool MatchesGtestFilter(const std::string& filter, const std::string& name) {
  size_t dash = filter.find('-');
  std::string positive = filter.substr(0, dash);
  std::string negative =
      dash == std::string::npos ? "" : filter.substr(dash + 1);
  if (positive.empty()) positive = "*";
  return MatchesAnyPattern(positive, name) &&
         (negative.empty() || !MatchesAnyPattern(negative, name));
}

std::string BaseTestName(const std::string& name) {
  size_t slash = name.find('/');
  return slash == std::string::npos ? name : name.substr(0, slash);
}

std::string RegisteredUnskippableReason(const TestForMarkers& test) {
  std::string suite = BaseSuiteName(test.suite);
  std::string name = BaseTestName(test.name);
  std::lock_guard<std::mutex> lock(MarkersMutex());
  for (const Marker& m : Markers()) {
    if (!m.file.empty()) {
      if (m.file == test.source_file) return "DATADOG_ITR_UNSKIPPABLE_FILE";
      continue;
    }
    if (m.suite != suite) continue;
    if (m.name == "*") return "DATADOG_ITR_UNSKIPPABLE_SUITE";
    if (m.name == name) return "DATADOG_ITR_UNSKIPPABLE";
  }
  return "";
}

std::string UnskippableBy(const TestForMarkers& test,
                          const std::vector<std::string>& patterns) {
  if (test.suite.find(kUnskippableMarker) != std::string::npos ||
      test.name.find(kUnskippableMarker) != std::string::npos) {
    return std::string("name contains ") + kUnskippableMarker;
  }
  std::string full = test.suite + "." + test.name;
  for (const std::string& filter : patterns) {
    if (MatchesGtestFilter(filter, full)) {
      return "ITR_UNSKIPPABLE filter '" + filter + "'";
    }
  }
  return "";
}

}  // namespace itr::skipper
