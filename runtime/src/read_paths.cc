#include "read_paths.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>

namespace itr::runtime {

namespace {

bool StartsWithDirectory(const char* path, size_t path_length,
                         const char* directory, size_t directory_length) {
  return path_length > directory_length &&
         memcmp(path, directory, directory_length) == 0 &&
         path[directory_length] == '/';
}

// ".git" or ".itr", alone or as the first directory.
bool IsOwnDirectory(const char* relative, size_t length) {
  for (const char* own : {".git", ".itr"}) {
    if (length >= 4 && memcmp(relative, own, 4) == 0 &&
        (length == 4 || relative[4] == '/')) {
      return true;
    }
  }
  return false;
}

// Writes the decimal digits of a non-negative `value` at `out`; returns
// their count.
size_t WriteDecimal(int value, char* out) {
  char digits[16];
  size_t n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value > 0 && n < sizeof(digits));
  for (size_t i = 0; i < n; ++i) out[i] = digits[n - 1 - i];
  return n;
}

}  // namespace

size_t NormalizeAbsoluteInPlace(char* path) {
  size_t write = 1;  // path[0] is '/'
  size_t read = 1;
  while (path[read] != '\0') {
    while (path[read] == '/') ++read;
    if (path[read] == '\0') break;
    size_t start = read;
    while (path[read] != '\0' && path[read] != '/') ++read;
    size_t length = read - start;
    if (length == 1 && path[start] == '.') continue;
    if (length == 2 && path[start] == '.' && path[start + 1] == '.') {
      while (write > 1 && path[write - 1] != '/') --write;
      if (write > 1) --write;  // the slash before the removed component
      continue;
    }
    if (write > 1) path[write++] = '/';
    memmove(path + write, path + start, length);
    write += length;
  }
  path[write] = '\0';
  return write;
}

void RepositoryPaths::Init(const char* const* roots, size_t root_count,
                           const char* export_file) {
  root_count_ = 0;
  for (size_t i = 0; i < root_count && root_count_ < kMaxRoots; ++i) {
    size_t length = strlen(roots[i]);
    if (length == 0 || length >= PATH_MAX || roots[i][0] != '/') continue;
    if (length == 1) {
      if (i == 0) return;  // no repository: track no file
      continue;
    }
    memcpy(roots_[root_count_], roots[i], length + 1);
    root_length_[root_count_++] = length;
  }
  if (export_file != nullptr && strlen(export_file) < PATH_MAX) {
    strcpy(export_file_, export_file);
  }
  enabled_.store(root_count_ > 0, std::memory_order_release);
}

bool RepositoryPaths::AbsoluteMayBeInside(const char* path) const {
  for (size_t i = 0; i < root_count_; ++i) {
    size_t n = root_length_[i];
    if (strncmp(path, roots_[i], n) == 0 &&
        (path[n] == '/' || path[n] == '\0')) {
      return true;
    }
  }
  // Only "//", "/./" or "/../" can lead a path that does not start with a
  // root into it (some false positives: hidden files).
  for (const char* slash = strchr(path, '/'); slash != nullptr;
       slash = strchr(slash + 1, '/')) {
    if (slash[1] == '/' || slash[1] == '.') return true;
  }
  return false;
}

bool RepositoryPaths::RelativeMayBeInside(const char* path) const {
  uint32_t relation = cwd_state_.load(std::memory_order_relaxed) & 3u;
  // From an unrelated directory only ".." can reach the repository.
  return relation != kUnrelated || strstr(path, "..") != nullptr;
}

void RepositoryPaths::NoteDirectoryChange() {
  uint32_t state = cwd_state_.load(std::memory_order_relaxed);
  while (!cwd_state_.compare_exchange_weak(state, ((state >> 2) + 1) << 2,
                                           std::memory_order_relaxed)) {
  }
}

bool RepositoryPaths::RefreshWorkingDirectory() {
  uint32_t state = cwd_state_.load(std::memory_order_relaxed);
  uint32_t generation = state >> 2;
  if ((state & 3u) != kUnknown && cwd_valid_ && generation == cwd_generation_) {
    return true;
  }
  cwd_valid_ = getcwd(cwd_, sizeof(cwd_)) != nullptr && cwd_[0] == '/';
  if (!cwd_valid_) return false;
  cwd_length_ = strlen(cwd_);
  cwd_generation_ = generation;
  uint32_t relation = kUnrelated;
  for (size_t i = 0; i < root_count_; ++i) {
    const char* root = roots_[i];
    size_t n = root_length_[i];
    if ((cwd_length_ == n && memcmp(cwd_, root, n) == 0) ||
        StartsWithDirectory(cwd_, cwd_length_, root, n)) {
      relation = kInsideRoot;
      break;
    }
    if (cwd_length_ == 1 || StartsWithDirectory(root, n, cwd_, cwd_length_)) {
      relation = kAboveRoot;
    }
  }
  // Publishes the relation unless a chdir happened meanwhile (then the next
  // call refreshes again).
  cwd_state_.compare_exchange_strong(state, (generation << 2) | relation,
                                     std::memory_order_relaxed);
  return true;
}

// Reads the directory of `dirfd` into buffer_ through /proc/self/fd.
bool RepositoryPaths::ReadDirectoryOfDescriptor(int dirfd, size_t* length) {
  if (dirfd < 0) return false;
  char link[32] = "/proc/self/fd/";
  size_t n = strlen(link);
  link[n + WriteDecimal(dirfd, link + n)] = '\0';
  ssize_t got = readlink(link, buffer_, PATH_MAX);
  if (got <= 0 || got >= PATH_MAX || buffer_[0] != '/') return false;
  *length = static_cast<size_t>(got);
  return true;
}

RepositoryPaths::Kind RepositoryPaths::Resolve(int dirfd, const char* path,
                                               const char** relative,
                                               size_t* length) {
  size_t path_length = strlen(path);
  size_t base_length = 0;
  if (path[0] != '/') {
    if (dirfd == kCurrentDirectory) {
      if (!RefreshWorkingDirectory()) return Kind::kUnresolved;
      memcpy(buffer_, cwd_, cwd_length_);
      base_length = cwd_length_;
    } else if (!ReadDirectoryOfDescriptor(dirfd, &base_length)) {
      return Kind::kUnresolved;
    }
    buffer_[base_length++] = '/';
  }
  if (base_length + path_length >= kBufferSize) return Kind::kUnresolved;
  memcpy(buffer_ + base_length, path, path_length + 1);
  return Classify(NormalizeAbsoluteInPlace(buffer_), relative, length);
}

RepositoryPaths::Kind RepositoryPaths::Classify(size_t length,
                                                const char** relative,
                                                size_t* out_length) {
  if (export_file_[0] != '\0' && strcmp(buffer_, export_file_) == 0) {
    return Kind::kExcluded;
  }
  for (size_t i = 0; i < root_count_; ++i) {
    size_t n = root_length_[i];
    if (length == n && memcmp(buffer_, roots_[i], n) == 0) {
      return Kind::kExcluded;  // the root directory itself
    }
    if (!StartsWithDirectory(buffer_, length, roots_[i], n)) continue;
    *relative = buffer_ + n + 1;
    *out_length = length - n - 1;
    return IsOwnDirectory(*relative, *out_length) ? Kind::kExcluded
                                                  : Kind::kInside;
  }
  return Kind::kOutside;
}

}  // namespace itr::runtime
