// Files a CTest test's command names that belong to the repository: a
// script (`pipeline.sh`, `python3 check.py`), a data file passed as an
// argument. Coverage cannot see them (they are not compiled), so they are
// added to the test's dependencies: editing the script makes the test run.
// Files in the build tree (the binaries themselves) are not: their code is
// what coverage already tracks.
#ifndef ITR_SKIPPER_CTEST_COMMAND_FILES_H_
#define ITR_SKIPPER_CTEST_COMMAND_FILES_H_

#include <string>
#include <vector>

namespace itr::skipper::ctest {

// Repository-relative paths of the existing regular files among `command`'s
// absolute-path arguments that lie under `repo_root` and not under
// `build_dir`.
std::vector<std::string> CommandFiles(const std::vector<std::string>& command,
                                      const std::string& repo_root,
                                      const std::string& build_dir);

}  // namespace itr::skipper::ctest

#endif  // ITR_SKIPPER_CTEST_COMMAND_FILES_H_
