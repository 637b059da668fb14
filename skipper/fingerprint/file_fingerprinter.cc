#include "skipper/fingerprint/file_fingerprinter.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "absl/strings/str_format.h"
#include "xxhash.h"

namespace itr::skipper {

std::string ContentFingerprint(absl::string_view bytes) {
  XXH128_hash_t hash = XXH3_128bits(bytes.data(), bytes.size());
  return absl::StrFormat("%016x%016x", hash.high64, hash.low64);
}

namespace {

int64_t Ns(const struct timespec& t) {
  return static_cast<int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec;
}

// XXH3-128 of a file's bytes, as 32 hex digits; "" when unreadable.
std::string HashFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  XXH3_state_t* state = XXH3_createState();
  XXH3_128bits_reset(state);
  char buffer[1 << 16];
  bool ok = true;
  for (;;) {
    ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) ok = false;
    if (n <= 0) break;
    XXH3_128bits_update(state, buffer, static_cast<size_t>(n));
  }
  close(fd);
  XXH128_hash_t hash = XXH3_128bits_digest(state);
  XXH3_freeState(state);
  return ok ? absl::StrFormat("%016x%016x", hash.high64, hash.low64) : "";
}

}  // namespace

FileFingerprinter::FileFingerprinter(std::string repo_root)
    : repo_root_(std::move(repo_root)) {}

std::string FileFingerprinter::BuiltSource(const std::string& path,
                                           int64_t built_at_ns) {
  std::string fingerprint = Fingerprint(path, built_at_ns);
  // Recording "missing" would read as unchanged while it stays missing: a
  // compiled file we cannot see is an unknown dependency.
  return fingerprint == kMissingFile ? kUnknownFingerprint : fingerprint;
}

std::string FileFingerprinter::Content(const std::string& path) {
  return Fingerprint(path, kNoBuildTime);
}

void FileFingerprinter::Seed(const std::string& path, const StatEntry& entry) {
  cache_[path] = entry;
}

std::string FileFingerprinter::Fingerprint(const std::string& path,
                                           int64_t built_at_ns) {
  std::string absolute =
      path.empty() || path[0] == '/' ? path : repo_root_ + "/" + path;
  struct stat st {};
  if (stat(absolute.c_str(), &st) != 0) return kMissingFile;
  StatEntry now;
  now.size = st.st_size;
  now.mtime_ns = Ns(st.st_mtim);
  now.ctime_ns = Ns(st.st_ctim);
  now.inode = static_cast<int64_t>(st.st_ino);
  if (built_at_ns != kNoBuildTime &&
      std::max(now.mtime_ns, now.ctime_ns) > built_at_ns) {
    return kUnknownFingerprint;  // changed after the binary was built
  }
  auto cached = cache_.find(path);
  if (cached != cache_.end() && cached->second.size == now.size &&
      cached->second.mtime_ns == now.mtime_ns &&
      cached->second.ctime_ns == now.ctime_ns &&
      cached->second.inode == now.inode &&
      !cached->second.fingerprint.empty()) {
    return cached->second.fingerprint;
  }
  now.fingerprint = HashFile(absolute);
  if (now.fingerprint.empty()) return kUnknownFingerprint;
  ++hashed_;
  // A file modified within the clock's granularity of now could change
  // again without changing its stat: do not trust the cache for it.
  struct timespec clock {};
  clock_gettime(CLOCK_REALTIME, &clock);
  if (Ns(clock) - now.mtime_ns > 2000000000) {
    cache_[path] = now;
    updated_[path] = now;
  }
  return now.fingerprint;
}

}  // namespace itr::skipper
