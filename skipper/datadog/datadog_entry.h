// The Datadog backend as a loadable part: libitr_datadog.so (built from
// datadog_entry.cc with everything it needs: libcurl, libgit2) exports
// itr_datadog_entry(). A test process loads it only when the environment
// may choose Datadog (MayChooseDatadog): the common local run maps none of
// Datadog's libraries. `itr ctest` links the same entry in
// (session/datadog_loader.h).
#ifndef ITR_SKIPPER_DATADOG_DATADOG_ENTRY_H_
#define ITR_SKIPPER_DATADOG_DATADOG_ENTRY_H_

#include <memory>

#include "absl/strings/ascii.h"
#include "skipper/backend/backend.h"
#include "skipper/backend/backend_context.h"
#include "skipper/base/diagnostics.h"
#include "skipper/config/settings.h"

namespace itr::skipper::datadog {

// Bumped whenever DatadogEntry, Backend, BackendContext, Settings or
// Diagnostics change shape: a libitr_datadog.so of another version is not
// used.
inline constexpr int kDatadogEntryVersion = 1;

struct DatadogEntry {
  int version;
  // The Datadog backend when the environment chooses it (datadog_config.h
  // has the precedence), else nullptr: the local store. A Datadog that
  // cannot be used is a NullBackend, with one warning.
  std::unique_ptr<Backend> (*choose)(const Settings& settings,
                                     const BackendContext& context,
                                     Diagnostics& diagnostics);
};

// Whether the environment may choose Datadog at all: ITR_BACKEND other than
// "local", or any of DD_CIVISIBILITY_AGENTLESS_ENABLED, DD_TRACE_AGENT_URL,
// DD_AGENT_HOST set (a superset of LoadDatadogConfig's precedence). When
// false, the local store is chosen without loading Datadog's code. (Inline:
// the loader decides with it before anything of Datadog is loaded.)
inline bool MayChooseDatadog(const GetEnv& getenv) {
  auto set = [&](const char* name) {
    const char* value = getenv(name);
    return value != nullptr && *value != '\0';
  };
  if (set("ITR_BACKEND")) {
    return absl::AsciiStrToLower(getenv("ITR_BACKEND")) != "local";
  }
  return set("DD_CIVISIBILITY_AGENTLESS_ENABLED") ||
         set("DD_TRACE_AGENT_URL") || set("DD_AGENT_HOST");
}

}  // namespace itr::skipper::datadog

extern "C" {
// Never null.
const itr::skipper::datadog::DatadogEntry* itr_datadog_entry(void);
}
#define ITR_DATADOG_ENTRY_SYMBOL "itr_datadog_entry"

#endif  // ITR_SKIPPER_DATADOG_DATADOG_ENTRY_H_
