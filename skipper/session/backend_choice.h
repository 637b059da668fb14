// Which backend a session uses (datadog/datadog_config.h has the
// precedence): Datadog, the embedded store, or a NullBackend — run
// everything, record nothing — when none is usable. The one place every
// session (the framework adapters' and `itr ctest`'s) chooses.
#ifndef ITR_SKIPPER_SESSION_BACKEND_CHOICE_H_
#define ITR_SKIPPER_SESSION_BACKEND_CHOICE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "skipper/backend/backend.h"
#include "skipper/base/diagnostics.h"
#include "skipper/config/settings.h"
#include "skipper/model/test_run.h"

namespace itr::skipper {

// Who is testing, as the backends need to know it.
struct BackendContext {
  std::string repo_root;
  std::string module;               // test binary name, or "ctest:<dir>"
  std::string build_configuration;  // itr::BuildConfiguration() of the tests
  std::string framework, framework_version;
  std::string command;  // the test command line
  // Modification time of the binary whose tests are planned, or
  // kNoBuildTime (LocalBackendOptions::planning_built_at_ns).
  int64_t planning_built_at_ns = 0;
  // The instrumented objects of the test process, when that is this one.
  std::vector<ExecutedObject> objects;
  GetEnv getenv;
};

// Never null. Each failure is one warning line and a NullBackend.
std::unique_ptr<Backend> ChooseBackend(const Settings& settings,
                                       const BackendContext& context,
                                       Diagnostics& diagnostics);

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_SESSION_BACKEND_CHOICE_H_
