// Minimal RAII over sqlite3_stmt, with absl::Status errors.
#ifndef ITR_SKIPPER_STORE_SQLITE_STATEMENT_H_
#define ITR_SKIPPER_STORE_SQLITE_STATEMENT_H_

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <unordered_map>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace itr::skipper {

// The status of a failed SQLite call, naming the store (the connection's
// file) and what was being done, each once: "store <file>: <what>: <SQLite's
// message>". A damaged file (SQLITE_CORRUPT, SQLITE_NOTADB) is DataLoss and
// marks the connection (TakeDamage); a lock, I/O or permission problem is
// Unavailable.
absl::Status SqliteError(sqlite3* db, int code, absl::string_view what);

// Whether `db` met a damaged file since the last call (and forgets it).
bool TakeDamage(sqlite3* db);

// Prepared statements of one connection, reused across calls (preparing
// costs more than running most of our statements). Keyed by the SQL
// literal's address: one entry per call site.
class StatementCache {
 public:
  explicit StatementCache(sqlite3* db) : db_(db) {}
  ~StatementCache() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  }
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  sqlite3* db() const { return db_; }
  sqlite3_stmt* Take(const char* sql, int* code) {
    auto it = cache_.find(sql);
    if (it != cache_.end() && it->second != nullptr) {
      sqlite3_stmt* stmt = it->second;
      it->second = nullptr;
      *code = SQLITE_OK;
      return stmt;
    }
    sqlite3_stmt* stmt = nullptr;
    *code = sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr);
    return stmt;
  }
  void Give(const char* sql, sqlite3_stmt* stmt) {
    if (stmt == nullptr) return;
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    sqlite3_stmt*& slot = cache_[sql];
    if (slot != nullptr) {
      sqlite3_finalize(stmt);  // a nested use of the same call site
    } else {
      slot = stmt;
    }
  }

 private:
  sqlite3* db_;
  std::unordered_map<const char*, sqlite3_stmt*> cache_;
};

class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    code_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
  }
  Statement(StatementCache* cache, const char* sql)
      : db_(cache->db()), cache_(cache), sql_(sql) {
    stmt_ = cache->Take(sql, &code_);
  }
  ~Statement() {
    if (cache_ != nullptr) {
      cache_->Give(sql_, stmt_);
    } else {
      sqlite3_finalize(stmt_);
    }
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  absl::Status status() const {
    return code_ == SQLITE_OK ? absl::OkStatus()
                              : SqliteError(db_, code_, "prepare");
  }
  Statement& Bind(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Statement& Bind(int i, double v) {
    sqlite3_bind_double(stmt_, i, v);
    return *this;
  }
  Statement& Bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()),
                      SQLITE_TRANSIENT);
    return *this;
  }
  Statement& BindBlob(int i, const std::string& v) {
    sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()),
                      SQLITE_TRANSIENT);
    return *this;
  }
  // Returns true for a row, false when done; errors go to *status.
  bool Step(absl::Status* status) {
    if (code_ != SQLITE_OK) {
      *status = SqliteError(db_, code_, "prepare");
      return false;
    }
    int code = sqlite3_step(stmt_);
    if (code == SQLITE_ROW) return true;
    if (code != SQLITE_DONE) {
      *status = SqliteError(db_, code,
                            sqlite3_stmt_readonly(stmt_) ? "read" : "write");
    }
    return false;
  }
  // Runs a statement that returns no rows.
  absl::Status Run() {
    absl::Status status;
    while (Step(&status)) {
    }
    return status;
  }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  double Double(int column) const {
    return sqlite3_column_double(stmt_, column);
  }
  bool IsNull(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
  }
  // Valid until the next Step() or Reset().
  absl::string_view TextView(int column) const {
    const unsigned char* text = sqlite3_column_text(stmt_, column);
    return text ? absl::string_view(
                      reinterpret_cast<const char*>(text),
                      static_cast<size_t>(sqlite3_column_bytes(stmt_, column)))
                : absl::string_view();
  }
  // Valid until the next Step() or Reset().
  absl::string_view BlobView(int column) const {
    const void* blob = sqlite3_column_blob(stmt_, column);
    return blob ? absl::string_view(
                      static_cast<const char*>(blob),
                      static_cast<size_t>(sqlite3_column_bytes(stmt_, column)))
                : absl::string_view();
  }
  std::string Text(int column) const {
    const unsigned char* text = sqlite3_column_text(stmt_, column);
    return text ? std::string(
                      reinterpret_cast<const char*>(text),
                      static_cast<size_t>(sqlite3_column_bytes(stmt_, column)))
                : std::string();
  }

 private:
  sqlite3* db_;
  StatementCache* cache_ = nullptr;
  const char* sql_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  int code_;
};

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_STORE_SQLITE_STATEMENT_H_
