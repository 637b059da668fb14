#include "skipper/ctest/ctest_runner.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "skipper/backend/local_backend.h"
#include "skipper/ctest/build_tree.h"
#include "skipper/ctest/command_files.h"
#include "skipper/ctest/ctest_invocation.h"
#include "skipper/ctest/ctest_listing.h"
#include "skipper/ctest/junit_results.h"
#include "skipper/ctest/process_coverage.h"
#include "skipper/ctest/subprocess.h"
#include "skipper/ctest/wrapper_testfile.h"
#include "skipper/datadog/datadog_backend.h"
#include "skipper/datadog/datadog_config.h"
#include "skipper/markers/unskippable.h"

namespace itr::skipper::ctest {

namespace {

namespace fs = std::filesystem;

constexpr char kUnskippableLabel[] = "datadog_itr_unskippable";
constexpr char kSuite[] = "ctest";

void Say(const std::string& line) {
  fprintf(stderr, "itr: %s\n", line.c_str());
  fflush(stderr);
}

int RunOrComplain(const std::vector<std::string>& argv) {
  absl::StatusOr<int> code = RunProcess(argv);
  if (code.ok()) return *code;
  Say(std::string(code.status().message()));
  return 127;  // what a shell returns for a command it cannot run
}

// "3.25.1" from `ctest --version`, or "unknown".
std::string CtestVersion(const std::string& ctest) {
  std::string out;
  absl::StatusOr<int> code = RunCapturing({ctest, "--version"}, &out);
  const std::string prefix = "ctest version ";
  if (!code.ok() || *code != 0 || out.compare(0, prefix.size(), prefix) != 0) {
    return "unknown";
  }
  return out.substr(prefix.size(), out.find('\n') - prefix.size());
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

PlannedTest Planned(const std::string& module, const CtestTest& test,
                    const Settings& settings) {
  PlannedTest planned;
  planned.identity.module = module;
  planned.identity.suite = kSuite;
  planned.identity.name = test.name;
  for (const std::string& label : test.labels) {
    if (label == kUnskippableLabel) {
      planned.unskippable_reason = "LABELS datadog_itr_unskippable";
    }
  }
  if (planned.unskippable_reason.empty() && test.fixture) {
    planned.unskippable_reason = "a CTest fixture setup/cleanup test";
  }
  if (planned.unskippable_reason.empty()) {
    planned.unskippable_reason =
        UnskippableBy({kSuite, test.name, ""}, settings.unskippable_patterns);
  }
  planned.unskippable = !planned.unskippable_reason.empty();
  return planned;
}

// One `itr ctest` run, past the point where ITR is on and the arguments
// are ours to handle.
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

  int Execute() {
    absl::Status prepared = Prepare();
    if (!prepared.ok()) {
      if (!absl::IsNotFound(prepared)) {
        Say(absl::StrCat("warning: ", prepared.message(), "; all tests run"));
      }
      std::vector<std::string> argv = {options_.ctest};
      argv.insert(argv.end(), user_args_.begin(), user_args_.end());
      return RunOrComplain(argv);
    }
    // The local store marks them running (a crash of ours runs them next
    // time); Datadog learns of each test with its result, start and end.
    if (local_ != nullptr) {
      for (size_t i : to_run_) local_->TestStarted(planned_[i].identity);
    }
    // The tests' processes must name files relative to the same root as
    // the store's records.
    setenv("ITR_REPO_ROOT", options_.repo_root.c_str(), /*overwrite=*/1);
    std::vector<std::string> argv = {options_.ctest, "--test-dir",
                                     wrapper_dir_.string(), "--output-junit",
                                     junit_.string()};
    argv.insert(argv.end(), invocation_.args.begin(), invocation_.args.end());
    int code = RunOrComplain(argv);
    Record();
    return code;
  }

 private:
  // The backend (datadog/datadog_config.h has the precedence): Datadog, or
  // the local store. An error runs plain ctest.
  absl::Status OpenBackend(const std::string& configuration) {
    const Settings& settings = options_.settings;
    datadog::DatadogConfig datadog_config = datadog::LoadDatadogConfig(getenv);
    for (const std::string& warning : datadog_config.warnings) {
      Say("warning: " + warning);
    }
    if (datadog_config.backend == datadog::BackendKind::kDatadog) {
      std::string command = "itr ctest";
      for (const std::string& arg : user_args_)
        absl::StrAppend(&command, " ", arg);
      datadog::ProcessInfo process{
          module_, options_.repo_root, BuildTreeCompiler(invocation_.test_dir),
          "ctest", framework_version_, command};
      std::vector<std::string> warnings;
      auto remote = datadog::DatadogBackend::Open(settings, datadog_config,
                                                  process, &warnings);
      for (const std::string& warning : warnings) Say("warning: " + warning);
      if (!remote.ok()) {
        return absl::UnavailableError(absl::StrCat(
            "cannot reach Datadog (", remote.status().message(), ")"));
      }
      backend_ = std::move(*remote);
      return absl::OkStatus();
    }
    std::string notice;
    // Planning compares fingerprints only; each recorded test later gets
    // the build time of the binaries it ran (LocalBackend::SetBuildTime).
    absl::StatusOr<std::unique_ptr<LocalBackend>> local =
        LocalBackend::Open(settings, options_.repo_root, module_, configuration,
                           kNoBuildTime, &notice);
    if (!notice.empty()) Say("warning: " + notice + "; all tests run");
    if (!local.ok()) return local.status();
    local_ = local->get();
    backend_ = std::move(*local);
    return absl::OkStatus();
  }

  // Lists, plans and writes the wrapper test file.
  absl::Status Prepare() {
    const Settings& settings = options_.settings;
    std::string json;
    std::vector<std::string> list = {options_.ctest, "--show-only=json-v1",
                                     "--test-dir", invocation_.test_dir};
    list.insert(list.end(), invocation_.args.begin(), invocation_.args.end());
    absl::StatusOr<int> listed = RunCapturing(list, &json);
    if (!listed.ok()) return listed.status();
    if (*listed != 0) {
      return absl::UnavailableError(
          absl::StrCat("ctest --show-only=json-v1 exited with ", *listed));
    }
    absl::StatusOr<std::vector<CtestTest>> tests = ParseCtestListing(json);
    if (!tests.ok()) return tests.status();
    // Not a build tree, or nothing selected: ctest says so itself.
    if (tests->empty()) return absl::NotFoundError("no tests");

    framework_version_ = CtestVersion(options_.ctest);
    module_ = BuildTreeModule(invocation_.test_dir, options_.repo_root);
    std::string configuration =
        TestConfiguration::Current(BuildTreeCompiler(invocation_.test_dir),
                                   settings.custom_configuration)
            .Key();
    absl::Status opened = OpenBackend(configuration);
    if (!opened.ok()) return opened;

    // Tests of one name (CTest allows it across directories) share an
    // identity, a result and a coverage file: none can be told apart, so
    // they always run and are never recorded.
    std::map<std::string, int> name_count;
    for (const CtestTest& test : *tests) ++name_count[test.name];
    for (const CtestTest& test : *tests) {
      if (test.disabled) continue;  // the user's DISABLED: ctest skips it
      planned_.push_back(Planned(module_, test, settings));
      if (name_count[test.name] > 1) {
        planned_.back().unskippable = true;
        planned_.back().unskippable_reason =
            "several CTest tests are named " + test.name;
        ambiguous_.insert(test.name);
      }
      command_files_.push_back(
          CommandFiles(test.command, options_.repo_root, invocation_.test_dir));
    }
    absl::StatusOr<std::vector<TestDecision>> decisions =
        backend_->Plan(planned_);
    if (!decisions.ok()) return decisions.status();
    decisions_ = std::move(*decisions);

    wrapper_dir_ = fs::path(invocation_.test_dir) / ".itr-ctest";
    fs::path coverage_dir = wrapper_dir_ / "coverage";
    std::error_code error;
    fs::create_directories(wrapper_dir_, error);
    // Another `itr ctest` on this build tree waits: the wrapper directory
    // (test file, coverage files, report) is one per tree.
    lock_fd_ = open((wrapper_dir_ / "lock").c_str(),
                    O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock_fd_ < 0 || flock(lock_fd_, LOCK_EX) != 0) {
      return absl::UnavailableError("cannot lock " + wrapper_dir_.string());
    }
    fs::remove_all(coverage_dir, error);
    fs::create_directories(coverage_dir, error);
    if (error) {
      return absl::UnavailableError("cannot create " + coverage_dir.string());
    }
    // .itr-ctest/ must not show up in a repository's status.
    (void)WriteFile(wrapper_dir_ / ".gitignore", "*\n");
    junit_ = invocation_.junit_path.empty() ? wrapper_dir_ / "junit.xml"
                                            : fs::path(invocation_.junit_path);
    fs::remove(junit_, error);

    std::vector<WrappedTest> wrapped;
    size_t forced = 0;
    double saved_ms = 0;
    for (size_t i = 0; i < planned_.size(); ++i) {
      const TestDecision& d = decisions_[i];
      const std::string& name = planned_[i].identity.name;
      if (settings.verbosity >= 2 || (settings.verbosity >= 1 && d.skip)) {
        Say(absl::StrCat(d.skip ? "skip " : "run  ", kSuite, ".", name, ": ",
                         d.reason));
      }
      forced += d.forced;
      WrappedTest test{name, d.skip, "", ""};
      if (d.skip) {
        saved_ms += d.estimated_saving_ms;
        skipped_.push_back({planned_[i].identity, d});
      } else {
        coverage_files_[i] =
            (coverage_dir / absl::StrCat(i, ".jsonl")).string();
        to_run_.push_back(i);
        // A name CMake's list cannot carry runs unobserved: never skipped.
        if (FitsCmakeList(name)) {
          test.test_id = module_ + "/" + name;
          test.coverage_file = coverage_files_[i];
        }
      }
      wrapped.push_back(std::move(test));
    }
    absl::StatusOr<std::string> testfile =
        WrapperTestfile(invocation_.test_dir, wrapped);
    if (!testfile.ok()) return testfile.status();
    absl::Status written =
        WriteFile(wrapper_dir_ / "CTestTestfile.cmake", *testfile);
    if (!written.ok()) return written;

    Say(absl::StrFormat(
        "skipped %zu of %zu tests, est. %.1f s saved%s%s", skipped_.size(),
        planned_.size(), saved_ms / 1000.0,
        forced == 0
            ? std::string()
            : absl::StrFormat(" (%zu unskippable forced to run)", forced),
        settings.collect_only ? " [collect-only]" : ""));
    if (settings.verbosity >= 1) {
      Say(absl::StrCat("framework ctest ", framework_version_, ", module ",
                       module_, ", store ", settings.store_path));
    }
    return absl::OkStatus();
  }

  // Reads the JUnit report and each test's coverage file into the store.
  void Record() {
    absl::StatusOr<std::map<std::string, CtestResult>> results =
        ParseJunit(ReadFile(junit_));
    if (!results.ok()) {
      Say("warning: no JUnit report from ctest (" + junit_.string() +
          "); nothing recorded, the tests run next time");
      return;
    }
    for (size_t i : to_run_) {
      const std::string& name = planned_[i].identity.name;
      auto found = results->find(name);
      // Not run (e.g. --stop-on-failure), or not ours to tell apart: stays
      // "running", runs next time.
      if (found == results->end() || found->second.status == "disabled" ||
          ambiguous_.count(name) > 0) {
        continue;
      }
      ProcessCoverage coverage = ReadProcessCoverage(coverage_files_[i]);
      TestRun run;
      run.identity = planned_[i].identity;
      run.outcome =
          found->second.passed() ? TestOutcome::kPassed : TestOutcome::kFailed;
      run.duration_ms = found->second.seconds * 1000.0;
      // JUnit gives durations only: the test ended by now.
      run.start_unix_ns =
          absl::ToUnixNanos(absl::Now() - absl::Milliseconds(run.duration_ms));
      run.unskippable = planned_[i].unskippable;
      run.forced = decisions_[i].forced;
      run.executed = std::move(coverage.executed);
      // Scripts and data files named on the command line count too.
      run.uncompiled_files = command_files_[i];
      if (options_.settings.verbosity >= 2) {
        Say(absl::StrFormat(
            "recorded %s.%s: %s, %zu process(es), %zu files%s", kSuite, name,
            found->second.status, coverage.processes, run.executed.files.size(),
            run.executed.complete
                ? ""
                : " (not skippable: " + coverage.incomplete_reason + ")"));
      }
      if (local_ != nullptr) local_->SetBuildTime(coverage.built_at_ns);
      backend_->TestFinished(run);
    }
    // Everything a process executed is its test's: no shared session code.
    ExecutedCode session;
    session.complete = true;
    backend_->SessionExecuted(session, /*final=*/true);
    backend_->TestsSkipped(skipped_);
    backend_->SessionEnded(/*clean=*/true);
    if (!backend_->LastError().empty()) {
      Say("warning: cannot record results (" + backend_->LastError() +
          "); this run will not be used for skipping");
    }
  }

  const CtestRunOptions& options_;
  CtestInvocation invocation_;
  int lock_fd_ = -1;  // flock() on .itr-ctest/lock
  const std::vector<std::string>& user_args_;
  std::string module_, framework_version_;
  std::unique_ptr<Backend> backend_;
  LocalBackend* local_ = nullptr;  // backend_, when it is the local store
  std::vector<PlannedTest> planned_;
  std::vector<TestDecision> decisions_;
  std::vector<std::vector<std::string>> command_files_;  // by planned index
  std::vector<SkippedTest> skipped_;
  std::set<std::string> ambiguous_;  // names of several tests
  std::vector<size_t> to_run_;
  std::map<size_t, std::string> coverage_files_;
  fs::path wrapper_dir_, junit_;
};

}  // namespace

int RunCtest(const CtestRunOptions& options,
             const std::vector<std::string>& ctest_args) {
  CtestInvocation invocation = ParseCtestArgs(ctest_args, options.cwd);
  std::vector<std::string> plain = {options.ctest};
  plain.insert(plain.end(), ctest_args.begin(), ctest_args.end());
  if (!invocation.passthrough_reason.empty()) return RunOrComplain(plain);
  if (!options.settings.itr_enabled) {
    Say("disabled (DD_CIVISIBILITY_ITR_ENABLED); all tests run");
    return RunOrComplain(plain);
  }
  return Run(options, std::move(invocation), ctest_args).Execute();
}

}  // namespace itr::skipper::ctest
