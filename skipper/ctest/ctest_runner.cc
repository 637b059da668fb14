#include "skipper/ctest/ctest_runner.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "skipper/base/diagnostics.h"
#include "skipper/base/status_macros.h"
#include "skipper/base/subprocess.h"
#include "skipper/coverage/exported_coverage.h"
#include "skipper/ctest/build_tree.h"
#include "skipper/ctest/command_files.h"
#include "skipper/ctest/ctest_invocation.h"
#include "skipper/ctest/ctest_listing.h"
#include "skipper/ctest/junit_results.h"
#include "skipper/ctest/wrapper_testfile.h"
#include "skipper/datadog/datadog_entry.h"
#include "skipper/fingerprint/file_fingerprinter.h"
#include "skipper/session/datadog_loader.h"
#include "skipper/session/itr_session.h"

namespace itr::skipper::ctest {

namespace {

namespace fs = std::filesystem;

constexpr char kUnskippableLabel[] = "datadog_itr_unskippable";

// Runs `argv` with the terminal left to it; its exit code, or 127 (what a
// shell returns for a command it cannot run) with one line.
int RunOrComplain(const std::vector<std::string>& argv) {
  absl::StatusOr<SubprocessResult> result = RunSubprocess(argv, {});
  if (result.ok()) return result->exit_code;
  ProcessDiagnostics().Info(result.status().message());
  return 127;
}

// "3.25.1" from `ctest --version`, or "unknown".
std::string CtestVersion(const std::string& ctest) {
  absl::StatusOr<std::string> out = CaptureOutput({ctest, "--version"});
  const std::string prefix = "ctest version ";
  if (!out.ok() || out->compare(0, prefix.size(), prefix) != 0) {
    return "unknown";
  }
  return out->substr(prefix.size(), out->find('\n') - prefix.size());
}

absl::Status WriteFile(const fs::path& path, const std::string& text) {
  fs::path temporary = path;
  temporary += ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << text;
    if (!out.flush()) {
      return absl::UnavailableError("cannot write " + temporary.string());
    }
  }
  std::error_code error;
  fs::rename(temporary, path, error);
  if (error) return absl::UnavailableError("cannot write " + path.string());
  return absl::OkStatus();
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The framework's own reasons for a CTest test to always run ("" if none).
std::string CtestUnskippableReason(const CtestTest& test) {
  for (const std::string& label : test.labels) {
    if (label == kUnskippableLabel) return "LABELS datadog_itr_unskippable";
  }
  if (test.fixture) return "a CTest fixture setup/cleanup test";
  return "";
}

// The selected tests as the session plans them. Tests of one name (CTest
// allows it across directories) share an identity, a result and a coverage
// file: none can be told apart, so they always run and are never recorded.
std::vector<PlannedTest> PlannedTests(const std::vector<CtestTest>& tests,
                                      const std::string& module,
                                      const CtestRunOptions& options,
                                      const std::string& test_dir,
                                      const ItrSession& session,
                                      std::set<std::string>* ambiguous) {
  std::map<std::string, int> name_count;
  for (const CtestTest& test : tests) ++name_count[test.name];
  std::vector<PlannedTest> planned;
  for (const CtestTest& test : tests) {
    if (test.disabled) continue;  // the user's DISABLED: ctest skips it
    PlannedTest entry;
    entry.identity.module = module;
    entry.identity.suite = kCtestSuite;
    entry.identity.name = test.name;
    entry.unskippable_reason = CtestUnskippableReason(test);
    if (entry.unskippable_reason.empty()) {
      entry.unskippable_reason =
          session.SharedUnskippableReason(kCtestSuite, test.name);
    }
    if (name_count[test.name] > 1) {
      entry.unskippable_reason = "several CTest tests are named " + test.name;
      ambiguous->insert(test.name);
    }
    entry.unskippable = !entry.unskippable_reason.empty();
    // Scripts and data files named on the command line count too.
    entry.uncompiled_files =
        CommandFiles(test.command, options.repo_root, test_dir);
    entry.definition = TestDefinition(test, test_dir, options.repo_root);
    entry.runner_environment = EnvironmentNames(test);
    planned.push_back(std::move(entry));
  }
  return planned;
}

// One `itr ctest` run, past the point where the arguments are ours to
// handle.
class Run {
 public:
  Run(const CtestRunOptions& options, CtestInvocation invocation,
      const std::vector<std::string>& user_args)
      : options_(options),
        invocation_(std::move(invocation)),
        user_args_(user_args) {}
  ~Run() {
    if (lock_fd_ >= 0) close(lock_fd_);
  }
  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;

  int Execute();

