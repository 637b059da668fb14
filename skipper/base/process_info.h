// Facts about the running process that a session records: which binary it
// is, how it was invoked and when that binary was built.
#ifndef ITR_SKIPPER_BASE_PROCESS_INFO_H_
#define ITR_SKIPPER_BASE_PROCESS_INFO_H_

#include <cstdint>
#include <string>

namespace itr::skipper {

// File name of the running executable ("calc_tests"), from /proc/self/exe;
// "unknown" when it cannot be read.
std::string CurrentModuleName();

// The process's argv joined by spaces (the tracers' test.command).
std::string CurrentCommandLine();

// Modification time of the running executable in ns since the epoch, or 0
// when unknown (then every source file counts as newer than the build).
int64_t ExecutableModifiedAtNs();

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_BASE_PROCESS_INFO_H_
