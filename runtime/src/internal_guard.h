// The "inside itr-cpp" mark of a thread. While it is set, files the thread
// opens and environment variables it reads are itr-cpp's own business, not
// dependencies of the code under test (read_tracker.h). Set by the
// runtime's entry points (InternalScope) and, for itr-cpp's other libraries
// in the same process, through itr_internal_enter()/itr_internal_leave()
// (itr/coverage.h).
#ifndef ITR_RUNTIME_INTERNAL_GUARD_H_
#define ITR_RUNTIME_INTERNAL_GUARD_H_

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

}  // namespace itr::runtime

#endif  // ITR_RUNTIME_INTERNAL_GUARD_H_
