#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/commands.h"
#include "skipper/backend/open_store.h"
#include "skipper/base/diagnostics.h"
#include "skipper/ctest/build_tree.h"
#include "skipper/markers/unskippable.h"
#include "skipper/store/sqlite_store.h"
#include "skipper/store/store_location.h"

namespace itr::cli {

std::string GitAncestor(const std::string& start) {
  namespace fs = std::filesystem;
  std::error_code error;
  for (fs::path dir = start; !dir.empty(); dir = dir.parent_path()) {
    if (fs::exists(dir / ".git", error)) return dir.string();
    if (dir == dir.parent_path()) break;
  }
  return "";
}

using skipper::SqliteStore;
using skipper::Store;

std::unique_ptr<Store> OpenExistingStore(const Options& options,
                                         StoreAccess access, bool* missing) {
  if (skipper::IsPostgresLocation(options.store_path)) {
    // No file to look at: a database without itr's schema has no store.
    skipper::OpenStoreOptions open_options;
    open_options.read_only = access == StoreAccess::kRead;
    open_options.migrate = false;
    absl::StatusOr<std::unique_ptr<Store>> store =
        skipper::OpenStore(options.settings, options.store_path, open_options);
    *missing = !store.ok() && absl::IsNotFound(store.status());
    if (!store.ok()) {
      if (!*missing) StoreError("", store.status());
      return nullptr;
    }
    return std::move(*store);
  }
  skipper::SqliteStoreOptions store_options;
  store_options.read_only = access == StoreAccess::kRead;
  store_options.plan_wait_ms = options.settings.store_plan_wait_ms;
  store_options.record_wait_ms = options.settings.store_record_wait_ms;
  // Even a command that writes never creates a store.
  struct stat st {};
  *missing = stat(options.store_path.c_str(), &st) != 0;
  if (*missing) return nullptr;
  absl::StatusOr<std::unique_ptr<SqliteStore>> store =
      SqliteStore::Open(options.store_path, store_options);
  if (!store.ok()) {
    *missing = absl::IsNotFound(store.status());
    if (!*missing) StoreError("", store.status());
    return nullptr;
  }
  return std::move(*store);
}

skipper::TestIdentity IdentityFromKey(const std::string& key) {
  skipper::TestIdentity identity;
  size_t dot = key.find('.');
  if (dot == std::string::npos) {
    identity.suite = key;
  } else {
    identity.suite = key.substr(0, dot);
    identity.name = key.substr(dot + 1);
  }
  return identity;
}

skipper::PlannedTest PlannedFromKey(const std::string& key,
                                    const skipper::Settings& settings) {
  skipper::PlannedTest test;
  test.identity = IdentityFromKey(key);
  test.unskippable_reason =
      skipper::UnskippableBy({test.identity.suite, test.identity.name, ""},
                             settings.unskippable_patterns);
  test.unskippable = !test.unskippable_reason.empty();
  return test;
}

PlanningState MakePlanningState(const Options& options, Store* store,
                                const std::string& module) {
  PlanningState planning;
  // The CLI only plans, with no build time: it is not the test binary.
  planning.files =
      std::make_unique<skipper::FileFingerprinter>(options.repo_root);
  absl::StatusOr<std::unordered_map<std::string, skipper::StatEntry>> cache =
      store->LoadStatCache();
  if (cache.ok()) {
    for (const auto& [path, entry] : *cache) planning.files->Seed(path, entry);
  }  // Without the cache, files are simply hashed again.
  skipper::IndexLocation location;
  location.cache_dir = options.settings.cache_dir;
  planning.objects = std::make_unique<skipper::ObjectIndexes>(location);
  if (auto paths = store->ObjectPaths(module); paths.ok()) {
    for (const auto& [name, path] : *paths)
      planning.objects->KnowPath(path, "");
  }  // Without them, function dependencies read as changed.
  planning.state = std::make_unique<skipper::LocalState>(
      planning.files.get(), planning.objects.get(), ::getenv,
      skipper::kNoBuildTime);
  if (absl::StartsWith(module, "ctest:")) {
    // What each CTest test's definition is now, as `itr ctest` would see.
    const char* ctest = std::getenv("ITR_CTEST");
    auto definitions = skipper::ctest::BuildTreeDefinitions(
        ctest != nullptr && *ctest ? ctest : "ctest",
        skipper::ctest::BuildTreeOfModule(module, options.repo_root),
        options.repo_root);
    if (definitions.ok()) {
      for (auto& [key, definition] : *definitions) {
        planning.state->KnowDefinition(key, std::move(definition));
      }
    }  // Without them, the definitions read as changed: the tests run.
  }
  return planning;
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> SelectModules(
    Store* store, const std::string& module) {
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> all =
      store->Modules();
  if (!all.ok() || module.empty()) return all;
  std::vector<std::pair<std::string, std::string>> selected;
  for (auto& entry : *all) {
    if (entry.first == module) selected.push_back(std::move(entry));
  }
  return selected;
}

std::string FormatDuration(double ms) {
  if (ms < 1000) return absl::StrFormat("%.0f ms", ms);
  if (ms < 60 * 1000) return absl::StrFormat("%.1f s", ms / 1000);
  return absl::StrFormat("%.1f min", ms / 60000);
}

int StoreError(const std::string& what, const absl::Status& status) {
  skipper::ProcessDiagnostics().Info(
      what.empty() ? std::string(status.message())
                   : absl::StrCat(what, ": ", status.message()));
  return kExitStoreError;
}

}  // namespace itr::cli
