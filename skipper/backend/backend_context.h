// Who is testing, as every backend needs to know it: the repository, the
// module and its build, the framework, the command line.
#ifndef ITR_SKIPPER_BACKEND_BACKEND_CONTEXT_H_
#define ITR_SKIPPER_BACKEND_BACKEND_CONTEXT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "skipper/config/settings.h"
#include "skipper/model/test_run.h"

namespace itr::skipper {

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

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_BACKEND_BACKEND_CONTEXT_H_
