// The functions that change process-wide state: a test (or a static
// initializer) calling one of them affects what every later test sees. The
// index flags a function whose code refers to one (kFunctionProcessState).
//
// The list, in one place:
//   locale ........ setlocale uselocale newlocale std::locale::global
//   environment ... setenv putenv unsetenv clearenv
//   signals ....... signal sigaction sigprocmask pthread_sigmask
//   directory ..... chdir fchdir
//   file mode ..... umask
//   random seeds .. srand srandom seed48
//   time zone ..... tzset
//   iostreams ..... std::ios_base::sync_with_stdio
//   floating point  fesetround fesetenv feenableexcept
#ifndef ITR_SKIPPER_INDEX_PROCESS_STATE_H_
#define ITR_SKIPPER_INDEX_PROCESS_STATE_H_

#include "absl/strings/string_view.h"

namespace itr::skipper::index_internal {

// True for the linkage name of a function of the list; a symbol version
// ("setlocale@GLIBC_2.2.5", "setenv@@GLIBC_2.2.5") is ignored.
bool ChangesProcessState(absl::string_view linkage_name);

}  // namespace itr::skipper::index_internal

#endif  // ITR_SKIPPER_INDEX_PROCESS_STATE_H_
