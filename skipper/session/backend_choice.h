// Which backend a session uses (datadog/datadog_config.h has the
// precedence): Datadog, the embedded store, or a NullBackend — run
// everything, record nothing — when none is usable. The one place every
// session (the framework adapters' and `itr ctest`'s) chooses. Datadog's
// code (libcurl, libgit2) is loaded only when the environment may choose it
// (session/datadog_loader.h).
#ifndef ITR_SKIPPER_SESSION_BACKEND_CHOICE_H_
#define ITR_SKIPPER_SESSION_BACKEND_CHOICE_H_

#include <memory>

#include "skipper/backend/backend.h"
#include "skipper/backend/backend_context.h"
#include "skipper/base/diagnostics.h"
#include "skipper/config/settings.h"

namespace itr::skipper {

// Never null. Each failure is one warning line and a NullBackend.
std::unique_ptr<Backend> ChooseBackend(const Settings& settings,
                                       const BackendContext& context,
                                       Diagnostics& diagnostics);

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_SESSION_BACKEND_CHOICE_H_
