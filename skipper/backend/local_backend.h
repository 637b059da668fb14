// The embedded backend: the SQLite store of the repository, file
// fingerprints, and the local skip rule (decision/skip_planner.h).
#ifndef ITR_SKIPPER_BACKEND_LOCAL_BACKEND_H_
#define ITR_SKIPPER_BACKEND_LOCAL_BACKEND_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "skipper/backend/backend.h"
#include "skipper/base/diagnostics.h"
#include "skipper/config/settings.h"
#include "skipper/fingerprint/file_fingerprinter.h"
#include "skipper/store/local_store.h"

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
  void TestStarted(const TestIdentity& test) override;
  void TestsLaunched(const std::vector<TestIdentity>& tests) override;
  void TestFinished(const TestRun& run) override;
  void OutsideTestsExecuted(const ExecutedCode& executed, bool final) override;
  void TestsSkipped(const std::vector<SkippedTest>& skipped) override;
  std::string FirstError() const override { return error_; }

 private:
  LocalBackend() = default;
  std::vector<Dependency> CompiledDependencies(const ExecutedCode& executed);
  void Check(const absl::Status& status);

  Settings settings_;
  LocalBackendOptions options_;
  std::unique_ptr<LocalStore> store_;
  std::unique_ptr<FileFingerprinter> fingerprinter_;
  int64_t run_id_ = 0;
  std::string error_;
};

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_BACKEND_LOCAL_BACKEND_H_
