// Content fingerprints of files: the XXH3-128 of the file as it is now in
// the working tree (so uncommitted edits count), with a stat cache so an
// unchanged file is not read again.
#ifndef ITR_SKIPPER_FINGERPRINT_FILE_FINGERPRINTER_H_
#define ITR_SKIPPER_FINGERPRINT_FILE_FINGERPRINTER_H_

#include <cstdint>
#include <string>
#include <unordered_map>

#include "absl/strings/string_view.h"
#include "skipper/model/dependency.h"

namespace itr::skipper {

// What a file looked like when it was fingerprinted.
struct StatEntry {
  int64_t size = -1;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  int64_t inode = 0;
  std::string fingerprint;
};

inline constexpr int64_t kNoBuildTime = -1;

// The fingerprint of bytes held in memory: what a file of these bytes
// fingerprints as (XXH3-128, 32 hex digits).
std::string ContentFingerprint(absl::string_view bytes);

class FileFingerprinter {
 public:
  // `repo_root`: relative paths are relative to it.
  explicit FileFingerprinter(std::string repo_root);

  // Seeds the stat cache (e.g. from the store).
  void Seed(const std::string& path, const StatEntry& entry);

  // A source file compiled into a binary built at `built_at_ns` (its
  // modification time): the file's content hash (32 hex digits) now, or
  // kUnknownFingerprint when it is unreadable, missing, or changed after
  // that build (then it may not be what the binary holds; an unknown build
  // time, 0, makes every file unknown). kNoBuildTime turns the time rule off
  // (a planner that is not the binary, like the CLI). Used alike when
  // recording and when planning.
  std::string BuiltSource(const std::string& path, int64_t built_at_ns);

  // Any file read as it is (a script, a data file): its content hash,
  // kMissingFile, or kUnknownFingerprint when unreadable.
  std::string Content(const std::string& path);

  // Entries (re)computed in this process: to be saved back.
  const std::unordered_map<std::string, StatEntry>& updated() const {
    return updated_;
  }
  size_t hashed_files() const { return hashed_; }

 private:
  // The fingerprint, or kMissingFile / kUnknownFingerprint; with a build
  // time, a file newer than it is unknown.
  std::string Fingerprint(const std::string& path, int64_t built_at_ns);

  std::string repo_root_;
  std::unordered_map<std::string, StatEntry> cache_;
  std::unordered_map<std::string, StatEntry> updated_;
  size_t hashed_ = 0;
};

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_FINGERPRINT_FILE_FINGERPRINTER_H_
