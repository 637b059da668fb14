// What a recorded test depended on: (kind, key, fingerprint) triples. A test
// may be skipped only while every one of them still has its fingerprint; a
// dependency nobody can check (an unknown kind or fingerprint) is changed.
#ifndef ITR_SKIPPER_MODEL_DEPENDENCY_H_
#define ITR_SKIPPER_MODEL_DEPENDENCY_H_

#include <string>

namespace itr::skipper {

// Kinds.
inline constexpr char kFileDependency[] = "file";  // key: repo-relative path
// The run's coverage was incomplete: nothing it recorded can be trusted.
inline constexpr char kSessionDependency[] = "session";

// Fingerprints that are not content hashes.
inline constexpr char kMissingFile[] = "missing";
// Never equal to a real fingerprint: the dependency always reads as changed.
inline constexpr char kUnknownFingerprint[] = "unknown";

struct Dependency {
  std::string kind;
  std::string key;
  std::string fingerprint;
};

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_MODEL_DEPENDENCY_H_
