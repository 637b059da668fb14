// itr ctest [ctest args...]: runs ctest, skipping the CTest tests whose code
// did not change (skipper/ctest/ctest_runner.h).
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <system_error>

#include "cli/commands.h"
#include "skipper/base/diagnostics.h"
#include "skipper/ctest/build_tree.h"
#include "skipper/ctest/ctest_invocation.h"
#include "skipper/ctest/ctest_runner.h"

namespace itr::cli {

namespace {

// The repository of the sources the tested build tree was configured from
// (its CMakeCache.txt) unless one was named: the repository is where the
// sources are, not where ctest runs. Else `repo_root` (from the working
// directory), with a warning when no repository holds it.
std::string RepositoryOfBuild(const std::string& repo_root,
                              const std::vector<std::string>& args,
                              const std::string& cwd) {
  const char* given = std::getenv("ITR_REPO_ROOT");
  if (given != nullptr && *given) return repo_root;
  std::string test_dir = skipper::ctest::ParseCtestArgs(args, cwd).test_dir;
  std::string sources = skipper::ctest::BuildTreeSourceDir(test_dir);
  std::string root = sources.empty() ? "" : GitAncestor(sources);
  if (!root.empty()) return root;
  if (GitAncestor(repo_root).empty()) {
    skipper::ProcessDiagnostics().Warning(
        "no git repository above the build tree's sources or the working "
        "directory (" +
        repo_root + "); set ITR_REPO_ROOT to the repository");
  }
  return repo_root;
}

}  // namespace

const char kCtestUsage[] =
    "usage: itr ctest [ctest arguments...]\n"
    "Runs ctest with the Intelligent Test Runner: each CTest test is one\n"
    "unit. Tests whose processes executed only unchanged code are not\n"
    "started and show as \"Not Run (Disabled)\" in ctest's summary; the\n"
    "others run with ITR_TEST_ID and ITR_COVERAGE_EXPORT set, and every\n"
    "instrumented process they start records what it executed.\n"
    "Arguments go to ctest (-j, -R, -E, -L, -LE, -C, --test-dir,\n"
    "--output-junit, --output-on-failure, ...); listing and dashboard modes\n"
    "(-N, --show-only, -S, -D, -T) run ctest unchanged.\n"
    "The LABELS entry datadog_itr_unskippable forces a test to run.\n"
    "Records go to the same store as the in-process adapters, under module\n"
    "ctest:<build dir>, test ctest.<name> (itr status / explain / impacted).\n"
    "environment: ITR_CTEST (ctest program, default: ctest in PATH),\n"
    "  ITR_STORE, ITR_REPO_ROOT, DD_CIVISIBILITY_ITR_ENABLED, ITR_VERBOSE,\n"
    "  ITR_COLLECT_ONLY, ITR_UNSKIPPABLE (filters on ctest.<name>)\n"
    "exit code: ctest's own (127 when ctest cannot be started)\n";

int RunCtestCommand(const std::vector<std::string>& args,
                    const std::string& repo_root) {
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    std::cout << kCtestUsage;
    return kExitOk;
  }
  skipper::ctest::CtestRunOptions options;
  if (const char* ctest = std::getenv("ITR_CTEST"); ctest && *ctest) {
    options.ctest = ctest;
  }
  std::error_code error;
  options.cwd = std::filesystem::current_path(error).string();
  options.repo_root = RepositoryOfBuild(repo_root, args, options.cwd);
  return skipper::ctest::RunCtest(options, args);
}

}  // namespace itr::cli
