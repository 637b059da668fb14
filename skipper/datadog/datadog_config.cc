#include "skipper/datadog/datadog_config.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace itr::skipper::datadog {

namespace {

std::string Get(const GetEnv& getenv, const char* name) {
  const char* value = getenv(name);
  return value != nullptr ? value : "";
}

bool IsSet(const GetEnv& getenv, const char* name) {
  return !Get(getenv, name).empty();
}

}  // namespace

DatadogConfig LoadDatadogConfig(const GetEnv& getenv,
                                Diagnostics& diagnostics) {
  DatadogConfig config;
  config.connection = transport::LoadConnectionSettings(getenv, diagnostics);
  config.git_upload = ParseBool("DD_CIVISIBILITY_GIT_UPLOAD_ENABLED",
                                getenv("DD_CIVISIBILITY_GIT_UPLOAD_ENABLED"),
                                true, diagnostics);
  config.git_unshallow = ParseBool(
      "DD_CIVISIBILITY_GIT_UNSHALLOW_ENABLED",
      getenv("DD_CIVISIBILITY_GIT_UNSHALLOW_ENABLED"), true, diagnostics);
  config.session_name = Get(getenv, "DD_TEST_SESSION_NAME");
  if (std::string limit = Get(getenv, "ITR_INTAKE_MAX_PAYLOAD_BYTES");
      !limit.empty()) {
    size_t bytes = 0;
    if (absl::SimpleAtoi(limit, &bytes) && bytes > 0) {
      config.intake.max_payload_bytes = bytes;
    } else {
      diagnostics.Warning(
          absl::StrCat("ITR_INTAKE_MAX_PAYLOAD_BYTES='", limit,
                       "' is not a positive number of bytes; using ",
                       itr::datadog::reporting::kDefaultMaxPayloadBytes));
    }
  }

  std::string explicit_backend =
      absl::AsciiStrToLower(Get(getenv, "ITR_BACKEND"));
  if (explicit_backend == "local") {
    config.why = "ITR_BACKEND=local";
    return config;
  }
  if (explicit_backend == "datadog") {
    config.backend = BackendKind::kDatadog;
    config.why = "ITR_BACKEND=datadog";
  } else if (!explicit_backend.empty()) {
    diagnostics.Warning(absl::StrCat(
        "ITR_BACKEND='", explicit_backend,
        "' is neither 'local' nor 'datadog'; choosing from DD_* variables"));
  }
  if (config.backend != BackendKind::kDatadog) {
    if (config.connection.agentless) {
      config.backend = BackendKind::kDatadog;
      config.why = "DD_CIVISIBILITY_AGENTLESS_ENABLED";
    } else if (IsSet(getenv, "DD_TRACE_AGENT_URL") ||
               IsSet(getenv, "DD_AGENT_HOST")) {
      config.backend = BackendKind::kDatadog;
      config.why = "a Datadog Agent is configured";
    }
  }
  if (config.backend == BackendKind::kDatadog && config.connection.agentless &&
      config.connection.api_key.empty()) {
    diagnostics.Warning(
        "DD_CIVISIBILITY_AGENTLESS_ENABLED needs DD_API_KEY; using the local "
        "store");
    config.backend = BackendKind::kLocal;
    config.why = "agentless without an API key";
  }
  return config;
}

}  // namespace itr::skipper::datadog
