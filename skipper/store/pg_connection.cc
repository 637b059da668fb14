#include "skipper/store/pg_connection.h"

#include <poll.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "skipper/base/redact_secrets.h"

namespace itr::skipper {

namespace {

using Clock = std::chrono::steady_clock;

// libpq's message, one line, without a password.
std::string Message(const char* text) {
  std::string message = RedactSecrets(text == nullptr ? "" : text);
  for (char& c : message) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return std::string(absl::StripAsciiWhitespace(message));
}

}  // namespace

int64_t PgResult::Int(int row, int column) const {
  int64_t value = 0;
  if (!absl::SimpleAtoi(Text(row, column), &value)) value = 0;
  return value;
}

double PgResult::Double(int row, int column) const {
  double value = 0;
  if (!absl::SimpleAtod(Text(row, column), &value)) value = 0;
  return value;
}

std::string PgResult::Bytes(int row, int column) const {
  if (IsNull(row, column)) return "";
  size_t size = 0;
  unsigned char* bytes = Libpq().PQunescapeBytea(
      reinterpret_cast<const unsigned char*>(
          Libpq().PQgetvalue(result_.get(), row, column)),
      &size);
  if (bytes == nullptr) return "";
  std::string out(reinterpret_cast<const char*>(bytes), size);
  Libpq().PQfreemem(bytes);
  return out;
}

int64_t PgResult::affected() const {
  if (!result_) return 0;
  int64_t value = 0;
  if (!absl::SimpleAtoi(Libpq().PQcmdTuples(result_.get()), &value)) value = 0;
  return value;
}

std::string PgBytea(absl::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\\x";
  out.reserve(2 + bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

std::string PgArray(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.push_back('"');
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

std::string PgArray(const std::vector<int64_t>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    absl::StrAppend(&out, values[i]);
  }
  out.push_back('}');
  return out;
}

absl::StatusOr<std::unique_ptr<PgConnection>> PgConnection::Connect(
    const std::string& conninfo, const std::string& display,
    const PgConnectionOptions& options) {
  const std::string connect_timeout = absl::StrCat(
      options.connect_timeout_s < 2 ? 2 : options.connect_timeout_s);
  const std::string server_options = absl::StrCat(
      "-c statement_timeout=", options.statement_timeout_ms,
      " -c lock_timeout=", options.statement_timeout_ms,
      " -c idle_in_transaction_session_timeout=",
      options.statement_timeout_ms * 6 + 60000, " -c search_path=itr");
  // A server that stops answering mid-statement on TCP: keepalives and
  // tcp_user_timeout let the kernel give up too (the client deadline is
  // the bound either way).
  const std::string user_timeout =
      absl::StrCat(options.statement_timeout_ms + 1000);
  const char* keys[] = {"dbname",
                        "connect_timeout",
                        "application_name",
                        "options",
                        "keepalives",
                        "keepalives_idle",
                        "keepalives_interval",
                        "keepalives_count",
                        "tcp_user_timeout",
                        nullptr};
  const char* values[] = {conninfo.c_str(),
                          connect_timeout.c_str(),
                          "itr-cpp",
                          server_options.c_str(),
                          "1",
                          "5",
                          "2",
                          "3",
                          user_timeout.c_str(),
                          nullptr};
  if (absl::Status loaded = LoadLibpq(); !loaded.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot use the store ", display, ": ", loaded.message()));
  }
  PGconn* conn = Libpq().PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn == nullptr) {
    return absl::ResourceExhaustedError("libpq could not allocate");
  }
  if (Libpq().PQstatus(conn) != CONNECTION_OK) {
    std::string message = Message(Libpq().PQerrorMessage(conn));
    Libpq().PQfinish(conn);
    return absl::UnavailableError(
        absl::StrCat("cannot connect to the store ", display, ": ", message));
  }
  Libpq().PQsetnonblocking(conn, 1);
  return std::unique_ptr<PgConnection>(
      new PgConnection(conn, display, options.statement_timeout_ms));
}

PgConnection::PgConnection(PGconn* conn, std::string display, int timeout_ms)
    : conn_(conn), display_(std::move(display)), timeout_ms_(timeout_ms) {}

PgConnection::~PgConnection() {
  if (conn_ != nullptr) Libpq().PQfinish(conn_);
}

absl::Status PgConnection::Fail(absl::Status error) {
  if (conn_ != nullptr) Libpq().PQfinish(conn_);
  conn_ = nullptr;
  broken_ = error;
  return error;
}

absl::Status PgConnection::SetStatementTimeout(int timeout_ms) {
  timeout_ms_ = timeout_ms;
  return Command(absl::StrCat("SET statement_timeout = ", timeout_ms,
                              "; SET lock_timeout = ", timeout_ms),
                 "set the statement timeout");
}

absl::StatusOr<PgResult> PgConnection::Exec(absl::string_view sql,
                                            const std::vector<PgParam>& params,
                                            absl::string_view what) {
  if (!broken_.ok()) return broken_;
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const PgParam& param : params) {
    values.push_back(param ? param->c_str() : nullptr);
  }
  const std::string text(sql);
  int sent = params.empty()
                 ? Libpq().PQsendQuery(conn_, text.c_str())
                 : Libpq().PQsendQueryParams(
                       conn_, text.c_str(), static_cast<int>(params.size()),
                       nullptr, values.data(), nullptr, nullptr, 0);
  if (sent != 1) {
    return Fail(absl::UnavailableError(
        absl::StrCat("store ", display_, ": ", what, ": ",
                     Message(Libpq().PQerrorMessage(conn_)))));
  }
  return Await(what);
}

absl::StatusOr<PgResult> PgConnection::Await(absl::string_view what) {
  // The server enforces statement_timeout; this deadline covers a server
  // (or a path to it) that no longer answers at all.
  const auto deadline =
      Clock::now() + std::chrono::milliseconds(timeout_ms_ + 1000);
  auto wait = [&](short events) -> absl::Status {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - Clock::now())
                    .count();
    if (left <= 0) {
      return Fail(absl::UnavailableError(
          absl::StrCat("store ", display_, ": ", what, ": no answer within ",
                       (timeout_ms_ + 1000) / 1000.0, " s")));
    }
    pollfd fd{Libpq().PQsocket(conn_), events, 0};
    int ready = poll(&fd, 1, static_cast<int>(left));
    if (ready < 0 && errno != EINTR) {
      return Fail(absl::UnavailableError(
          absl::StrCat("store ", display_, ": ", what, ": poll failed")));
    }
    return absl::OkStatus();
  };
  // Send everything (non-blocking mode: a full socket buffer waits here).
  for (;;) {
    int flushed = Libpq().PQflush(conn_);
    if (flushed == 0) break;
    if (flushed < 0) {
      return Fail(absl::UnavailableError(
          absl::StrCat("store ", display_, ": ", what, ": ",
                       Message(Libpq().PQerrorMessage(conn_)))));
    }
    absl::Status waited = wait(POLLOUT | POLLIN);
    if (!waited.ok()) return waited;
    if (Libpq().PQconsumeInput(conn_) == 0) break;  // reported below
  }
  PgResult last;
  absl::Status error;
  for (;;) {
    while (Libpq().PQisBusy(conn_)) {
      absl::Status waited = wait(POLLIN);
      if (!waited.ok()) return waited;
      if (Libpq().PQconsumeInput(conn_) == 0) {
        return Fail(absl::UnavailableError(
            absl::StrCat("store ", display_, ": ", what, ": ",
                         Message(Libpq().PQerrorMessage(conn_)))));
      }
    }
    PGresult* result = Libpq().PQgetResult(conn_);
    if (result == nullptr) break;
    ExecStatusType status = Libpq().PQresultStatus(result);
    if (status == PGRES_FATAL_ERROR && error.ok()) {
      const char* state = Libpq().PQresultErrorField(result, PG_DIAG_SQLSTATE);
      std::string code = state == nullptr ? "" : state;
      std::string message = absl::StrCat(
          "store ", display_, ": ", what, ": ",
          Message(Libpq().PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY)));
      if (code == "40P01" || code == "40001") {
        error = absl::AbortedError(message);
      } else if (code.rfind("08", 0) == 0 || code.rfind("28", 0) == 0 ||
                 code.rfind("57", 0) == 0 || code.rfind("53", 0) == 0 ||
                 code == "55P03" || code == "25006") {
        error = absl::UnavailableError(message);
      } else if (code == "42P01" || code == "3F000") {
        error = absl::NotFoundError(message);
      } else {
        error = absl::InternalError(message);
      }
    }
    last = PgResult(result);
  }
  if (Libpq().PQstatus(conn_) == CONNECTION_BAD) {
    return Fail(error.ok()
                    ? absl::UnavailableError(absl::StrCat(
                          "store ", display_, ": ", what, ": connection lost"))
                    : absl::UnavailableError(error.message()));
  }
  if (!error.ok()) return error;
  return last;
}

}  // namespace itr::skipper
