// What a process reports after running tests: what each test (and the code
// outside every test) executed, how each ended, and what was skipped.
#ifndef ITR_SKIPPER_MODEL_TEST_RUN_H_
#define ITR_SKIPPER_MODEL_TEST_RUN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "skipper/model/planning.h"
#include "skipper/model/test_identity.h"
#include "skipper/model/test_outcome.h"

namespace itr::skipper {

// The executed probes of one instrumented object (an executable, a shared
// library): addresses in its file, ascending (itr/coverage.h).
struct ExecutedObject {
  std::string path;      // where the object file is
  std::string build_id;  // hex, "" when it has none
  std::vector<uint64_t> addresses;
};

// An environment variable the code read at run time (getenv,
// secure_getenv): its name, and the XXH3-64 hash of its value then, or
// nullopt when it was unset (unset is a value).
struct EnvironmentRead {
  std::string name;
  std::optional<uint64_t> value_hash;

  friend bool operator==(const EnvironmentRead&,
                         const EnvironmentRead&) = default;
  friend auto operator<=>(const EnvironmentRead&,
                          const EnvironmentRead&) = default;
};

// What one test (or the code outside every test) executed, as the coverage
// runtime saw it.
struct ExecutedCode {
  bool complete = false;  // false: the executed code is not fully known
  std::string incomplete_reason;
  // The executed probes of each object, mapped to functions through the
  // objects' function indexes (function-level dependencies).
  std::vector<ExecutedObject> objects;
  // A test's processes under a process-level runner (itr ctest) that
  // marked where their start-up ended: the start-up code's probes, apart.
  // Like the session's start-up code, only the part relevant to the test's
  // own code is its dependency (backend/startup_scope.h).
  std::vector<ExecutedObject> startup_objects;
  // Repository-relative files the executed code comes from, when asked for
  // (the file rule, reporting).
  std::vector<std::string> files;
  // Executed lines of files[i] (ascending), when known; may be empty.
  std::vector<std::vector<uint32_t>> lines;
  // What the code read at run time (the runtime's read tracking,
  // docs/runtime.md): repository files it opened for reading
  // (repository-relative, sorted, distinct; a file that was missing counts,
  // its absence was observed), except its own outputs ...
  std::vector<std::string> files_read;
  // ... and environment variables, sorted by name then value, except those
  // the process set itself and those itr-cpp and the test frameworks read
  // for themselves. A name appears more than once when several processes
  // of one test saw different values.
  std::vector<EnvironmentRead> env_read;
  // Modification time of the binaries that executed it (ns since the
  // epoch): a source file changed after it is not what they were built
  // from. 0: unknown (every file counts as newer).
  int64_t built_at_ns = 0;
};

// One test that ran to its end.
struct TestRun {
  TestIdentity identity;
  TestOutcome outcome = TestOutcome::kPassed;
  int64_t start_unix_ns = 0;
  double duration_ms = 0;
  bool unskippable = false;
  bool forced = false;  // was skippable, ran because it is unskippable
  ExecutedCode executed;
  // See PlannedTest::uncompiled_files: the "newer than the binary" rule
  // does not apply to them.
  std::vector<std::string> uncompiled_files;
};

// The code that ran outside every test, by phase: start-up (static
// initializers, test registration, main until the session started) and
// between tests (global fixtures, suite set-up and teardown, ...).
struct CodeOutsideTests {
  ExecutedCode startup;
  ExecutedCode between_tests;
};

// How the process's run of tests ended.
struct SessionEnd {
  // No failure outside any test (a global fixture, a suite's teardown):
  // only then is what the run recorded trusted for skipping.
  bool clean = true;
  // What the test command exits with (the framework's result), when known.
  std::optional<int> exit_code;
};

// One test a process skipped, with the decision that skipped it.
struct SkippedTest {
  TestIdentity identity;
  TestDecision decision;
};

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_MODEL_TEST_RUN_H_
