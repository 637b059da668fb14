// Which paths given to open() name a file of the repository: a lock-free
// first check that rules out most paths with a few comparisons, and the
// full resolution (working directory, directory descriptors, lexical
// normalization, exclusions) for the rest. Part of read tracking
// (read_tracker.h); no allocation anywhere, usable before constructors run.
#ifndef ITR_RUNTIME_READ_PATHS_H_
#define ITR_RUNTIME_READ_PATHS_H_

#include <limits.h>

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace itr::runtime {

// Collapses "//", "/./" and "dir/.." of an absolute path in place ("/.."
// stays "/"); removes a trailing slash. Returns the new length.
size_t NormalizeAbsoluteInPlace(char* path);

class RepositoryPaths {
 public:
  // The canonical root and up to two other spellings of it (the
  // ITR_REPO_ROOT given, the logical $PWD form when a symlink leads there).
  static constexpr size_t kMaxRoots = 3;
  static constexpr size_t kBufferSize = 2 * PATH_MAX + 2;

  enum class Kind {
    kOutside,     // not a file of the repository
    kInside,      // a file of the repository (see Resolve)
    kExcluded,    // of the repository, but never a dependency
    kUnresolved,  // cannot tell (e.g. an unreadable directory descriptor)
  };

  constexpr RepositoryPaths() = default;

  // Sets the roots (absolute, normalized; the first is canonical) and the
  // export file (absolute, normalized, or null). A root of "/" disables
  // file tracking (no repository was found).
  void Init(const char* const* roots, size_t root_count,
            const char* export_file);
  bool enabled() const { return enabled_.load(std::memory_order_acquire); }

  // Lock-free. False when `path` (absolute, or relative to `dirfd`, which
  // may be AT_FDCWD) certainly lies outside the repository.
  bool MayBeInside(int dirfd, const char* path) const {
    if (path[0] == '/') return AbsoluteMayBeInside(path);
    return dirfd != kCurrentDirectory || RelativeMayBeInside(path);
  }

  // Resolves `path` as openat(dirfd, path) would find it, lexically. On
  // kInside, *relative is the repository-relative path (no leading "./"),
  // valid until the next Resolve. Not thread-safe: the caller serializes.
  Kind Resolve(int dirfd, const char* path, const char** relative,
               size_t* length);

  // After a successful chdir/fchdir: the cached working directory is stale.
  void NoteDirectoryChange();

 private:
  static constexpr int kCurrentDirectory = -100;  // AT_FDCWD
  // Where the working directory lies relative to the repository.
  enum Relation : uint32_t {
    kUnknown = 0,
    kInsideRoot = 1,  // the root or below
    kAboveRoot = 2,   // an ancestor of the root
    kUnrelated = 3,
  };

  bool AbsoluteMayBeInside(const char* path) const;
  bool RelativeMayBeInside(const char* path) const;
  bool RefreshWorkingDirectory();
  bool ReadDirectoryOfDescriptor(int dirfd, size_t* length);
  Kind Classify(size_t length, const char** relative, size_t* out_length);

  std::atomic<bool> enabled_{false};
  size_t root_count_ = 0;
  size_t root_length_[kMaxRoots] = {};
  char roots_[kMaxRoots][PATH_MAX] = {};
  char export_file_[PATH_MAX] = {};
  // (generation << 2) | Relation; chdir bumps the generation.
  std::atomic<uint32_t> cwd_state_{0};
  // Under the caller's lock. Every member is zero at first: .bss.
  bool cwd_valid_ = false;
  uint32_t cwd_generation_ = 0;  // of cwd_
  char cwd_[PATH_MAX] = {};
  size_t cwd_length_ = 0;
  char buffer_[kBufferSize] = {};
};

}  // namespace itr::runtime

#endif  // ITR_RUNTIME_READ_PATHS_H_
