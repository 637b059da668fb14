// Which backend a test process uses, and the Datadog side of the
// configuration (docs/datadog.md, "Choosing the backend").
//
// Precedence:
//   1. ITR_BACKEND=local|datadog, when set, decides.
//   2. DD_CIVISIBILITY_AGENTLESS_ENABLED true → Datadog, agentless (an
//      empty DD_API_KEY is a warning and the local store).
//   3. DD_TRACE_AGENT_URL or DD_AGENT_HOST set → Datadog through the Agent.
//   4. Otherwise the embedded local store: no server is ever assumed.
#ifndef ITR_SKIPPER_DATADOG_DATADOG_CONFIG_H_
#define ITR_SKIPPER_DATADOG_DATADOG_CONFIG_H_

#include <string>
#include <vector>

#include "skipper/config/settings.h"
#include "skipper/datadog/reporting/intake_sink.h"
#include "skipper/transport/endpoints.h"

namespace itr::skipper::datadog {

enum class BackendKind { kLocal, kDatadog };

struct DatadogConfig {
  BackendKind backend = BackendKind::kLocal;
  std::string why;  // which variable chose the backend, for verbose logs
  transport::ConnectionSettings connection;
  // DD_CIVISIBILITY_GIT_UPLOAD_ENABLED (default true).
  bool git_upload = true;
  // DD_CIVISIBILITY_GIT_UNSHALLOW_ENABLED (default true).
  bool git_unshallow = true;
  std::string session_name;  // DD_TEST_SESSION_NAME
  // ITR_INTAKE_MAX_PAYLOAD_BYTES: the largest request body of the test
  // cycle and coverage intakes (default 4.5 MiB, as dd-trace-py and
  // datadog-ci-rb); a smaller one sends more, smaller requests.
  itr::datadog::reporting::IntakeSinkOptions intake;
};

// Invalid values are warned about.
DatadogConfig LoadDatadogConfig(const GetEnv& getenv, Diagnostics& diagnostics);

}  // namespace itr::skipper::datadog

#endif  // ITR_SKIPPER_DATADOG_DATADOG_CONFIG_H_
