// CurrentState of the working tree and the built objects: what each kind of
// dependency is now, as the local backend and the CLI compare them.
#ifndef ITR_SKIPPER_BACKEND_LOCAL_STATE_H_
#define ITR_SKIPPER_BACKEND_LOCAL_STATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "skipper/backend/object_indexes.h"
#include "skipper/config/settings.h"
#include "skipper/decision/current_state.h"
#include "skipper/fingerprint/file_fingerprinter.h"

namespace itr::skipper {

// The fingerprint of an environment variable's value as the runtime
// records it: XXH3-64 of the value, 16 hex digits; kUnsetVariable.
std::string EnvironmentFingerprint(const char* value);
// The same from the value's hash (nullopt: unset).
std::string EnvironmentFingerprint(std::optional<uint64_t> value_hash);

class LocalState : public CurrentState {
 public:
  // `built_at_ns`: modification time of the binary whose tests are planned
  // (FileFingerprinter::BuiltSource), or kNoBuildTime.
  LocalState(FileFingerprinter* files, ObjectIndexes* objects, GetEnv getenv,
             int64_t built_at_ns)
      : files_(files),
        objects_(objects),
        getenv_(std::move(getenv)),
        built_at_ns_(built_at_ns) {}

  std::string Fingerprint(const Dependency& dep) override;
  std::string Describe(const Dependency& dep) override;

  // The definition (PlannedTest::definition) the runner gives the test of
  // key `test_key` now; tests without one have no definition dependency.
  void KnowDefinition(const std::string& test_key, std::string definition) {
    definitions_[test_key] = std::move(definition);
  }

 private:
  FileFingerprinter* files_;
  ObjectIndexes* objects_;
  GetEnv getenv_;
  int64_t built_at_ns_;
  std::unordered_map<std::string, std::string> definitions_;
};

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_BACKEND_LOCAL_STATE_H_
