#include "skipper/fingerprint/file_fingerprinter.h"

#include <git2.h>
#include <sys/stat.h>

#include <algorithm>
#include <utility>

namespace itr::skipper {

namespace {

int64_t Ns(const struct timespec& t) {
  return static_cast<int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec;
}

// libgit2 is initialized once per process and never shut down: it is used
// from static destructors and atexit handlers of test binaries too.
void EnsureLibgit2() {
  static const int initialized = git_libgit2_init();
  (void)initialized;
}

}  // namespace

FileFingerprinter::FileFingerprinter(std::string repo_root)
    : repo_root_(std::move(repo_root)) {
  EnsureLibgit2();
}

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
  git_oid oid;
  if (git_odb_hashfile(&oid, absolute.c_str(), GIT_OBJECT_BLOB) != 0) {
    return kUnknownFingerprint;
  }
  ++hashed_;
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof(hex), &oid);
  now.fingerprint = hex;
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
