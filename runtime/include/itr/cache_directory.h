// itr/cache_directory.h — where itr-cpp caches what it derives from a
// build (probe-to-line maps, function indexes), keyed by build-id:
//   ITR_CACHE_DIR, else $XDG_CACHE_HOME/itr-cpp, else $HOME/.cache/itr-cpp;
//   "" when none is set (no cache).
// and how big and old it may grow: every write prunes the directory to
// ITR_CACHE_MAX_MB (default 512) and ITR_CACHE_MAX_DAYS (default 30) by
// last use, oldest first. Entries are replaced by rename and read through
// open descriptors, so pruning while other processes read or write is safe:
// a reader that loses its entry rebuilds it.
// One definition for the runtime and the skipper (C++ only).
#ifndef ITR_CACHE_DIRECTORY_H_
#define ITR_CACHE_DIRECTORY_H_

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace itr {

// `getenv`: const char*(const char* name), as ::getenv.
template <typename GetEnv>
std::string CacheDirectory(const GetEnv& getenv) {
  const char* dir = getenv("ITR_CACHE_DIR");
  if (dir != nullptr && *dir) return dir;
  const char* xdg = getenv("XDG_CACHE_HOME");
  if (xdg != nullptr && *xdg) return std::string(xdg) + "/itr-cpp";
  const char* home = getenv("HOME");
  if (home != nullptr && *home) return std::string(home) + "/.cache/itr-cpp";
  return "";
}

// Written files are "<entry>.tmp.<pid>..." until renamed into place.
constexpr char kCacheTemporarySuffix[] = ".tmp.";

struct CacheLimits {
  uint64_t max_bytes = uint64_t{512} << 20;
  int64_t max_age_seconds = int64_t{30} * 24 * 3600;
};

// A limit read from the environment: a whole number within [1, maximum],
// else `fallback` (*invalid set, for the caller to warn).
template <typename GetEnv>
uint64_t CacheLimitValue(const GetEnv& getenv, const char* name,
                         uint64_t fallback, uint64_t maximum, bool* invalid) {
  const char* text = getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  char* end = nullptr;
  errno = 0;
  unsigned long long value = strtoull(text, &end, 10);
  if (errno != 0 || *end != '\0' || *text == '-' || value == 0 ||
      value > maximum) {
    *invalid = true;
    return fallback;
  }
  return value;
}

// ITR_CACHE_MAX_MB and ITR_CACHE_MAX_DAYS; *invalid_name (optional) names
// the first unreadable one.
template <typename GetEnv>
CacheLimits CacheLimitsFrom(const GetEnv& getenv,
                            const char** invalid_name = nullptr) {
  CacheLimits limits;
  bool invalid = false;
  limits.max_bytes = CacheLimitValue(getenv, "ITR_CACHE_MAX_MB",
                                     limits.max_bytes >> 20, 1u << 30, &invalid)
                     << 20;
  if (invalid && invalid_name != nullptr) *invalid_name = "ITR_CACHE_MAX_MB";
  bool invalid_days = false;
  limits.max_age_seconds =
      static_cast<int64_t>(CacheLimitValue(
          getenv, "ITR_CACHE_MAX_DAYS",
          static_cast<uint64_t>(limits.max_age_seconds / (24 * 3600)), 36500,
          &invalid_days)) *
      24 * 3600;
  if (invalid_days && !invalid && invalid_name != nullptr) {
    *invalid_name = "ITR_CACHE_MAX_DAYS";
  }
  return limits;
}

// Marks an entry as used now (its modification time), at most once a day:
// pruning goes by last use.
inline void TouchCacheEntry(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) == 0 && time(nullptr) - st.st_mtime > 86400) {
    utimensat(AT_FDCWD, path.c_str(), nullptr, 0);
  }
}

// Removes cache entries ("*.itrmap", "*.itridx") unused for longer than the
// age limit, then the least recently used ones until the rest fits the
// size limit, and temporary files their writer left (older than an hour).
// `keep` (a path just written) stays whatever its size.
inline void PruneCacheDirectory(const std::string& dir,
                                const CacheLimits& limits,
                                const std::string& keep) {
  DIR* listing = opendir(dir.c_str());
  if (listing == nullptr) return;
  struct Entry {
    std::string path;
    int64_t used;
    uint64_t bytes;
  };
  std::vector<Entry> entries;
  const int64_t now = time(nullptr);
  auto ends_with = [](const char* name, const char* suffix) {
    size_t n = strlen(name), s = strlen(suffix);
    return n > s && strcmp(name + n - s, suffix) == 0;
  };
  while (const dirent* item = readdir(listing)) {
    const char* name = item->d_name;
    const bool temporary = strstr(name, kCacheTemporarySuffix) != nullptr;
    if (!temporary && !ends_with(name, ".itrmap") &&
        !ends_with(name, ".itridx")) {
      continue;
    }
    std::string path = dir + "/" + name;
    struct stat st {};
    if (path == keep || lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      continue;
    }
    if (temporary ? now - st.st_mtime > 3600
                  : now - st.st_mtime > limits.max_age_seconds) {
      unlink(path.c_str());  // another process may have removed it: fine
    } else if (!temporary) {
      entries.push_back({std::move(path), static_cast<int64_t>(st.st_mtime),
                         static_cast<uint64_t>(st.st_size)});
    }
  }
  closedir(listing);
  struct stat kept {};
  uint64_t total = stat(keep.c_str(), &kept) == 0 ? kept.st_size : 0;
  for (const Entry& e : entries) total += e.bytes;
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.used < b.used; });
  for (const Entry& e : entries) {
    if (total <= limits.max_bytes) break;
    unlink(e.path.c_str());
    total -= e.bytes;
  }
}

}  // namespace itr

#endif  // ITR_CACHE_DIRECTORY_H_
