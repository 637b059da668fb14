#include "skipper/datadog/reporting/intake_sink.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "skipper/base/diagnostics.h"
#include "skipper/datadog/reporting/citestcycle_encoding.h"
#include "skipper/datadog/reporting/coverage_encoding.h"
#include "skipper/transport/multipart.h"

namespace itr::datadog::reporting {
namespace {

using skipper::transport::BuildMultipart;
using skipper::transport::HttpRequest;
using skipper::transport::Intake;
using skipper::transport::MultipartPart;

// The `event` part is required and must be a non-empty object (§6.1).
constexpr char kDummyEvent[] = R"({"dummy":true})";

std::vector<MultipartPart> CoverageParts(std::string payload) {
  return {{"coverage1", "coverage1.msgpack", "application/msgpack",
           std::move(payload)},
          {"event", "event.json", "application/json", kDummyEvent}};
}

}  // namespace

IntakeSink::IntakeSink(skipper::transport::Endpoints endpoints,
                       skipper::transport::HttpClient client,
                       IntakeSinkOptions options)
    : endpoints_(std::move(endpoints)),
      client_(std::move(client)),
      options_(options),
      metadata_(EncodeMetadata({})) {
  // Framing is the same for every body but the boundary, whose length is
  // fixed: measure it once with an empty payload.
  multipart_overhead_ = BuildMultipart(CoverageParts("")).body.size() + 16;
}

void IntakeSink::SetMetadata(EventMetadata metadata) {
  std::lock_guard lock(mutex_);
  metadata_ = EncodeMetadata(metadata);
}

void IntakeSink::Write(Event event) {
  std::string encoded = EncodeEvent(event);
  std::lock_guard lock(mutex_);
  const size_t fixed = kEnvelopeOverhead + metadata_.size();
  if (!events_.empty() &&
      fixed + events_bytes_ + encoded.size() > options_.max_payload_bytes) {
    SendEvents(/*always=*/false);
  }
  events_bytes_ += encoded.size();
  events_.push_back(std::move(encoded));
}

void IntakeSink::WriteCoverage(TestCoverage coverage) {
  std::string encoded = EncodeCoverage(coverage);
  std::lock_guard lock(mutex_);
  const size_t fixed = kCoveragePayloadOverhead + multipart_overhead_;
  if (!coverages_.empty() &&
      fixed + coverages_bytes_ + encoded.size() > options_.max_payload_bytes) {
    SendCoverage(/*always=*/false);
  }
  coverages_bytes_ += encoded.size();
  coverages_.push_back(std::move(encoded));
}

void IntakeSink::Flush() {
  std::lock_guard lock(mutex_);
  flushing_ = true;
  if (!events_.empty()) SendEvents(/*always=*/true);
  if (!coverages_.empty()) SendCoverage(/*always=*/true);
  flushing_ = false;
}

IntakeSink::Stats IntakeSink::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

bool IntakeSink::ShouldSend(Channel channel, bool always) {
  if (always) return true;
  if (sending_spent_ >= options_.sending_budget) {
    if (!warned_about_time_) {
      warned_about_time_ = true;
      skipper::ProcessDiagnostics().Warning(absl::StrCat(
          "Datadog test reporting: sending took ",
          absl::FormatDuration(options_.sending_budget),
          " in all; later batches are dropped until the end of the run"));
    }
    return false;
  }
  const int failures = consecutive_failures_[channel];
  return failures < kFailuresBeforeDropping ||
         (failures + 1) % kFailuresBeforeDropping == 0;
}

void IntakeSink::SendEvents(bool always) {
  std::vector<std::string> batch = std::move(events_);
  events_.clear();
  events_bytes_ = 0;
  const int count = static_cast<int>(batch.size());
  bool sent = false;
  if (ShouldSend(kEvents, always)) {
    sent = Post(kEvents, Intake::kTestCycle, kTestCyclePath,
                "application/msgpack", AssembleEnvelope(metadata_, batch));
  } else {
    ++consecutive_failures_[kEvents];  // counts towards the next probe
    ++stats_.batches_not_tried;
  }
  (sent ? stats_.events_sent : stats_.events_dropped) += count;
}

void IntakeSink::SendCoverage(bool always) {
  std::vector<std::string> batch = std::move(coverages_);
  coverages_.clear();
  coverages_bytes_ = 0;
  const int count = static_cast<int>(batch.size());
  bool sent = false;
  if (ShouldSend(kCoverage, always)) {
    auto multipart =
        BuildMultipart(CoverageParts(AssembleCoveragePayload(batch)));
    sent = Post(kCoverage, Intake::kCoverage, kCoveragePath,
                multipart.content_type, std::move(multipart.body));
  } else {
    ++consecutive_failures_[kCoverage];
    ++stats_.batches_not_tried;
  }
  (sent ? stats_.coverages_sent : stats_.coverages_dropped) += count;
}

bool IntakeSink::Post(Channel channel, Intake intake, const char* path,
                      const std::string& content_type, std::string body) {
  skipper::transport::IntakeTarget target = endpoints_.Target(intake, path);
  HttpRequest request;
  request.url = target.url;
  request.headers = std::move(target.headers);
  request.headers.emplace_back("Content-Type", content_type);
  request.body = std::move(body);
  request.gzip_body = target.gzip_allowed;
  const absl::Time start = absl::Now();
  absl::Time deadline = start + options_.request_budget;
  if (!flushing_) {
    deadline = std::min(
        deadline, start + std::max(absl::ZeroDuration(),
                                   options_.sending_budget - sending_spent_));
  }
  auto response = client_.Send(request, deadline);
  if (!flushing_) sending_spent_ += absl::Now() - start;
  std::string problem;
  if (!response.ok()) {
    problem = response.status().ToString();  // names the URL, never headers
  } else if (response->status < 200 || response->status >= 300) {
    // The path only: an agent URL may carry user:password.
    problem = absl::StrCat("HTTP ", response->status, " from ", path);
  } else {
    ++stats_.requests;
    consecutive_failures_[channel] = 0;
    return true;
  }
  ++stats_.failed_requests;
  ++consecutive_failures_[channel];
  if (!warned_) {
    warned_ = true;
    skipper::ProcessDiagnostics().Warning(
        "Datadog test reporting: a request failed, its events are dropped "
        "(later ones are still sent): " +
        problem);
  }
  return false;
}

}  // namespace itr::datadog::reporting
