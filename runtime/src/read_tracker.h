// Read tracking: the files and environment variables the code of each
// window (a test, the start-up phase, the time between tests) read at run
// time, as dependencies the code does not show (docs/runtime.md, "Read
// tracking"). The interposers (read_hooks.cc) report here; the recorder
// opens and closes the windows and copies the results out.
//
// Hot path: the hooks call MayRecordFile()/MayRecordEnv() first, which are
// a few loads and comparisons. Recording takes a spin lock and writes into
// fixed-capacity tables (no allocation); a full table marks the window
// incomplete. Results are materialized (allocated) only when asked for.
#ifndef ITR_RUNTIME_READ_TRACKER_H_
#define ITR_RUNTIME_READ_TRACKER_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "internal_guard.h"
#include "itr/coverage.h"
#include "open_access.h"
#include "read_paths.h"
#include "read_set.h"
#include "spin_lock.h"

namespace itr::runtime {

enum class ReadWindow {
  kLastTest,      // the test last ended
  kStartup,       // outside tests, before the start-up phase ended
  kBetweenTests,  // outside tests, after it
  kOutsideTests,  // both phases (the export's "test": null line)
};

class ReadTracker {
 public:
  static ReadTracker& Get();

  // Once, from the runtime's constructor: the repository root and its other
  // spellings, the export file, fork handlers. Tracking starts here.
  void Init();

  // --- From the interposers (any thread, any time) ----------------------

  // Lock-free pre-checks: false when nothing is to be recorded.
  bool MayRecordFile(int dirfd, const char* path) const {
    return !InsideItr() && path != nullptr && paths_.enabled() &&
           paths_.MayBeInside(dirfd, path);
  }
  bool MayRecordEnv() const {
    return !InsideItr() && ready_.load(std::memory_order_acquire);
  }

  // An open of `path` (relative to `dirfd`) finished; `fd` is its
  // descriptor when it succeeded, else -1.
  void RecordOpen(int dirfd, const char* path, FileAccess access,
                  bool succeeded, int fd);
  // getenv/secure_getenv(name) returned `value`.
  void RecordEnvRead(const char* name, const char* value);
  // The process set or unset `name` (`length` bytes) / cleared everything:
  // later reads of it are the process's own, not dependencies.
  void RecordEnvChange(const char* name, size_t length);
  void RecordEnvCleared();
  // chdir/fchdir succeeded.
  void NoteDirectoryChange() { paths_.NoteDirectoryChange(); }

  // --- From the recorder (the test thread) ------------------------------

  void BeginTest();  // also ends the start-up phase
  void EndTest();
  void EndStartup();

  // True (with the reason) when `window` read something it could not
  // record: its coverage must be incomplete.
  bool Incomplete(ReadWindow window, std::string* reason);
  // A copy of what `window` read. For kOutsideTests, also remembers it as
  // exported (see OutsideTestsChangedSinceExport).
  ReadSet Reads(ReadWindow window);
  bool OutsideTestsChangedSinceExport();

  // Fills executed->files_read/env_read for `window` (not kOutsideTests)
  // and makes its status INCOMPLETE when reads were lost. The arrays stay
  // valid until the next Fill for the same window.
  void Fill(ReadWindow window, itr_executed* executed);

  // pthread_atfork handlers.
  void BeforeFork();
  void AfterForkInParent();
  void AfterForkInChild();

  struct Window;  // fixed-capacity tables of one window (read_tracker.cc)
  struct State;   // everything behind lock_

 private:
  constexpr ReadTracker() = default;
  Window* Current();

  std::atomic<bool> ready_{false};
  SpinLock lock_;
  RepositoryPaths paths_;
};

}  // namespace itr::runtime

#endif  // ITR_RUNTIME_READ_TRACKER_H_
