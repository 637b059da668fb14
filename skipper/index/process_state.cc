#include "skipper/index/process_state.h"

#include <algorithm>
#include <iterator>

namespace itr::skipper::index_internal {
namespace {

constexpr absl::string_view kProcessStateFunctions[] = {
    "setlocale",
    "uselocale",
    "newlocale",
    "_ZNSt6locale6globalERKS_",  // std::locale::global(std::locale const&)
    "setenv",
    "putenv",
    "unsetenv",
    "clearenv",
    "signal",
    "sigaction",
    "sigprocmask",
    "pthread_sigmask",
    "chdir",
    "fchdir",
    "umask",
    "srand",
    "srandom",
    "seed48",
    "tzset",
    "_ZNSt8ios_base15sync_with_stdioEb",  // std::ios_base::sync_with_stdio
    "fesetround",
    "fesetenv",
    "feenableexcept",
};

}  // namespace

bool ChangesProcessState(absl::string_view linkage_name) {
  absl::string_view name = linkage_name.substr(0, linkage_name.find('@'));
  return std::find(std::begin(kProcessStateFunctions),
                   std::end(kProcessStateFunctions),
                   name) != std::end(kProcessStateFunctions);
}

}  // namespace itr::skipper::index_internal
