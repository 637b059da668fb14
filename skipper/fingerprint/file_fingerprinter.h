// Content fingerprints of source files: the git blob id of the file as it is
// now in the working tree (so uncommitted edits count), through libgit2,
// with a stat cache so an unchanged file is not read again.
#ifndef ITR_SKIPPER_FINGERPRINT_FILE_FINGERPRINTER_H_
#define ITR_SKIPPER_FINGERPRINT_FILE_FINGERPRINTER_H_

#include <cstdint>
#include <string>
#include <unordered_map>

namespace itr::skipper {

// What a file looked like when it was fingerprinted.
struct StatEntry {
  int64_t size = -1;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  int64_t inode = 0;
  std::string fingerprint;
};

inline constexpr char kMissingFile[] = "missing";
inline constexpr int64_t kNoBuildTime = -1;
// Never equal to a real fingerprint: the dependency always reads as changed.
inline constexpr char kUnknownFingerprint[] = "unknown";

class FileFingerprinter {
 public:
  // `repo_root`: paths are relative to it. `built_at_ns`: modification time
  // of the test binary; a file changed after it may not be what the binary
  // was built from, so with `for_recording` its fingerprint is unknown (and
  // an unknown build time, 0, makes every file unknown). kNoBuildTime turns
  // the rule off (tools that only plan, like the CLI).
  FileFingerprinter(std::string repo_root, int64_t built_at_ns);

  // Changes the build time for the next calls (a recorder of several
  // binaries' tests, e.g. `itr ctest`, sets each test's own).
  void set_built_at_ns(int64_t built_at_ns) { built_at_ns_ = built_at_ns; }

  // Seeds the stat cache (e.g. from the store).
  void Seed(const std::string& path, const StatEntry& entry);

  // Fingerprint of the file now: a 40-hex git blob id, kMissingFile, or
  // kUnknownFingerprint (unreadable; with `for_recording`, also missing or
  // newer than the binary). The test binary plans with `for_recording` too:
  // a dependency newer than the binary is not what the binary contains.
  std::string Fingerprint(const std::string& path, bool for_recording);

  // Entries (re)computed in this process: to be saved back.
  const std::unordered_map<std::string, StatEntry>& updated() const {
    return updated_;
  }
  size_t hashed_files() const { return hashed_; }

 private:
  std::string repo_root_;
  int64_t built_at_ns_;
  std::unordered_map<std::string, StatEntry> cache_;
  std::unordered_map<std::string, StatEntry> updated_;
  size_t hashed_ = 0;
};

// Modification time of the running executable, in ns since the epoch.
int64_t ExecutableModifiedAtNs();

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_FINGERPRINT_FILE_FINGERPRINTER_H_
