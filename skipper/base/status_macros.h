// Early returns on absl::Status / absl::StatusOr errors, the one spelling used
// throughout the skipper and the CLI.
//
//   ITR_RETURN_IF_ERROR(store.Exec("BEGIN"));
//   ITR_ASSIGN_OR_RETURN(auto store, SqliteStore::Open(path));
//   ITR_ASSIGN_OR_RETURN(rows, LoadRows());  // into an existing variable
//
// Both evaluate their argument once. The error is returned unchanged (no
// annotation): messages are composed where the context is known.
#ifndef ITR_SKIPPER_BASE_STATUS_MACROS_H_
#define ITR_SKIPPER_BASE_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define ITR_RETURN_IF_ERROR(expr)                          \
  do {                                                     \
    ::absl::Status itr_status_macro_ = (expr);             \
    if (!itr_status_macro_.ok()) return itr_status_macro_; \
  } while (false)

#define ITR_STATUS_MACROS_CONCAT_INNER_(a, b) a##b
#define ITR_STATUS_MACROS_CONCAT_(a, b) ITR_STATUS_MACROS_CONCAT_INNER_(a, b)

#define ITR_ASSIGN_OR_RETURN(lhs, expr) \
  ITR_ASSIGN_OR_RETURN_IMPL_(           \
      ITR_STATUS_MACROS_CONCAT_(itr_status_or_value_, __LINE__), lhs, expr)

#define ITR_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr)    \
  auto statusor = (expr);                                  \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

#endif  // ITR_SKIPPER_BASE_STATUS_MACROS_H_
