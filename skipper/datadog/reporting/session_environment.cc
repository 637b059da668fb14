// The environment-driven defaults of include/itr/test_optimization.h:
// SessionOptionsFromEnvironment and IntakeSinkFromEnvironment.
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "itr/build_configuration.h"
#include "itr/test_optimization.h"
#include "skipper/base/status_macros.h"
#include "skipper/ci/ci_tags.h"
#include "skipper/ci/test_environment.h"
#include "skipper/config/settings.h"
#include "skipper/datadog/reporting/intake_sink.h"
#include "skipper/git/git_metadata.h"
#include "skipper/transport/endpoints.h"
#include "skipper/transport/http_client.h"

namespace itr::datadog {
namespace {

const char* Env(const char* name) { return std::getenv(name); }

std::string EnvOr(const char* name, std::string fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

}  // namespace

SessionOptions SessionOptionsFromEnvironment(std::string framework,
                                             std::string framework_version,
                                             std::string command) {
  SessionOptions options;
  options.framework = std::move(framework);
  options.framework_version = std::move(framework_version);
  options.command = std::move(command);
  char cwd[4096];
  const std::string here = getcwd(cwd, sizeof(cwd)) != nullptr ? cwd : "";
  options.environment_tags =
      skipper::CollectEnvironmentTags(Env, skipper::ProcessEnvNames, here);
  auto url = options.environment_tags.find("git.repository_url");
  options.service =
      EnvOr("DD_SERVICE",
            skipper::DefaultServiceName(
                url == options.environment_tags.end() ? "" : url->second));
  options.env = EnvOr("DD_ENV", "");
  options.session_name = EnvOr("DD_TEST_SESSION_NAME", "");
  // The build of this library: C++ has no runtime of its own to name, and
  // the tests are usually built by the same toolchain. DD_TAGS as the
  // Datadog backend puts them on events (test_environment.h).
  skipper::TestConfigurationTags configuration = skipper::ConfigurationTags(
      ::itr::BuildConfiguration(), skipper::ParseDdTags(EnvOr("DD_TAGS", "")));
  for (const auto& [tag, value] : configuration.EventTags()) {
    options.environment_tags[tag] = value;
  }
  options.environment_tags["_dd.test.is_user_provided_service"] =
      Env("DD_SERVICE") != nullptr && *Env("DD_SERVICE") != '\0' ? "true"
                                                                 : "false";
  const std::string root =
      options.environment_tags.count("ci.workspace_path") > 0
          ? options.environment_tags["ci.workspace_path"]
          : "";
  if (!here.empty()) {
    options.environment_tags["test.working_directory"] =
        skipper::WorkingDirectoryTag(here, root);
  }
  return options;
}

absl::StatusOr<std::shared_ptr<EventSink>> IntakeSinkFromEnvironment() {
  skipper::transport::ConnectionSettings settings =
      skipper::transport::LoadConnectionSettings(Env,
                                                 skipper::ProcessDiagnostics());
  skipper::transport::SetExitNetworkBudget(settings.exit_budget);
  skipper::transport::HttpClient client;
  const skipper::transport::StartupDeadlines deadlines(settings.network_cap);
  auto endpoints = skipper::transport::Endpoints::Resolve(
      settings, client, deadlines.For(skipper::transport::kAgentProbeBudget));
  ITR_RETURN_IF_ERROR(endpoints.status());
  return std::make_shared<reporting::IntakeSink>(*std::move(endpoints), client);
}

}  // namespace itr::datadog
