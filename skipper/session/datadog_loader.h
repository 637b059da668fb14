// Where the session finds the Datadog backend (datadog/datadog_entry.h):
// the entry a binary linked in and registered (`itr ctest`), else
// libitr_datadog.so beside libitr_skipper.so, loaded on first use and never
// unloaded.
#ifndef ITR_SKIPPER_SESSION_DATADOG_LOADER_H_
#define ITR_SKIPPER_SESSION_DATADOG_LOADER_H_

#include <string>

#include "skipper/datadog/datadog_entry.h"

namespace itr::skipper {

// For binaries that link the Datadog entry in (itr::datadog_entry).
void RegisterLinkedDatadog(const datadog::DatadogEntry* entry);

// The entry, or nullptr with *why set (not found, another version...).
const datadog::DatadogEntry* LoadDatadogEntry(std::string* why);

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_SESSION_DATADOG_LOADER_H_
