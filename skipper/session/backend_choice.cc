#include "skipper/session/backend_choice.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "skipper/backend/local_backend.h"
#include "skipper/datadog/datadog_entry.h"
#include "skipper/model/test_configuration.h"
#include "skipper/session/datadog_loader.h"

namespace itr::skipper {

namespace {

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
  if (datadog::MayChooseDatadog(context.getenv)) {
    std::string why;
    const datadog::DatadogEntry* entry = LoadDatadogEntry(&why);
    if (entry == nullptr) {
      diagnostics.Warning(absl::StrCat(why, "; all tests run"));
      return std::make_unique<NullBackend>("Datadog's code is missing");
    }
    if (std::unique_ptr<Backend> datadog =
            entry->choose(settings, context, diagnostics)) {
      return datadog;
    }
  }
  return OpenLocal(settings, context, diagnostics);
}

}  // namespace itr::skipper
