// itr/gtest_itr.h — the Intelligent Test Runner for GoogleTest.
//
//   int main(int argc, char** argv) {
//     testing::InitGoogleTest(&argc, argv);
//     itr::gtest::InstallItr();   // the one line
//     return RUN_ALL_TESTS();
//   }
//
// Before any test runs it decides, from the local store, which tests are
// unchanged since they passed, and filters them out (composing with
// --gtest_filter and GoogleTest sharding); while tests run it records each
// result with the files it executed. Markers: itr/gtest_unskippable.h.
// Any failure (store unreadable, no instrumentation) runs every test, with a
// one-line warning.
#ifndef ITR_GTEST_ITR_H_
#define ITR_GTEST_ITR_H_

#include <string>

#include "itr/coverage.h"

namespace itr::gtest {

// `compiler` identifies the build configuration; InstallItr() passes
// BuildConfiguration() of the TU calling it, i.e. of the test binary.
void InstallItrWithCompiler(const char* compiler);

// Compiler, version and build flavour of the calling TU: records made by a
// Release build are never reused by a Debug, ASan or TSan build.
ITR_NO_COVERAGE inline std::string BuildConfiguration() {
#if defined(__clang__)
  std::string c = "clang " __clang_version__;
#elif defined(__GNUC__)
  std::string c = "gcc " __VERSION__;
#else
  std::string c = "unknown";
#endif
#if defined(__OPTIMIZE__)
  c += " optimized";
#endif
#if defined(NDEBUG)
  c += " NDEBUG";
#endif
#if defined(__SANITIZE_ADDRESS__)
  c += " asan";
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  c += " asan";
#endif
#endif
#if defined(__SANITIZE_THREAD__)
  c += " tsan";
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
  c += " tsan";
#endif
#endif
#if defined(__has_feature)
#if __has_feature(memory_sanitizer)
  c += " msan";
#endif
#if __has_feature(undefined_behavior_sanitizer)
  c += " ubsan";
#endif
#endif
  return c;
}

ITR_NO_COVERAGE inline void InstallItr() {
  InstallItrWithCompiler(BuildConfiguration().c_str());
}

}  // namespace itr::gtest

#endif  // ITR_GTEST_ITR_H_
