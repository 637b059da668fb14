// The EventSink that sends to Datadog's intakes (docs/datadog.md, "Test
// cycle and coverage reporting"): citestcycle as MessagePack envelopes,
// citestcov as multipart bodies, over the transport's HttpClient to the
// Endpoints' targets (gzip when the target allows it: agentless, EVP v4).
//
// Contract:
//  - Events and coverage are encoded when written and buffered; a batch is
//    sent when the next item would take its request over
//    `max_payload_bytes` (uncompressed), and on Flush(). An item larger than
//    the limit on its own is sent alone (nothing is silently lost).
//  - Sending happens on the caller's thread, synchronously; each request
//    gets at most `request_budget`, retries included.
//  - The first failure (no answer, or a non-2xx answer) prints one line
//    `itr: warning: ...` (never the API key), and the sink stops sending:
//    that batch and everything after it is dropped and counted. This bounds
//    the time a dead intake costs to one request budget per intake.
#ifndef ITR_SKIPPER_DATADOG_REPORTING_INTAKE_SINK_H_
#define ITR_SKIPPER_DATADOG_REPORTING_INTAKE_SINK_H_

#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "itr/test_optimization.h"
#include "skipper/transport/endpoints.h"
#include "skipper/transport/http_client.h"

namespace itr::datadog::reporting {

inline constexpr char kTestCyclePath[] = "/api/v2/citestcycle";
inline constexpr char kCoveragePath[] = "/api/v2/citestcov";
// Per request, uncompressed: the limit of datadog-ci-rb and dd-trace-py.
inline constexpr size_t kDefaultMaxPayloadBytes = 4608 * 1024;

struct IntakeSinkOptions {
  size_t max_payload_bytes = kDefaultMaxPayloadBytes;
  absl::Duration request_budget = absl::Seconds(20);
};

class IntakeSink : public EventSink {
 public:
  IntakeSink(skipper::transport::Endpoints endpoints,
             skipper::transport::HttpClient client,
             IntakeSinkOptions options = {});

  void SetMetadata(EventMetadata metadata) override;
  void Write(Event event) override;
  void WriteCoverage(TestCoverage coverage) override;
  void Flush() override;

  struct Stats {
    int requests = 0;  // answered with 2xx
    int events_sent = 0;
    int events_dropped = 0;
    int coverages_sent = 0;
    int coverages_dropped = 0;
  };
  Stats stats() const;

 private:
  // Send the buffered batch (mutex_ held).
  void SendEvents();
  void SendCoverage();
  // One request; false (and the warning, once) on failure.
  bool Post(skipper::transport::Intake intake, const char* path,
            const std::string& content_type, std::string body);

  const skipper::transport::Endpoints endpoints_;
  skipper::transport::HttpClient client_;
  const IntakeSinkOptions options_;
  size_t multipart_overhead_ = 0;

  mutable std::mutex mutex_;
  std::string metadata_;  // encoded
  std::vector<std::string> events_;
  size_t events_bytes_ = 0;
  std::vector<std::string> coverages_;
  size_t coverages_bytes_ = 0;
  bool failed_ = false;
  Stats stats_;
};

}  // namespace itr::datadog::reporting

#endif  // ITR_SKIPPER_DATADOG_REPORTING_INTAKE_SINK_H_
