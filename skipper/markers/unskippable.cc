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
  std::string base = suite;
  size_t slash = base.find('/');
  // "Inst/Suite" (TEST_P) or "Suite/0" (TYPED_TEST): keep the part that is
  // not a number; "Inst/Suite/0" never happens in GoogleTest.
  if (slash != std::string::npos) {
    std::string first = base.substr(0, slash), second = base.substr(slash + 1);
    bool second_is_index =
        !second.empty() &&
        second.find_first_not_of("0123456789") == std::string::npos;
    base = second_is_index ? first : second;
  }
  return base;
}

std::string BaseTestName(const std::string& name) {
  size_t slash = name.find('/');
  return slash == std::string::npos ? name : name.substr(0, slash);
}

std::string UnskippableBy(const TestForMarkers& test,
                          const std::vector<std::string>& patterns) {
  if (test.suite.find(kUnskippableMarker) != std::string::npos ||
      test.name.find(kUnskippableMarker) != std::string::npos) {
    return std::string("name contains ") + kUnskippableMarker;
  }
  std::string suite = BaseSuiteName(test.suite);
  std::string name = BaseTestName(test.name);
  {
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
  }
  std::string full = test.suite + "." + test.name;
  for (const std::string& pattern : patterns) {
    if (WildcardMatch(pattern, full)) {
      return "ITR_UNSKIPPABLE pattern '" + pattern + "'";
    }
  }
  return "";
}

}  // namespace itr::skipper
