// The SanitizerCoverage entry points the compiler emits calls to, plus the
// process-lifetime hooks (dlclose, exit) that keep coverage from being lost.
//
// Supported instrumentation (see compiler-flags/):
//   clang: inline-bool-flag + pc-table, at func or edge level
//   gcc:   trace-pc (fallback)
// Other modes (trace-pc-guard, inline-8bit-counters) deliberately have no
// definition here: their callbacks fail to link instead of silently
// reporting nothing (8-bit counters wrap to zero and would hide coverage).
#include <dlfcn.h>
#include <pthread.h>

#include <cstdint>
#include <cstdlib>

#include "coverage_recorder.h"
#include "internal_guard.h"
#include "itr/coverage.h"
#include "module_registry.h"
#include "pc_trace.h"
#include "process_log.h"
#include "self_exec.h"

extern "C" {

ITR_API void __sanitizer_cov_bool_flag_init(bool* begin, bool* end) {
  itr::runtime::Registry().AddFlags(reinterpret_cast<uint8_t*>(begin),
                                    reinterpret_cast<uint8_t*>(end));
}

ITR_API void __sanitizer_cov_pcs_init(const uintptr_t* begin,
                                      const uintptr_t* end) {
  itr::runtime::Registry().AddPcTable(begin, end);
}

ITR_API void __sanitizer_cov_trace_pc(void) {
  itr::runtime::RecordTracedPc(
      reinterpret_cast<uintptr_t>(__builtin_return_address(0)));
}

// Interposes dlclose: an instrumented library's flags and pc-table vanish
// with it, so drain and attribute them first.
ITR_API int dlclose(void* handle) {
  using DlcloseFn = int (*)(void*);
  static DlcloseFn real =
      reinterpret_cast<DlcloseFn>(dlsym(RTLD_NEXT, "dlclose"));
  {
    itr::runtime::EntryScope entry;  // reads DWARF: not the test's
    itr::runtime::CoverageRecorder::Get().PrepareForUnload();
  }
  return real != nullptr ? real(handle) : -1;
}

// Interposes execv/execve: a test binary re-executing itself is GoogleTest's
// "threadsafe" death test (clone + exec, no fork handlers). The child shares
// our memory until the exec, so it can tell the open test that code is about
// to run out of sight.
ITR_API int execve(const char* path, char* const argv[], char* const envp[]) {
  using ExecveFn = int (*)(const char*, char* const*, char* const*);
  static ExecveFn real = reinterpret_cast<ExecveFn>(dlsym(RTLD_NEXT, "execve"));
  itr::runtime::NoteExec(path);
  return real != nullptr ? real(path, argv, envp) : -1;
}

ITR_API int execv(const char* path, char* const argv[]) {
  using ExecvFn = int (*)(const char*, char* const*);
  static ExecvFn real = reinterpret_cast<ExecvFn>(dlsym(RTLD_NEXT, "execv"));
  itr::runtime::NoteExec(path);
  return real != nullptr ? real(path, argv) : -1;
}

}  // extern "C"

namespace {

void FinishAtExit() {
  itr::runtime::EntryScope entry;
  itr::runtime::CoverageRecorder::Get().Finish();
  itr::runtime::LogProcessEnd();  // after the export: "end" means complete
}

void AfterForkInParent() { itr::runtime::CoverageRecorder::Get().NoteFork(); }

// Registered from this library's constructor, i.e. before the executable's
// own static objects, so it runs after their destructors.
__attribute__((constructor(101))) void RegisterExitHook() {
  itr::runtime::EntryScope entry;
  itr::runtime::CoverageRecorder::Get();
  atexit(FinishAtExit);
  pthread_atfork(nullptr, AfterForkInParent,
                 itr::runtime::LogProcessStartInForkChild);
  itr::runtime::LogProcessStart();
}

}  // namespace
