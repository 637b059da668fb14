// skipper/base: the one-clear-line rule, subprocesses, process facts.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "skipper/base/diagnostics.h"
#include "skipper/base/process_info.h"
#include "skipper/base/subprocess.h"

namespace itr::skipper {
namespace {

TEST(Diagnostics, EveryLineIsOneItrLineAndEachWarningIsShownOnce) {
  std::vector<std::string> lines;
  Diagnostics diagnostics(
      [&](const std::string& line) { lines.push_back(line); });
  diagnostics.Warning("store x\nis corrupt\t ");
  diagnostics.Warning("store x is corrupt");  // the same line once folded
  diagnostics.Info("skipped 1 of 2 tests");
  diagnostics.Detail(1, "not shown at verbosity 0");
  diagnostics.set_verbosity(1);
  diagnostics.Detail(1, "shown at verbosity 1");
  diagnostics.Detail(2, "not shown at verbosity 1");
  EXPECT_EQ(lines, (std::vector<std::string>{"itr: warning: store x is corrupt",
                                             "itr: skipped 1 of 2 tests",
                                             "itr: shown at verbosity 1"}));
  EXPECT_EQ(diagnostics.warning_count(), 1u);
}

TEST(Subprocess, ExitCodesCapturedStreamsAndSignals) {
  SubprocessOptions capture;
  capture.capture_stdout = capture.capture_stderr = true;
  auto result =
      RunSubprocess({"sh", "-c", "echo out; echo err >&2; exit 3"}, capture);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 3);
  EXPECT_EQ(result->out, "out\n");
  EXPECT_EQ(result->err, "err\n");
  auto killed = RunSubprocess({"sh", "-c", "kill -TERM $$"}, {});
  ASSERT_TRUE(killed.ok());
  EXPECT_EQ(killed->exit_code, 128 + 15);
}

TEST(Subprocess, TimeoutKillsAndMissingProgramIsNotFound) {
  SubprocessOptions bounded;
  bounded.capture_stdout = true;
  bounded.timeout = absl::Milliseconds(200);
  auto slow = RunSubprocess({"sleep", "10"}, bounded);
  ASSERT_TRUE(slow.ok());
  EXPECT_TRUE(slow->timed_out);
  auto missing = RunSubprocess({"/nonexistent/program"}, {});
  EXPECT_TRUE(absl::IsNotFound(missing.status())) << missing.status();
}

TEST(Subprocess, GivenEnvironmentOnly) {
  std::vector<std::string> env = {"ITR_SUBPROCESS_TEST=yes",
                                  "PATH=/usr/bin:/bin"};
  SubprocessOptions options;
  options.capture_stdout = true;
  options.environment = &env;
  auto result =
      RunSubprocess({"sh", "-c", "echo $ITR_SUBPROCESS_TEST$HOME"}, options);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->out, "yes\n");
}

TEST(ProcessInfo, NamesThisBinary) {
  EXPECT_EQ(CurrentModuleName(), "skipper_unit_test");
  EXPECT_NE(CurrentCommandLine().find("skipper_unit_test"), std::string::npos);
  EXPECT_GT(ExecutableModifiedAtNs(), 0);
}

}  // namespace
}  // namespace itr::skipper
