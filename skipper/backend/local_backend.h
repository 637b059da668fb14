// The embedded backend: the store of the repository (store/), the local
// skip rule (decision/skip_planner.h), and what a test depends on:
//   - by default, the functions it executed, by fingerprint of their
//     compiled code (the objects' function indexes, skipper/index), with
//     the start-up code they depend on (startup_scope.h);
//   - under the file rule (ITR_GRANULARITY=file, or an object without a
//     usable function index), the source files it covered;
//   - in both, the files and environment variables its code read, and the
//     files named on a CTest test's command line.
// The code a run executed outside its tests (global fixtures, code between
// tests, the global part of start-up) is a dependency of every test of the
// run.
#ifndef ITR_SKIPPER_BACKEND_LOCAL_BACKEND_H_
#define ITR_SKIPPER_BACKEND_LOCAL_BACKEND_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "absl/status/statusor.h"
#include "skipper/backend/backend.h"
#include "skipper/backend/local_state.h"
#include "skipper/backend/object_indexes.h"
#include "skipper/backend/startup_scope.h"
#include "skipper/base/diagnostics.h"
#include "skipper/config/settings.h"
#include "skipper/fingerprint/file_fingerprinter.h"
#include "skipper/store/store.h"

namespace itr::skipper {

struct LocalBackendOptions {
  std::string repo_root;
  std::string module;
  std::string configuration;  // TestConfiguration::Key()
  // Modification time of the binary whose tests are planned: a source file
  // changed after it is not what the binary was built from. kNoBuildTime
  // when the planner is not that binary (`itr ctest`: each recorded test
  // brings its own time in ExecutedCode::built_at_ns).
  int64_t planning_built_at_ns = kNoBuildTime;
  // The instrumented objects of the process, when it is the test process.
  std::vector<ExecutedObject> objects;
  IndexLocation index_location;
  GetEnv getenv;  // empty: the process's
};

class LocalBackend : public Backend {
 public:
  // Opens the store; a corrupt one is moved aside and rebuilt, with a
  // warning. Errors: the store is unusable (newer schema, unwritable).
  static absl::StatusOr<std::unique_ptr<LocalBackend>> Open(
      const Settings& settings, const LocalBackendOptions& options,
      Diagnostics& diagnostics);

  absl::StatusOr<std::vector<TestDecision>> Plan(
      const std::vector<PlannedTest>& tests) override;
  ~LocalBackend() override;
  void TestStarted(const TestIdentity& test) override;
  void TestsWillRun(const std::vector<TestIdentity>& tests) override;
  void TestsLaunched(const std::vector<TestIdentity>& tests) override;
  void TestFinished(const TestRun& run) override;
  void OutsideTestsExecuted(const CodeOutsideTests& code, bool final) override;
  void TestsSkipped(const std::vector<SkippedTest>& skipped) override;
  // Leaves everything recorded in the store's main file.
  void SessionEnded(const SessionEnd& end) override;
  absl::StatusOr<std::string> SharedShardPlan(
      const std::string& key, const std::string& proposed) override;
  std::string FirstError() const override { return error_; }
  bool WantsFiles() const override { return wants_files_; }

 private:
  LocalBackend() = default;
  // Maps `executed`'s probes to functions; false when one cannot be named
  // (an object without a usable index, a probe outside every function).
  bool MapFunctions(const ExecutedCode& executed,
                    std::vector<FunctionRef>* functions);
  // The functions, interned, and their units.
  void AddFunctions(const std::vector<FunctionRef>& functions,
                    Store::TestResult* into);
  // A function's or its unit's dependency, built once per process.
  const Dependency& FunctionDependency(const FunctionRef& f);
  const Dependency& UnitDependency(const FunctionRef& f);
  std::vector<Dependency> CompiledFiles(const ExecutedCode& executed);
  // `runner_set`: variables the runner set for the test (not read from the
  // environment the planner can see).
  void AddReads(const ExecutedCode& executed,
                const std::vector<std::string>* runner_set,
                DependencySet* deps);
  void EnsureStartupScope(const ExecutedCode& startup);
  // The start-up code of the test's own processes (process-level runners):
  // its part relevant to `functions`; false when it cannot be named.
  bool AddOwnStartup(const ExecutedCode& executed,
                     const std::vector<FunctionRef>& functions,
                     Store::TestResult* into);
  DependencySet OutsideTestsDependencies(const CodeOutsideTests& code);
  void Check(const absl::Status& status);
  // The run this process records under, begun on first use (0: failed).
  int64_t RunId();
  // Writes the pending results.
  void Flush();

  Settings settings_;
  LocalBackendOptions options_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<FileFingerprinter> fingerprinter_;
  std::unique_ptr<ObjectIndexes> objects_;
  std::unique_ptr<LocalState> state_;
  int64_t run_id_ = 0;
  std::set<std::string> marked_running_;  // test keys
  using IndexedEntity = std::pair<const FunctionIndex*, uint32_t>;
  // Interned: the store keys its id cache by these addresses (stable).
  absl::node_hash_map<IndexedEntity, Dependency> function_deps_;
  absl::flat_hash_map<IndexedEntity, Dependency> unit_deps_;
  std::vector<Store::TestResult> pending_;
  std::chrono::steady_clock::time_point last_flush_ =
      std::chrono::steady_clock::now();
  bool wants_files_ = true;
  // The start-up code, once known; null: not yet, or not indexable.
  std::unique_ptr<StartupScope> startup_;
  bool startup_known_ = false;
  std::set<std::string> object_names_;  // FunctionRef::object points here
  std::map<std::string, std::string> seen_paths_;  // object name -> path
  // Tests the runner defines (PlannedTest::definition), by test key.
  std::map<std::string, const PlannedTest*> defined_;
  std::vector<PlannedTest> planned_;  // what defined_ points into
  std::string error_;
};

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_BACKEND_LOCAL_BACKEND_H_
