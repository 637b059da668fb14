// The `itr` command-line tool: one function per command, plus the helpers
// they share (opening the store, planning one module's tests, formatting).
#ifndef ITR_CLI_COMMANDS_H_
#define ITR_CLI_COMMANDS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "skipper/backend/local_state.h"
#include "skipper/backend/object_indexes.h"
#include "skipper/config/settings.h"
#include "skipper/decision/skip_planner.h"
#include "skipper/fingerprint/file_fingerprinter.h"
#include "skipper/model/test_identity.h"
#include "skipper/store/store.h"

namespace itr::cli {

// Exit codes.
inline constexpr int kExitOk = 0;
inline constexpr int kExitNo = 1;  // command-specific negative answer
inline constexpr int kExitUsage = 2;
inline constexpr int kExitStoreError = 3;

// The parsed command line, with the repository root and store resolved.
struct Options {
  std::string repo_root;
  std::string store_path;     // may hold a password: print store_display
  std::string store_display;  // store_path without a password
  std::string module;         // --module, empty when not given
  std::vector<std::string> positionals;  // after the command name
  skipper::Settings settings;            // LoadSettings(getenv, repo_root)
};

int RunStatus(const Options& options);
int RunExplain(const Options& options);
int RunImpacted(const Options& options);
int RunReset(const Options& options);
int RunGc(const Options& options);
int RunMigrate(const Options& options);
int RunIndex(const Options& options);
int RunReport(const Options& options);
int RunCoverage(const Options& options);
// `itr ctest <ctest args...>`: the arguments after "ctest" go to ctest.
int RunCtestCommand(const std::vector<std::string>& args,
                    const std::string& repo_root);
extern const char kCtestUsage[];

// --- shared helpers (common.cc) ---

// The nearest ancestor of `start` (itself included) holding .git, or "".
std::string GitAncestor(const std::string& start);

// kRead: nothing in or beside the store is created or changed (status,
// explain, impacted, report); kWrite: reset, gc, coverage (it keeps each
// skipped test's lines).
enum class StoreAccess { kRead, kWrite };

// Opens the store only if its file (or, PostgreSQL, its schema) exists (no
// command but `itr migrate` creates one).
// Sets *missing and returns nullptr when there is no store yet; on an error,
// prints it to stderr and returns nullptr with *missing false.
std::unique_ptr<skipper::Store> OpenExistingStore(const Options& options,
                                                  StoreAccess access,
                                                  bool* missing);

// "Suite.Name" -> identity; split at the first '.' (suites like
// "Inst/Suite" and names like "Case/2" contain '/' but never '.').
skipper::TestIdentity IdentityFromKey(const std::string& key);

// The test as the planner sees it, with the unskippable markers the CLI can
// know: a name containing datadog_itr_unskippable, ITR_UNSKIPPABLE patterns.
skipper::PlannedTest PlannedFromKey(const std::string& key,
                                    const skipper::Settings& settings);

// What one module's dependencies are now, as a planner outside the test
// process sees it: files (seeded from the store's stat cache so unchanged
// files are not hashed again), the objects' function indexes where the
// store last saw them, and the environment of this process.
struct PlanningState {
  std::unique_ptr<skipper::FileFingerprinter> files;
  std::unique_ptr<skipper::ObjectIndexes> objects;
  std::unique_ptr<skipper::LocalState> state;
};
PlanningState MakePlanningState(const Options& options, skipper::Store* store,
                                const std::string& module);

// The (module, configuration) pairs recorded, only `module` when non-empty.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> SelectModules(
    skipper::Store* store, const std::string& module);

// "850 ms", "41.2 s", "3.5 min".
std::string FormatDuration(double ms);

// Prints "itr: <what>: <status>" (or "itr: <status>" when `what` is empty,
// the status naming the store) to stderr and returns kExitStoreError.
int StoreError(const std::string& what, const absl::Status& status);

}  // namespace itr::cli

#endif  // ITR_CLI_COMMANDS_H_
