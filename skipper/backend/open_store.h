// The one place that turns ITR_STORE into a store engine, shared by the
// test processes (LocalBackend) and the `itr` CLI: a PostgreSQL
// connection string (store_location.h IsPostgresLocation) opens the shared
// PostgresStore, anything else the embedded SqliteStore file.
#ifndef ITR_SKIPPER_BACKEND_OPEN_STORE_H_
#define ITR_SKIPPER_BACKEND_OPEN_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "skipper/base/diagnostics.h"
#include "skipper/config/settings.h"
#include "skipper/store/store.h"

namespace itr::skipper {

struct OpenStoreOptions {
  // Nothing is created, migrated or written; NotFound when there is no
  // store yet.
  bool read_only = false;
  // SQLite: a damaged file is moved aside and rebuilt, with one warning
  // here (else DataLoss). Unused by PostgreSQL.
  Diagnostics* rebuild_diagnostics = nullptr;
  // PostgreSQL: create or migrate the schema when needed (the CLI's
  // commands other than `itr migrate` never do).
  bool migrate = true;
};

// Opens the store `location` names (settings.store_path unless given),
// with the waits and, for PostgreSQL, the repository and timeouts of
// `settings`. Error messages never quote a password.
absl::StatusOr<std::unique_ptr<Store>> OpenStore(
    const Settings& settings, const std::string& location,
    const OpenStoreOptions& options);

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_BACKEND_OPEN_STORE_H_
