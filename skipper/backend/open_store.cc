#include "skipper/backend/open_store.h"

#include "skipper/base/status_macros.h"
#include "skipper/store/postgres_store.h"
#include "skipper/store/sqlite_store.h"
#include "skipper/store/store_location.h"

namespace itr::skipper {

absl::StatusOr<std::unique_ptr<Store>> OpenStore(
    const Settings& settings, const std::string& location,
    const OpenStoreOptions& options) {
  if (IsPostgresLocation(location)) {
    PostgresStoreOptions pg;
    pg.read_only = options.read_only;
    pg.migrate = options.migrate;
    pg.repository = settings.store_repository;
    pg.connect_timeout_s = settings.store_connect_timeout_s;
    pg.statement_timeout_ms = settings.store_statement_timeout_ms;
    pg.retention_days = settings.store_retention_days;
    ITR_ASSIGN_OR_RETURN(std::unique_ptr<PostgresStore> store,
                         PostgresStore::Open(location, pg));
    return std::unique_ptr<Store>(std::move(store));
  }
  SqliteStoreOptions sqlite;
  sqlite.read_only = options.read_only;
  sqlite.plan_wait_ms = settings.store_plan_wait_ms;
  sqlite.record_wait_ms = settings.store_record_wait_ms;
  if (options.rebuild_diagnostics != nullptr) {
    ITR_ASSIGN_OR_RETURN(std::unique_ptr<SqliteStore> store,
                         SqliteStore::OpenOrRebuild(
                             location, sqlite, *options.rebuild_diagnostics));
    return std::unique_ptr<Store>(std::move(store));
  }
  ITR_ASSIGN_OR_RETURN(std::unique_ptr<SqliteStore> store,
                       SqliteStore::Open(location, sqlite));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace itr::skipper
