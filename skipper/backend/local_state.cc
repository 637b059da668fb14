#include "skipper/backend/local_state.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "xxhash.h"

namespace itr::skipper {

std::string EnvironmentFingerprint(std::optional<uint64_t> value_hash) {
  if (!value_hash) return kUnsetVariable;
  return absl::StrFormat("%016x", *value_hash);
}

std::string EnvironmentFingerprint(const char* value) {
  if (value == nullptr) return EnvironmentFingerprint(std::nullopt);
  return EnvironmentFingerprint(XXH3_64bits(value, strlen(value)));
}

std::string LocalState::Fingerprint(const Dependency& dep) {
  if (dep.kind == kFileDependency) {
    return files_->BuiltSource(dep.key, built_at_ns_);
  }
  if (dep.kind == kReadDependency) return files_->Content(dep.key);
  if (dep.kind == kEnvDependency) {
    return EnvironmentFingerprint(getenv_(dep.key.c_str()));
  }
  if (dep.kind == kFunctionDependency || dep.kind == kUnitDependency) {
    return objects_->CurrentFingerprint(dep);
  }
  if (dep.kind == kDefinitionDependency) {
    auto found = definitions_.find(dep.key);
    return found == definitions_.end() ? "" : found->second;
  }
  return "";  // a session marker, or a kind this itr-cpp does not know
}

std::string LocalState::Describe(const Dependency& dep) {
  if (dep.kind == kFunctionDependency) return objects_->Describe(dep);
  if (dep.kind == kEnvDependency) {
    return absl::StrCat("environment variable ", dep.key);
  }
  if (dep.kind == kUnitDependency) {
    return absl::StrCat("translation unit ", dep.key);
  }
  if (dep.kind == kDefinitionDependency) {
    return "the test's command line, working directory or environment "
           "(CTest properties; only itr ctest can compare them)";
  }
  return dep.key;
}

}  // namespace itr::skipper