 private:
  absl::StatusOr<std::vector<CtestTest>> ListTests();
  void StartSession();
  absl::Status PrepareWrapperDirectory();
  // This shard's part of the planned tests (ITR_TOTAL_SHARDS,
  // ITR_SHARD_INDEX): the balanced plan (ITR_SHARDING=balanced), else
  // round-robin by position; every planned test when not sharded.
  std::vector<size_t> ShardOfPlanned();
  // Disables the tests outside `in_shard` and the skipped ones.
  absl::Status WriteWrapper(const std::vector<size_t>& in_shard);
  int RunPlain();
  void Record(int ctest_exit_code);

  const CtestRunOptions& options_;
  CtestInvocation invocation_;
  const std::vector<std::string>& user_args_;
  int lock_fd_ = -1;  // flock() on .itr-ctest/lock
  std::unique_ptr<ItrSession> session_;
  ExportedCoverage* coverage_ = nullptr;  // owned by session_
  std::set<std::string> ambiguous_;       // names of several tests
  std::vector<size_t> to_run_;
  fs::path wrapper_dir_, coverage_dir_, junit_;
};

absl::StatusOr<std::vector<CtestTest>> Run::ListTests() {
  return ListCtestTests(options_.ctest, invocation_.test_dir, invocation_.args);
}

void Run::StartSession() {
  SessionOptions options;
  options.framework = kCtestSuite;
  options.framework_version = CtestVersion(options_.ctest);
  options.build_configuration = BuildTreeCompiler(invocation_.test_dir);
  options.module = BuildTreeModule(invocation_.test_dir, options_.repo_root);
  options.command = "itr ctest";
  for (const std::string& arg : user_args_) {
    absl::StrAppend(&options.command, " ", arg);
  }
  options.repo_root = options_.repo_root;
  // Planning compares fingerprints only; each recorded test brings the
  // build time of the binaries it ran.
  options.planning_built_at_ns = kNoBuildTime;
  auto coverage = std::make_unique<ExportedCoverage>();
  coverage_ = coverage.get();
  options.coverage = std::move(coverage);
  // `itr` carries the Datadog backend itself: no library to load.
  RegisterLinkedDatadog(itr_datadog_entry());
  session_ = ItrSession::Start(std::move(options));
}

absl::Status Run::PrepareWrapperDirectory() {
  wrapper_dir_ = fs::path(invocation_.test_dir) / ".itr-ctest";
  coverage_dir_ = wrapper_dir_ / "coverage";
  std::error_code error;
  fs::create_directories(wrapper_dir_, error);
  // Another `itr ctest` on this build tree waits: the wrapper directory
  // (test file, coverage files, report) is one per tree.
  lock_fd_ =
      open((wrapper_dir_ / "lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0 || flock(lock_fd_, LOCK_EX) != 0) {
    return absl::UnavailableError("cannot lock " + wrapper_dir_.string());
  }
  fs::remove_all(coverage_dir_, error);
  fs::create_directories(coverage_dir_, error);
  if (error) {
    return absl::UnavailableError("cannot create " + coverage_dir_.string());
  }
  // .itr-ctest/ must not show up in a repository's status.
  (void)WriteFile(wrapper_dir_ / ".gitignore", "*\n");
  junit_ = invocation_.junit_path.empty() ? wrapper_dir_ / "junit.xml"
                                          : fs::path(invocation_.junit_path);
  fs::remove(junit_, error);
  return absl::OkStatus();
}

std::vector<size_t> Run::ShardOfPlanned() {
  const std::vector<PlannedTest>& planned = session_->planned();
  std::vector<size_t> all(planned.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  const Settings& settings = session_->settings();
  if (settings.total_shards == 0) return all;
  std::vector<bool> mine(planned.size(), false);
  if (std::optional<std::vector<size_t>> in_shard = session_->ShardTests(
          all, settings.total_shards, settings.shard_index)) {
    for (size_t i : *in_shard) mine[i] = true;
  } else {
    for (size_t i : all) {
      mine[i] = i % static_cast<size_t>(settings.total_shards) ==
                static_cast<size_t>(settings.shard_index);
    }
  }
  // The wrapper disables tests by name, which disables every test of that
  // name: all the tests of one name go to the shard of the first.
  std::map<std::string, bool> first_of_name;
  for (size_t i : all) {
    const std::string& name = planned[i].identity.name;
    if (ambiguous_.count(name) == 0) continue;
    mine[i] = first_of_name.emplace(name, mine[i]).first->second;
  }
  std::vector<size_t> out;
  for (size_t i : all) {
    if (mine[i]) out.push_back(i);
  }
  return out;
}

absl::Status Run::WriteWrapper(const std::vector<size_t>& in_shard) {
  std::vector<bool> mine(session_->planned().size(), false);
  for (size_t i : in_shard) mine[i] = true;
  std::vector<WrappedTest> wrapped;
  for (size_t i = 0; i < session_->planned().size(); ++i) {
    const TestIdentity& identity = session_->planned()[i].identity;
    WrappedTest test{identity.name, !mine[i] || session_->decisions()[i].skip,
                     "", ""};
    if (!test.skip) {
      to_run_.push_back(i);
      std::string file = (coverage_dir_ / absl::StrCat(i, ".jsonl")).string();
      coverage_->SetFile(identity, file);
      // A name CMake's list cannot carry runs unobserved: never skipped.
      if (FitsCmakeList(identity.name)) {
        test.test_id = session_->module() + "/" + identity.name;
        test.coverage_file = file;
      }
    }
    wrapped.push_back(std::move(test));
  }
  ITR_ASSIGN_OR_RETURN(std::string testfile,
                       WrapperTestfile(invocation_.test_dir, wrapped));
  return WriteFile(wrapper_dir_ / "CTestTestfile.cmake", testfile);
}

int Run::RunPlain() {
  std::vector<std::string> argv = {options_.ctest};
  argv.insert(argv.end(), user_args_.begin(), user_args_.end());
  return RunOrComplain(argv);
}

int Run::Execute() {
  StartSession();
  if (!session_->enabled()) return RunPlain();
  absl::StatusOr<std::vector<CtestTest>> tests = ListTests();
  // Not a build tree, or nothing selected: ctest says so itself.
  if (tests.ok() && tests->empty()) return RunPlain();
  if (!tests.ok()) {
    ProcessDiagnostics().Warning(
        absl::StrCat(tests.status().message(), "; all tests run"));
    return RunPlain();
  }
  session_->Plan(PlannedTests(*tests, session_->module(), options_,
                              invocation_.test_dir, *session_, &ambiguous_));
  // No usable backend: the warning is out, ctest runs as asked.
  if (!session_->records()) return RunPlain();
  const std::vector<size_t> in_shard = ShardOfPlanned();
  absl::Status prepared = PrepareWrapperDirectory();
  if (prepared.ok()) prepared = WriteWrapper(in_shard);
  if (!prepared.ok()) {
    ProcessDiagnostics().Warning(
        absl::StrCat(prepared.message(), "; all tests run"));
    return RunPlain();
  }
  session_->SelectTests(in_shard);  // the summary line
  session_->TestsLaunched(to_run_);
  // The tests' processes must name files relative to the same root as
  // the store's records.
  setenv("ITR_REPO_ROOT", options_.repo_root.c_str(), /*overwrite=*/1);
  std::vector<std::string> argv = {options_.ctest, "--test-dir",
                                   wrapper_dir_.string(), "--output-junit",
                                   junit_.string()};
  argv.insert(argv.end(), invocation_.args.begin(), invocation_.args.end());
  int code = RunOrComplain(argv);
  Record(code);
  return code;
}

// Reads the JUnit report and each test's coverage file into the backend.
void Run::Record(int ctest_exit_code) {
  absl::StatusOr<std::map<std::string, CtestResult>> results =
      ParseJunit(ReadFile(junit_));
  if (!results.ok()) {
    ProcessDiagnostics().Warning(
        "no JUnit report from ctest (" + junit_.string() +
        "); nothing recorded, the tests run next time");
    return;
  }
  for (size_t i : to_run_) {
    const std::string& name = session_->planned()[i].identity.name;
    auto found = results->find(name);
    // Not run (e.g. --stop-on-failure), or not ours to tell apart: stays
    // "running", runs next time.
    if (found == results->end() || found->second.status == "disabled" ||
        ambiguous_.count(name) > 0) {
      continue;
    }
    const CtestResult& result = found->second;
    // JUnit gives durations only: the test ended by now.
    TestTiming timing;
    timing.duration_ms = result.seconds * 1000.0;
    timing.start_unix_ns =
        absl::ToUnixNanos(absl::Now() - absl::Milliseconds(timing.duration_ms));
    session_->TestFinished(
        i, result.passed() ? TestOutcome::kPassed : TestOutcome::kFailed,
        timing);
    session_->diagnostics().Detail(
        2, absl::StrFormat("recorded %s: %s, %zu process(es)",
                           NameInLine(absl::StrCat(kCtestSuite, ".", name)),
                           result.status, coverage_->last_processes()));
  }
  session_->Finish({/*clean=*/true, ctest_exit_code});
}

}  // namespace

int RunCtest(const CtestRunOptions& options,
             const std::vector<std::string>& ctest_args) {
  CtestInvocation invocation = ParseCtestArgs(ctest_args, options.cwd);
  if (!invocation.passthrough_reason.empty()) {
    std::vector<std::string> plain = {options.ctest};
    plain.insert(plain.end(), ctest_args.begin(), ctest_args.end());
    return RunOrComplain(plain);
  }
  return Run(options, std::move(invocation), ctest_args).Execute();
}

}  // namespace itr::skipper::ctest
