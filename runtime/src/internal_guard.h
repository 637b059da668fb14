// The "inside itr-cpp" mark of a thread. While it is set, files the thread
// opens and environment variables it reads are itr-cpp's own business, not
// dependencies of the code under test (read_tracker.h). Set by the
// runtime's entry points (InternalScope) and, for itr-cpp's other libraries
// in the same process, through itr_internal_enter()/itr_internal_leave()
// (itr/coverage.h).
#ifndef ITR_RUNTIME_INTERNAL_GUARD_H_
#define ITR_RUNTIME_INTERNAL_GUARD_H_

#include <cfenv>
#include <optional>

namespace itr::runtime {

// Nesting depth of the calling thread. Initial-exec TLS: one %fs-relative
// load, no __tls_get_addr call, no TLS wrapper (plain __thread, constant
// initialized).
extern __thread int t_internal_depth __attribute__((tls_model("initial-exec")));

inline bool InsideItr() { return t_internal_depth != 0; }

class InternalScope {
 public:
  InternalScope() { ++t_internal_depth; }
  ~InternalScope() { --t_internal_depth; }
  InternalScope(const InternalScope&) = delete;
  InternalScope& operator=(const InternalScope&) = delete;
};

// What the code calling into itr-cpp observes of the thread, and itr-cpp's
// work must leave as it was: errno and the floating-point environment
// (exception flags, rounding mode, enabled traps). itr-cpp's own work runs
// with the default rounding and no traps (a test that enabled FE_INVALID
// traps must not see itr-cpp die of them). About 50 ns when nothing
// changed. (Locale, signal mask and handlers, umask, the working directory
// and stdio buffers are never changed by itr-cpp: tested, not restored.)
class CallerState {
 public:
  CallerState();
  ~CallerState();
  CallerState(const CallerState&) = delete;
  CallerState& operator=(const CallerState&) = delete;

 private:
  int errno_;
  fexcept_t flags_;
  int rounding_;
  int traps_;
};

// Every entry point of the runtime's public APIs and interposers that does
// itr-cpp's work: inside itr-cpp, and the caller's state kept (saved and
// restored by the outermost one only).
class EntryScope {
 public:
  EntryScope() {
    if (t_internal_depth == 0) caller_.emplace();
    ++t_internal_depth;
  }
  ~EntryScope() { --t_internal_depth; }
  EntryScope(const EntryScope&) = delete;
  EntryScope& operator=(const EntryScope&) = delete;

 private:
  std::optional<CallerState> caller_;  // restored after the depth drops
};

}  // namespace itr::runtime

#endif  // ITR_RUNTIME_INTERNAL_GUARD_H_
