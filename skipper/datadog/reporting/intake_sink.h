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
//  - A failed request (no answer, or a non-2xx answer after the transport's
//    retries) loses its own batch only, as dd-trace-go loses one payload:
//    later batches are still sent, so the session and module events at the
//    end are too. The first failure prints one line `itr: warning: ...`
//    (never the API key); every loss is counted in stats().
//  - After 3 failed requests in a row to one intake (dd-trace-py's circuit
//    breaker), its batches are dropped without a request, except every
//    third, which probes; a success closes it again. Flush() always tries
//    once per non-empty buffer, so the final batch is never dropped
//    unsent. A dead intake costs a few request budgets, not one per batch.
//  - Batches sent before Flush() take at most `sending_budget` in all (a
//    slow intake that answers, which never opens the circuit, costs the
//    tests that much and no more); later ones are dropped until Flush(),
//    with one warning. Flush() is bounded by the request budget, and at
//    exit by the process's network cutoff (transport/network_limits.h).
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
#include "skipper/transport/network_limits.h"

namespace itr::datadog::reporting {

inline constexpr char kTestCyclePath[] = "/api/v2/citestcycle";
inline constexpr char kCoveragePath[] = "/api/v2/citestcov";
// Per request, uncompressed: the limit of datadog-ci-rb and dd-trace-py.
inline constexpr size_t kDefaultMaxPayloadBytes = 4608 * 1024;

// Failed requests in a row after which an intake's batches are dropped
// unsent, except every kFailuresBeforeDropping-th (dd-trace-py's
// _MAX_CONSECUTIVE_FAILURES).
inline constexpr int kFailuresBeforeDropping = 3;

struct IntakeSinkOptions {
  size_t max_payload_bytes = kDefaultMaxPayloadBytes;
  absl::Duration request_budget = absl::Seconds(20);
  absl::Duration sending_budget = skipper::transport::kSendingBudget;
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
    int failed_requests = 0;
    int batches_not_tried = 0;  // dropped while the circuit was open
    int events_sent = 0;
    int events_dropped = 0;
    int coverages_sent = 0;
    int coverages_dropped = 0;
  };
  Stats stats() const;

 private:
  enum Channel { kEvents = 0, kCoverage = 1 };
  // Send the buffered batch (mutex_ held); `always`: even with the circuit
  // open (Flush).
  void SendEvents(bool always);
  void SendCoverage(bool always);
  // Whether a batch goes out: the circuit is closed, or this one probes,
  // and the sending budget is not spent (warned once when it is).
  bool ShouldSend(Channel channel, bool always);
  // One request; false (and the warning, once) on failure.
  bool Post(Channel channel, skipper::transport::Intake intake,
            const char* path, const std::string& content_type,
            std::string body);

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
  int consecutive_failures_[2] = {0, 0};  // by Channel
  absl::Duration sending_spent_;          // by requests before Flush()
  bool flushing_ = false;
  bool warned_ = false;
  bool warned_about_time_ = false;
  Stats stats_;
};

}  // namespace itr::datadog::reporting

#endif  // ITR_SKIPPER_DATADOG_REPORTING_INTAKE_SINK_H_
