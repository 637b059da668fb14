#include "skipper/datadog/datadog_backend.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "skipper/datadog/skippable_matcher.h"

namespace itr::skipper::datadog {

// Reporting of the test cycle; filled in with the reporting library.
class TestCycleReport {};

absl::StatusOr<std::unique_ptr<DatadogBackend>> DatadogBackend::Open(
    const Settings& settings, const DatadogConfig& config,
    const ProcessInfo& process, std::vector<std::string>* warnings) {
  std::unique_ptr<DatadogBackend> backend(new DatadogBackend());
  backend->settings_ = settings;
  backend->process_ = process;
  backend->http_ = std::make_unique<transport::HttpClient>();
  absl::StatusOr<StartupResult> startup =
      RunStartup(settings, config, process, backend->http_.get(),
                 &backend->api_, &backend->upload_);
  if (!startup.ok()) return startup.status();
  backend->startup_ = std::move(*startup);
  warnings->insert(warnings->end(), backend->startup_.warnings.begin(),
                   backend->startup_.warnings.end());
  return backend;
}

DatadogBackend::~DatadogBackend() = default;

absl::StatusOr<std::vector<TestDecision>> DatadogBackend::Plan(
    const std::vector<PlannedTest>& tests) {
  if (!startup_.no_skipping_reason.empty() || !startup_.skippable) {
    std::vector<TestDecision> decisions(tests.size());
    for (TestDecision& d : decisions) {
      d.reason = startup_.no_skipping_reason.empty()
                     ? "no skippable list from Datadog"
                     : startup_.no_skipping_reason;
    }
    return decisions;
  }
  return DecideFromSkippable(tests, *startup_.skippable, settings_);
}

void DatadogBackend::TestStarted(const TestIdentity&) {}

void DatadogBackend::TestFinished(const TestRun&) {}

void DatadogBackend::SessionExecuted(const ExecutedCode&, bool) {}

void DatadogBackend::SessionEnded(bool) {
  if (upload_ != nullptr) {
    std::string outcome = upload_->Join();
    if (!outcome.empty() && error_.empty()) error_ = outcome;
  }
}

void DatadogBackend::TestsSkipped(const std::vector<SkippedTest>&) {}

}  // namespace itr::skipper::datadog
