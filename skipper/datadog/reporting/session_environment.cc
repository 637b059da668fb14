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
#include "itr/test_optimization.h"
#include "skipper/ci/ci_tags.h"
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

// "https://host/org/calc.git" -> "calc".
std::string RepositoryName(const std::string& url) {
  std::string name = url.substr(url.find_last_of("/:") + 1);
  if (absl::EndsWith(name, ".git")) name.resize(name.size() - 4);
  return name;
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
  std::string repository;
  if (auto url = options.environment_tags.find("git.repository_url");
      url != options.environment_tags.end()) {
    repository = RepositoryName(url->second);
  }
  options.service =
      EnvOr("DD_SERVICE", repository.empty() ? "cpp-tests" : repository);
  options.env = EnvOr("DD_ENV", "");
  options.session_name = EnvOr("DD_TEST_SESSION_NAME", "");
  if (utsname host{}; uname(&host) == 0) {
    std::string platform = host.sysname;
    for (char& c : platform) c = static_cast<char>(std::tolower(c));
    options.environment_tags["os.platform"] = platform;
    options.environment_tags["os.version"] = host.release;
    options.environment_tags["os.architecture"] = host.machine;
  }
  // The compiler this library was built with: C++ has no runtime of its own
  // to name, and the tests are usually built by the same toolchain.
#if defined(__clang__)
  options.environment_tags["runtime.name"] = "clang";
  options.environment_tags["runtime.version"] = __clang_version__;
#elif defined(__GNUC__)
  options.environment_tags["runtime.name"] = "gcc";
  options.environment_tags["runtime.version"] = __VERSION__;
#endif
  return options;
}

absl::StatusOr<std::shared_ptr<EventSink>> IntakeSinkFromEnvironment() {
  skipper::transport::ConnectionSettings settings =
      skipper::transport::LoadConnectionSettings(Env,
                                                 skipper::ProcessDiagnostics());
  skipper::transport::HttpClient client;
  auto endpoints = skipper::transport::Endpoints::Resolve(
      settings, client, absl::Now() + settings.startup_budget);
  if (!endpoints.ok()) return endpoints.status();
  return std::make_shared<reporting::IntakeSink>(*std::move(endpoints), client);
}

}  // namespace itr::datadog
