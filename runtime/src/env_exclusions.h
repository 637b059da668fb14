// The environment variables that are never a dependency of the code under
// test: those itr-cpp and the test frameworks read for themselves. The one
// place that lists them (docs/runtime.md, "Read tracking", repeats it).
#ifndef ITR_RUNTIME_ENV_EXCLUSIONS_H_
#define ITR_RUNTIME_ENV_EXCLUSIONS_H_

#include <cstddef>

namespace itr::runtime {

struct ExcludedVariable {
  const char* text;
  size_t length;
  bool prefix;  // every name starting with `text`, else exactly `text`
};

// itr-cpp (ITR_, DD_), the frameworks' own settings (GTEST_, CATCH_,
// DOCTEST_), terminal colours (GoogleTest reads TERM to colour its output),
// and the test-runner protocol variables frameworks read to talk to Bazel
// and CTest-like runners (sharding, XML output, premature-exit file).
inline constexpr ExcludedVariable kExcludedVariables[] = {
    {"ITR_", 4, true},
    {"DD_", 3, true},
    {"GTEST_", 6, true},
    {"CATCH_", 6, true},
    {"DOCTEST_", 8, true},
    {"TESTBRIDGE_", 11, true},
    {"TERM", 4, false},
    {"COLORTERM", 9, false},
    {"NO_COLOR", 8, false},
    {"CLICOLOR", 8, false},
    {"CLICOLOR_FORCE", 14, false},
    {"XML_OUTPUT_FILE", 15, false},
    {"TEST_PREMATURE_EXIT_FILE", 24, false},
    {"TEST_SHARD_INDEX", 16, false},
    {"TEST_TOTAL_SHARDS", 17, false},
    {"TEST_SHARD_STATUS_FILE", 22, false},
    {"BAZEL_TEST", 10, false},
};

// True when reading `name` (`length` bytes, not necessarily terminated) is
// never recorded. A handful of first-byte comparisons for most names.
bool IsExcludedVariable(const char* name, size_t length);

}  // namespace itr::runtime

#endif  // ITR_RUNTIME_ENV_EXCLUSIONS_H_
