#include "skipper/session/backend_choice.h"

#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "skipper/backend/local_backend.h"
#include "skipper/datadog/datadog_backend.h"
#include "skipper/datadog/datadog_config.h"
#include "skipper/model/test_configuration.h"

namespace itr::skipper {

namespace {

std::unique_ptr<Backend> OpenDatadog(const Settings& settings,
                                     const datadog::DatadogConfig& config,
                                     const BackendContext& context,
                                     Diagnostics& diagnostics) {
  datadog::ProcessInfo process{
      context.module,    context.repo_root,         context.build_configuration,
      context.framework, context.framework_version, context.command};
  auto remote =
      datadog::DatadogBackend::Open(settings, config, process, diagnostics);
  if (!remote.ok()) {
    diagnostics.Warning(absl::StrCat("cannot reach Datadog (",
                                     remote.status().message(),
                                     "); all tests run"));
    return std::make_unique<NullBackend>("Datadog is unreachable");
  }
  diagnostics.Detail(1, "backend: Datadog (" + config.why + ")");
  return std::move(*remote);
}

std::unique_ptr<Backend> OpenLocal(const Settings& settings,
                                   const BackendContext& context,
                                   Diagnostics& diagnostics) {
  LocalBackendOptions options;
  options.repo_root = context.repo_root;
  options.module = context.module;
  options.configuration =
      TestConfiguration::Current(context.build_configuration,
                                 settings.custom_configuration)
          .Key();
  options.planning_built_at_ns = context.planning_built_at_ns;
  options.objects = context.objects;
  options.index_location.cache_dir = settings.cache_dir;
  options.getenv = context.getenv;
  auto local = LocalBackend::Open(settings, options, diagnostics);
  if (!local.ok()) {
    diagnostics.Warning(
        absl::StrCat(local.status().message(), "; all tests run"));
    return std::make_unique<NullBackend>("the store is unusable");
  }
  return std::move(*local);
}

}  // namespace

std::unique_ptr<Backend> ChooseBackend(const Settings& settings,
                                       const BackendContext& context,
                                       Diagnostics& diagnostics) {
  datadog::DatadogConfig config =
      datadog::LoadDatadogConfig(getenv, diagnostics);
  if (config.backend == datadog::BackendKind::kDatadog) {
    return OpenDatadog(settings, config, context, diagnostics);
  }
  return OpenLocal(settings, context, diagnostics);
}

}  // namespace itr::skipper
