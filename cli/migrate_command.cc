// itr migrate: create the store, or bring its schema to this itr-cpp's
// version, for teams that run migrations apart from the tests (with a
// role that may create tables; test processes may then use a role that
// only reads and writes rows: docs/store-postgresql.md).
#include <iostream>

#include "absl/strings/str_format.h"
#include "cli/commands.h"
#include "skipper/backend/open_store.h"
#include "skipper/store/postgres_store.h"
#include "skipper/store/sqlite_store.h"
#include "skipper/store/store_location.h"

namespace itr::cli {

int RunMigrate(const Options& options) {
  skipper::OpenStoreOptions open_options;
  open_options.migrate = true;
  absl::StatusOr<std::unique_ptr<skipper::Store>> store =
      skipper::OpenStore(options.settings, options.store_path, open_options);
  if (!store.ok()) return StoreError("cannot migrate", store.status());
  const int version = skipper::IsPostgresLocation(options.store_path)
                          ? skipper::PostgresStore::kSchemaVersion
                          : skipper::SqliteStore::kSchemaVersion;
  std::cout << absl::StrFormat("migrate %s: schema version %d\n",
                               options.store_display, version);
  return kExitOk;
}

}  // namespace itr::cli
