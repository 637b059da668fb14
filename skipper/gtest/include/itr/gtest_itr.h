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
// result with what it executed. Markers: itr/gtest_unskippable.h.
// Any failure (store unreadable, no instrumentation) runs every test, with a
// one-line warning.
#ifndef ITR_GTEST_ITR_H_
#define ITR_GTEST_ITR_H_

#include <string>

#include "itr/build_configuration.h"
#include "itr/coverage.h"

namespace itr {
namespace gtest {

// `compiler` identifies the build configuration; InstallItr() passes
// BuildConfiguration() of the TU calling it, i.e. of the test binary.
void InstallItrWithCompiler(const char* compiler);

ITR_NO_COVERAGE inline void InstallItr() {
  InstallItrWithCompiler(::itr::BuildConfiguration().c_str());
}

}  // namespace gtest
}  // namespace itr

#endif  // ITR_GTEST_ITR_H_
