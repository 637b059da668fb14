// What a CMake build tree says about how its tests were built: the key of
// the configuration `itr ctest` records under (the test processes' own
// compiler is not visible from outside them).
#ifndef ITR_SKIPPER_CTEST_BUILD_TREE_H_
#define ITR_SKIPPER_CTEST_BUILD_TREE_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"

namespace itr::skipper::ctest {

// "<CXX compiler id> <version> <CMAKE_BUILD_TYPE> <CMAKE_CXX_FLAGS>" from
// <build_dir>/CMakeCache.txt and CMakeFiles/*/CMakeCXXCompiler.cmake (C
// when the project has no C++), or "unknown build" when they are missing.
std::string BuildTreeCompiler(const std::string& build_dir);

// The source directory the build tree was configured from
// (CMAKE_HOME_DIRECTORY in its CMakeCache.txt), or "".
std::string BuildTreeSourceDir(const std::string& build_dir);

// "ctest:<build dir relative to the repository>" (absolute when outside):
// the module the tests of one build tree are recorded under.
std::string BuildTreeModule(const std::string& build_dir,
                            const std::string& repo_root);
// The build directory of such a module.
std::string BuildTreeOfModule(const std::string& module,
                              const std::string& repo_root);

// Test key -> definition (TestDefinition) of every test of the build tree
// now, as `itr ctest` plans them: for planners outside it (`itr explain`).
absl::StatusOr<std::map<std::string, std::string>> BuildTreeDefinitions(
    const std::string& ctest, const std::string& build_dir,
    const std::string& repo_root);

}  // namespace itr::skipper::ctest

#endif  // ITR_SKIPPER_CTEST_BUILD_TREE_H_
