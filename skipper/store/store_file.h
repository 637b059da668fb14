// The store's files as files, before and beside SQLite: what a path named
// as the store holds (so that itr-cpp never writes into, or beside,
// something that is not its own store), and moving a damaged store aside
// under a name that was never used.
//
// A store is the main file plus, while processes use it, SQLite's
// "<file>-wal" and "<file>-shm" beside it; after a run the main file alone
// holds everything (SqliteStore::Checkpoint).
#ifndef ITR_SKIPPER_STORE_STORE_FILE_H_
#define ITR_SKIPPER_STORE_STORE_FILE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace itr::skipper {

// PRAGMA application_id of an itr-cpp store ("ITRC"): written when the
// store is created (schema 3 and later), checked on every open.
inline constexpr int32_t kStoreApplicationId = 0x49545243;

enum class StoreFileKind {
  kMissing,     // nothing there: a store may be created
  kEmpty,       // a regular file of 0 bytes (a store being created)
  kOurs,        // an SQLite database with itr-cpp's application id
  kUnmarked,    // an SQLite database without application id: an itr-cpp
                // store of schema 1 or 2, or another program's database
  kForeign,     // another program's SQLite database, or not a regular file
  kUnreadable,  // neither an SQLite database nor empty: a damaged store in
                // its own .itr directory, else someone else's file
};

struct StoreFile {
  StoreFileKind kind = StoreFileKind::kMissing;
  // For kForeign and kUnreadable: what it is, completing "<path> ...".
  std::string what;
  int64_t size = 0;
  // Whether the path is in a directory named ".itr": itr-cpp's own place,
  // where an unreadable file can only be a damaged store.
  bool in_store_directory = false;
};

// Reads the file's type and the first 100 bytes (SQLite's header) without
// opening it as a database; never creates anything.
StoreFile InspectStoreFile(const std::string& path);

// Renames `path` and its "-wal" and "-shm" to "<path>.<label>-<UTC
// time>-<pid>[-<n>]", never over an existing file (three damaged stores in
// one second are three files). Returns the new name of the main file.
absl::StatusOr<std::string> MoveStoreAside(const std::string& path,
                                           const std::string& label);

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_STORE_STORE_FILE_H_
