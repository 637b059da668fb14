// Detects a process re-executing its own binary while a test is open (a
// GoogleTest "threadsafe" death test): the child's execution is invisible to
// this process, so the test's coverage is incomplete.
#ifndef ITR_RUNTIME_SELF_EXEC_H_
#define ITR_RUNTIME_SELF_EXEC_H_

#include <cstdint>

namespace itr::runtime {

// Called just before an exec: counts it when `path` is this executable.
// Async-signal-safe and lock-free; the count is shared with children.
void NoteExec(const char* path);

// How many self-execs were noted so far.
uint64_t SelfExecCount();

}  // namespace itr::runtime

#endif  // ITR_RUNTIME_SELF_EXEC_H_
