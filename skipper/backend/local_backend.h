// The embedded backend: the SQLite store of the repository, file
// fingerprints, and the local skip rule (decision/skip_planner.h).
#ifndef ITR_SKIPPER_BACKEND_LOCAL_BACKEND_H_
#define ITR_SKIPPER_BACKEND_LOCAL_BACKEND_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "skipper/backend/backend.h"
#include "skipper/config/settings.h"
#include "skipper/fingerprint/file_fingerprinter.h"
#include "skipper/store/local_store.h"

namespace itr::skipper {

class LocalBackend : public Backend {
 public:
  // Opens the store (a corrupt one is moved aside and rebuilt; `*notice`
  // then says so). Errors: the store is unusable (newer schema, unwritable).
  static absl::StatusOr<std::unique_ptr<LocalBackend>> Open(
      const Settings& settings, const std::string& repo_root,
      const std::string& module, const std::string& configuration,
      int64_t built_at_ns, std::string* notice);

  absl::StatusOr<std::vector<TestDecision>> Plan(
      const std::vector<PlannedTest>& tests) override;
  void TestStarted(const TestIdentity& test) override;
  void TestFinished(const TestRun& run) override;
  void SessionExecuted(const ExecutedCode& executed, bool final) override;
  void TestsSkipped(const std::vector<SkippedTest>& skipped) override;
  std::string LastError() const override { return error_; }

  // Modification time of the binaries the next recorded test ran (see
  // FileFingerprinter); for recorders of several binaries (`itr ctest`).
  void SetBuildTime(int64_t built_at_ns) {
    fingerprinter_->set_built_at_ns(built_at_ns);
  }

 private:
  LocalBackend() = default;
  std::vector<Dependency> Dependencies(const ExecutedCode& executed);
  void Check(const absl::Status& status);

  Settings settings_;
  std::string module_, configuration_;
  std::unique_ptr<LocalStore> store_;
  std::unique_ptr<FileFingerprinter> fingerprinter_;
  int64_t run_id_ = 0;
  std::string error_;
};

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_BACKEND_LOCAL_BACKEND_H_
