// What a recorded test depended on: (kind, key, fingerprint) triples. A test
// may be skipped only while every one of them still has its fingerprint; a
// dependency nobody can check (an unknown kind or fingerprint) is changed.
#ifndef ITR_SKIPPER_MODEL_DEPENDENCY_H_
#define ITR_SKIPPER_MODEL_DEPENDENCY_H_

#include <string>
#include <vector>

namespace itr::skipper {

// Kinds, with what their key and fingerprint are.
// A source file compiled into the binary (the file rule): key the
// repo-relative path, fingerprint its content hash (XXH3-128); a file
// changed after the build is unknown.
inline constexpr char kFileDependency[] = "file";
// A file read at run time, or named on a test's command line: key the
// repo-relative path, fingerprint its content hash or kMissingFile.
inline constexpr char kReadDependency[] = "read";
// An environment variable read at run time: key its name, fingerprint the
// XXH3-64 of its value (16 hex digits) or kUnsetVariable.
inline constexpr char kEnvDependency[] = "env";
// A function of compiled code (skipper/index): key "<object>:<identity>",
// fingerprint its code's (32 hex digits).
inline constexpr char kFunctionDependency[] = "function";
// The functions of one translation unit of an object together: key
// "<object>:<unit>", fingerprint the unit's. A test depends on the units of
// the functions it executed; only when one changed are its functions
// compared one by one.
inline constexpr char kUnitDependency[] = "unit";
// How a runner starts the test (a CTest test's command line, working
// directory and ENVIRONMENT): key the test's key, fingerprint that
// definition's. Only the runner knows it now; elsewhere it reads as changed.
inline constexpr char kDefinitionDependency[] = "definition";
// The run's coverage was incomplete: nothing it recorded can be trusted.
inline constexpr char kSessionDependency[] = "session";

// Fingerprints that are not content hashes.
inline constexpr char kMissingFile[] = "missing";
// Never equal to a real fingerprint: the dependency always reads as changed.
inline constexpr char kUnknownFingerprint[] = "unknown";
inline constexpr char kUnsetVariable[] = "unset";

struct Dependency {
  std::string kind;
  std::string key;
  std::string fingerprint;
  bool operator==(const Dependency& o) const {
    return kind == o.kind && key == o.key && fingerprint == o.fingerprint;
  }
};

// What one test (or one run's code outside tests) depended on, as stored:
// the coarse dependencies (files, read files, environment, units) are
// looked up by fingerprint when planning; the functions only when one of
// their units changed.
struct DependencySet {
  std::vector<Dependency> coarse;
  std::vector<Dependency> functions;
};

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_MODEL_DEPENDENCY_H_
