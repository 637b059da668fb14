#include "skipper/datadog/datadog_entry.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "skipper/datadog/datadog_backend.h"
#include "skipper/datadog/datadog_config.h"

namespace itr::skipper::datadog {

namespace {

std::unique_ptr<Backend> Choose(const Settings& settings,
                                const BackendContext& context,
                                Diagnostics& diagnostics) {
  DatadogConfig config = LoadDatadogConfig(context.getenv, diagnostics);
  if (config.backend != BackendKind::kDatadog) return nullptr;
  ProcessInfo process{
      context.module,    context.repo_root,         context.build_configuration,
      context.framework, context.framework_version, context.command};
  auto remote = DatadogBackend::Open(settings, config, process, diagnostics);
  if (!remote.ok()) {
    diagnostics.Warning(absl::StrCat("cannot reach Datadog (",
                                     remote.status().message(),
                                     "); all tests run"));
    return std::make_unique<NullBackend>("Datadog is unreachable");
  }
  diagnostics.Detail(1, "backend: Datadog (" + config.why + ")");
  return std::move(*remote);
}

constexpr DatadogEntry kEntry{kDatadogEntryVersion, &Choose};

}  // namespace

}  // namespace itr::skipper::datadog

extern "C" __attribute__((visibility("default")))
const itr::skipper::datadog::DatadogEntry*
itr_datadog_entry(void) {
  return &itr::skipper::datadog::kEntry;
}
