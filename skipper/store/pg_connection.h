// One libpq connection with bounded waits: connecting is bounded by
// libpq's connect_timeout, and every statement by a client-side deadline
// (poll on the socket), so a server that stops answering (SIGSTOP, a dead
// network path) costs at most that wait, never a hang. After a deadline
// passes or the connection breaks, the connection is closed and every
// later call fails at once with the same error (a run never waits twice).
//
// Statements are sent with parameters in text form (bytea as "\x<hex>")
// and results read as text. Error messages never quote a password
// (skipper/base/redact_secrets.h).
#ifndef ITR_SKIPPER_STORE_PG_CONNECTION_H_
#define ITR_SKIPPER_STORE_PG_CONNECTION_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "skipper/store/libpq_api.h"

namespace itr::skipper {

// A statement's result rows (text form). Empty for a command.
class PgResult {
 public:
  PgResult() = default;
  explicit PgResult(PGresult* result) : result_(result, Libpq().PQclear) {}

  int rows() const { return result_ ? Libpq().PQntuples(result_.get()) : 0; }
  bool IsNull(int row, int column) const {
    return Libpq().PQgetisnull(result_.get(), row, column) != 0;
  }
  absl::string_view Text(int row, int column) const {
    return absl::string_view(Libpq().PQgetvalue(result_.get(), row, column),
                             Libpq().PQgetlength(result_.get(), row, column));
  }
  int64_t Int(int row, int column) const;
  double Double(int row, int column) const;
  bool Bool(int row, int column) const { return Text(row, column) == "t"; }
  // A bytea column's bytes.
  std::string Bytes(int row, int column) const;
  // Rows affected by a command.
  int64_t affected() const;

 private:
  std::shared_ptr<PGresult> result_;
};

// A text parameter, or SQL NULL.
using PgParam = std::optional<std::string>;

// bytes as a bytea parameter ("\x<hex>").
std::string PgBytea(absl::string_view bytes);
// values as a PostgreSQL array literal ("{"a","b"}") for a text[], bigint[],
// double precision[] or (hex strings) bytea[] parameter.
std::string PgArray(const std::vector<std::string>& values);
std::string PgArray(const std::vector<int64_t>& values);

struct PgConnectionOptions {
  // Seconds libpq waits to connect (its connect_timeout; at least 2).
  int connect_timeout_s = 5;
  // The server's statement_timeout and lock_timeout, and (plus a second)
  // the client's own deadline per statement.
  int statement_timeout_ms = 10000;
};

class PgConnection {
 public:
  // `conninfo`: a URI or key/value string; libpq's environment (PGHOST,
  // PGPASSWORD, PGSSLMODE, ~/.pgpass, PGSERVICE, …) fills what it leaves
  // out. Unavailable when the server cannot be reached or refuses (the
  // message names the store by `display`).
  static absl::StatusOr<std::unique_ptr<PgConnection>> Connect(
      const std::string& conninfo, const std::string& display,
      const PgConnectionOptions& options);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs `sql` ($1… are `params`) and returns its rows. Errors:
  // Unavailable (connection lost, deadline passed: the connection is
  // closed), Aborted (deadlock or serialization failure: retry the
  // transaction), Internal (anything else the server refused).
  // `what` names the operation in an error.
  absl::StatusOr<PgResult> Exec(absl::string_view sql,
                                const std::vector<PgParam>& params,
                                absl::string_view what);
  absl::Status Command(absl::string_view sql, absl::string_view what) {
    return Exec(sql, {}, what).status();
  }
  // Sets the per-statement bounds from now on (one round trip).
  absl::Status SetStatementTimeout(int timeout_ms);

  // The error that closed the connection, else OK.
  const absl::Status& broken() const { return broken_; }

 private:
  PgConnection(PGconn* conn, std::string display, int timeout_ms);
  absl::Status Fail(absl::Status error);
  absl::StatusOr<PgResult> Await(absl::string_view what);

  PGconn* conn_;
  std::string display_;
  int timeout_ms_;
  absl::Status broken_;
};

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_STORE_PG_CONNECTION_H_
