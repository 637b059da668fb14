// GoogleTest filters and ITR_UNSKIPPABLE patterns against test names:
// first line the filter, the rest names. Matching must stay fast for
// patterns full of '*' (no exponential backtracking).
#include "fuzz_input.h"
#include "skipper/markers/unskippable.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace itr::skipper;
  std::vector<std::string> lines =
      itr::fuzz::Lines(itr::fuzz::Text(data, size));
  const std::string filter = lines.front();
  for (size_t i = 1; i < lines.size() && i < 16; ++i) {
    const std::string& name = lines[i];
    MatchesGtestFilter(filter, name);
    WildcardMatch(filter, name);
    const size_t dot = name.find('.');
    TestForMarkers test{name.substr(0, dot),
                        dot == std::string::npos ? "" : name.substr(dot + 1),
                        ""};
    UnskippableBy(test, {filter});
    BaseSuiteName(test.suite);
    BaseTestName(test.name);
  }
  return 0;
}
