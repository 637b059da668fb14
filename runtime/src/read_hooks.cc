// The interposers of read tracking (read_tracker.h): file opens,
// environment reads and changes, working-directory changes. The runtime is
// linked before libc, so these definitions win for every caller that goes
// through the dynamic symbol table (the executable, libstdc++'s
// std::ifstream -> fopen64, any library); each forwards to the next
// definition (libc's, or a sanitizer's interceptor before ours), resolved
// once with dlsym(RTLD_NEXT).
//
// Not seen: libc's internal calls (its own opens and getenv, e.g.
// setlocale, tzset), the dynamic loader's opens, raw system calls.
//
// Each hook preserves errno exactly as the real call left it (the
// recording saves and restores it) and touches no floating-point state.
#undef _FORTIFY_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "internal_guard.h"
#include "itr/coverage.h"
#include "open_access.h"
#include "read_tracker.h"

extern "C" {
// Declared by glibc only under _FORTIFY_SOURCE.
int __open_2(const char* path, int flags);
int __open64_2(const char* path, int flags);
int __openat_2(int dirfd, const char* path, int flags);
int __openat64_2(int dirfd, const char* path, int flags);
}

namespace itr::runtime {

namespace {

// Set while this thread resolves a real function: a hook re-entered from
// inside dlsym (which may allocate or, in some libcs, open) uses the
// fallback instead of recursing.
__thread bool t_resolving __attribute__((tls_model("initial-exec")));

// The next definition of `name` after this library, or null (then the
// hook falls back to the system call or fails with ENOSYS). Threads racing
// here store the same pointer.
template <typename Fn>
Fn Next(std::atomic<Fn>* slot, const char* name) {
  Fn fn = slot->load(std::memory_order_acquire);
  if (fn != nullptr || t_resolving) return fn;
  t_resolving = true;
  int saved = errno;
  fn = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
  errno = saved;
  t_resolving = false;
  if (fn != nullptr) slot->store(fn, std::memory_order_release);
  return fn;
}

#define ITR_NEXT(name)                                   \
  ([]() {                                                \
    static std::atomic<decltype(&::name)> real{nullptr}; \
    return ::itr::runtime::Next(&real, #name);           \
  }())

// glibc declares the path arguments nonnull; a caller that passes null
// anyway must get libc's answer (EFAULT), not a crash in our check.
const char* Opaque(const char* pointer) {
  asm("" : "+r"(pointer));
  return pointer;
}

bool OpenTakesMode(int flags) {
  return (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE;
}

int RawOpenat(int dirfd, const char* path, int flags, mode_t mode) {
  return static_cast<int>(syscall(SYS_openat, dirfd, path, flags, mode));
}

// Runs `call` (the real open) and records what it did to `path`.
template <typename Call>
int TrackedOpen(int dirfd, const char* path, int flags, Call call) {
  ReadTracker& tracker = ReadTracker::Get();
  if (!tracker.MayRecordFile(dirfd, Opaque(path))) return call();
  bool existed = false;
  if (OpenNeedsExistence(flags)) {
    int saved = errno;
    existed = faccessat(dirfd, path, F_OK, 0) == 0;
    errno = saved;
  }
  int fd = call();
  int saved = errno;
  tracker.RecordOpen(dirfd, path, ClassifyOpen(flags, existed), fd >= 0, fd);
  errno = saved;
  return fd;
}

template <typename Call>
FILE* TrackedFopen(const char* path, const char* mode, Call call) {
  ReadTracker& tracker = ReadTracker::Get();
  if (!tracker.MayRecordFile(AT_FDCWD, Opaque(path)) ||
      Opaque(mode) == nullptr) {
    return call();
  }
  int flags = OpenFlagsOfMode(mode);
  bool existed = false;
  if (flags >= 0 && OpenNeedsExistence(flags)) {
    int saved = errno;
    existed = access(path, F_OK) == 0;
    errno = saved;
  }
  FILE* file = call();
  int saved = errno;
  tracker.RecordOpen(
      AT_FDCWD, path,
      flags < 0 ? FileAccess::kNone : ClassifyOpen(flags, existed),
      file != nullptr, file != nullptr ? fileno(file) : -1);
  errno = saved;
  return file;
}

FILE* NoFopen() {
  errno = ENOSYS;
  return nullptr;
}

char* ScanEnvironment(const char* name) {
  size_t length = strlen(name);
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    if (strncmp(*entry, name, length) == 0 && (*entry)[length] == '=') {
      return *entry + length + 1;
    }
  }
  return nullptr;
}

void RecordEnvRead(const char* name, const char* value) {
  ReadTracker& tracker = ReadTracker::Get();
  if (!tracker.MayRecordEnv() || Opaque(name) == nullptr) return;
  int saved = errno;
  tracker.RecordEnvRead(name, value);
  errno = saved;
}

// Whoever changes a variable (itr-cpp included, and before tracking
// starts), its later value no longer comes from outside the process.
void RecordEnvChange(const char* name, size_t length) {
  int saved = errno;
  ReadTracker::Get().RecordEnvChange(name, length);
  errno = saved;
}

// Tracking starts once the repository root is known. Before that
// (constructors of libraries initialized before this one), nothing is
// recorded.
__attribute__((constructor(101))) void StartReadTracking() {
  ReadTracker::Get().Init();
}

}  // namespace

}  // namespace itr::runtime

using itr::runtime::FileAccess;
using itr::runtime::RawOpenat;
using itr::runtime::TrackedFopen;
using itr::runtime::TrackedOpen;

extern "C" {

// --- open and its forms --------------------------------------------------

ITR_API int open(const char* path, int flags, ...) {
  mode_t mode = 0;
  if (itr::runtime::OpenTakesMode(flags)) {
    va_list args;
    va_start(args, flags);
    mode = static_cast<mode_t>(va_arg(args, int));
    va_end(args);
  }
  return TrackedOpen(AT_FDCWD, path, flags, [&] {
    auto real = ITR_NEXT(open);
    return real ? real(path, flags, mode)
                : RawOpenat(AT_FDCWD, path, flags, mode);
  });
}

ITR_API int open64(const char* path, int flags, ...) {
  mode_t mode = 0;
  if (itr::runtime::OpenTakesMode(flags)) {
    va_list args;
    va_start(args, flags);
    mode = static_cast<mode_t>(va_arg(args, int));
    va_end(args);
  }
  return TrackedOpen(AT_FDCWD, path, flags, [&] {
    auto real = ITR_NEXT(open64);
    return real ? real(path, flags, mode)
                : RawOpenat(AT_FDCWD, path, flags | O_LARGEFILE, mode);
  });
}

ITR_API int openat(int dirfd, const char* path, int flags, ...) {
  mode_t mode = 0;
  if (itr::runtime::OpenTakesMode(flags)) {
    va_list args;
    va_start(args, flags);
    mode = static_cast<mode_t>(va_arg(args, int));
    va_end(args);
  }
  return TrackedOpen(dirfd, path, flags, [&] {
    auto real = ITR_NEXT(openat);
    return real ? real(dirfd, path, flags, mode)
                : RawOpenat(dirfd, path, flags, mode);
  });
}

ITR_API int openat64(int dirfd, const char* path, int flags, ...) {
  mode_t mode = 0;
  if (itr::runtime::OpenTakesMode(flags)) {
    va_list args;
    va_start(args, flags);
    mode = static_cast<mode_t>(va_arg(args, int));
    va_end(args);
  }
  return TrackedOpen(dirfd, path, flags, [&] {
    auto real = ITR_NEXT(openat64);
    return real ? real(dirfd, path, flags, mode)
                : RawOpenat(dirfd, path, flags | O_LARGEFILE, mode);
  });
}

// _FORTIFY_SOURCE's checked forms (no mode: O_CREAT without one aborts).
ITR_API int __open_2(const char* path, int flags) {
  return TrackedOpen(AT_FDCWD, path, flags, [&] {
    auto real = ITR_NEXT(__open_2);
    return real ? real(path, flags) : RawOpenat(AT_FDCWD, path, flags, 0);
  });
}

ITR_API int __open64_2(const char* path, int flags) {
  return TrackedOpen(AT_FDCWD, path, flags, [&] {
    auto real = ITR_NEXT(__open64_2);
    return real ? real(path, flags)
                : RawOpenat(AT_FDCWD, path, flags | O_LARGEFILE, 0);
  });
}

ITR_API int __openat_2(int dirfd, const char* path, int flags) {
  return TrackedOpen(dirfd, path, flags, [&] {
    auto real = ITR_NEXT(__openat_2);
    return real ? real(dirfd, path, flags) : RawOpenat(dirfd, path, flags, 0);
  });
}

ITR_API int __openat64_2(int dirfd, const char* path, int flags) {
  return TrackedOpen(dirfd, path, flags, [&] {
    auto real = ITR_NEXT(__openat64_2);
    return real ? real(dirfd, path, flags)
                : RawOpenat(dirfd, path, flags | O_LARGEFILE, 0);
  });
}

ITR_API int creat(const char* path, mode_t mode) {
  return TrackedOpen(AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, [&] {
    auto real = ITR_NEXT(creat);
    return real ? real(path, mode)
                : RawOpenat(AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, mode);
  });
}

ITR_API int creat64(const char* path, mode_t mode) {
  return TrackedOpen(AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, [&] {
    auto real = ITR_NEXT(creat64);
    return real ? real(path, mode)
                : RawOpenat(AT_FDCWD, path,
                            O_WRONLY | O_CREAT | O_TRUNC | O_LARGEFILE, mode);
  });
}

// --- stdio (glibc's fopen opens internally, unseen by the hooks above) ---

ITR_API FILE* fopen(const char* path, const char* mode) {
  return TrackedFopen(path, mode, [&] {
    auto real = ITR_NEXT(fopen);
    return real ? real(path, mode) : itr::runtime::NoFopen();
  });
}

ITR_API FILE* fopen64(const char* path, const char* mode) {
  return TrackedFopen(path, mode, [&] {
    auto real = ITR_NEXT(fopen64);
    return real ? real(path, mode) : itr::runtime::NoFopen();
  });
}

ITR_API FILE* freopen(const char* path, const char* mode, FILE* stream) {
  return TrackedFopen(path, mode, [&] {
    auto real = ITR_NEXT(freopen);
    return real ? real(path, mode, stream) : itr::runtime::NoFopen();
  });
}

ITR_API FILE* freopen64(const char* path, const char* mode, FILE* stream) {
  return TrackedFopen(path, mode, [&] {
    auto real = ITR_NEXT(freopen64);
    return real ? real(path, mode, stream) : itr::runtime::NoFopen();
  });
}

// --- the working directory (relative paths resolve against it) ----------

ITR_API int chdir(const char* path) noexcept {
  auto real = ITR_NEXT(chdir);
  int result = real ? real(path) : static_cast<int>(syscall(SYS_chdir, path));
  if (result == 0) itr::runtime::ReadTracker::Get().NoteDirectoryChange();
  return result;
}

ITR_API int fchdir(int fd) noexcept {
  auto real = ITR_NEXT(fchdir);
  int result = real ? real(fd) : static_cast<int>(syscall(SYS_fchdir, fd));
  if (result == 0) itr::runtime::ReadTracker::Get().NoteDirectoryChange();
  return result;
}

// --- the environment -------------------------------------------------------

ITR_API char* getenv(const char* name) noexcept {
  auto real = ITR_NEXT(getenv);
  char* value = real ? real(name) : itr::runtime::ScanEnvironment(name);
  itr::runtime::RecordEnvRead(name, value);
  return value;
}

ITR_API char* secure_getenv(const char* name) noexcept {
  auto real = ITR_NEXT(secure_getenv);
  char* value = real                   ? real(name)
                : getauxval(AT_SECURE) ? nullptr
                                       : itr::runtime::ScanEnvironment(name);
  itr::runtime::RecordEnvRead(name, value);
  return value;
}

ITR_API int setenv(const char* name, const char* value,
                   int overwrite) noexcept {
  auto real = ITR_NEXT(setenv);
  if (real == nullptr) {
    errno = ENOSYS;
    return -1;
  }
  // Without overwrite, an existing value stays: nothing changes.
  bool changes = true;
  if (overwrite == 0 && itr::runtime::Opaque(name) != nullptr) {
    auto real_getenv = ITR_NEXT(getenv);
    changes = real_getenv != nullptr && real_getenv(name) == nullptr;
  }
  int result = real(name, value, overwrite);
  if (result == 0 && changes) {
    itr::runtime::RecordEnvChange(name, strlen(name));
  }
  return result;
}

ITR_API int unsetenv(const char* name) noexcept {
  auto real = ITR_NEXT(unsetenv);
  if (real == nullptr) {
    errno = ENOSYS;
    return -1;
  }
  int result = real(name);
  if (result == 0) itr::runtime::RecordEnvChange(name, strlen(name));
  return result;
}

ITR_API int putenv(char* text) noexcept {
  auto real = ITR_NEXT(putenv);
  if (real == nullptr) {
    errno = ENOSYS;
    return -1;
  }
  int result = real(text);
  if (result == 0) {
    // "NAME=value" sets NAME; "NAME" (glibc) unsets it.
    const char* equals = strchr(text, '=');
    itr::runtime::RecordEnvChange(text, equals != nullptr
                                            ? static_cast<size_t>(equals - text)
                                            : strlen(text));
  }
  return result;
}

ITR_API int clearenv(void) noexcept {
  auto real = ITR_NEXT(clearenv);
  if (real == nullptr) {
    errno = ENOSYS;
    return -1;
  }
  int result = real();
  if (result == 0) {
    int saved = errno;
    itr::runtime::ReadTracker::Get().RecordEnvCleared();
    errno = saved;
  }
  return result;
}

}  // extern "C"
