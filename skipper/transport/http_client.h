// One HTTP exchange with retries, for the Datadog protocol layer. Built on
// libcurl's easy interface; one request at a time per call, no shared state
// between calls other than the retry policy, so an HttpClient may be used
// from several threads at once.
//
// Contract of Send():
//  - retries transport errors (connection refused, reset, timeout of one
//    attempt) and the statuses IsRetryableStatus names (dd-trace-go's
//    policy: 429 and 406 up, 5xx included), with exponential backoff
//    (initial_backoff * 2^n, at most max_backoff);
//  - a 429 with X-RateLimit-Reset waits as the header says: a Unix
//    timestamp if it is later than now, else a number of seconds;
//  - never runs past `deadline`, nor past the process's network cutoff
//    (network_limits.h; an attempt in progress is aborted there): each
//    attempt's timeout is clipped to them, and a wait that would end after
//    them ends the retries instead;
//  - reads at most max_response_bytes of body and kMaxResponseHeaderBytes
//    of headers; more is kResourceExhausted, at once, without retrying;
//  - returns the response for any final status (400-405, or the last
//    retryable one when attempts or time run out): interpreting it is the
//    caller's job;
//  - returns a non-OK Status only when no response could be obtained
//    (kUnavailable for transport failures, kDeadlineExceeded for time,
//    kResourceExhausted for a response over the limits);
//  - Status messages never contain header values (the API key travels in a
//    header) nor request bodies; they name the method and URL.
//
// Responses are decompressed (libcurl's CURLOPT_ACCEPT_ENCODING with every
// encoding it was built with). Proxies: libcurl's defaults apply, so the
// standard http_proxy / https_proxy / no_proxy environment variables are
// honoured, as with any curl-based tool; nothing else is configured.
#ifndef ITR_SKIPPER_TRANSPORT_HTTP_CLIENT_H_
#define ITR_SKIPPER_TRANSPORT_HTTP_CLIENT_H_

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "skipper/transport/network_limits.h"

namespace itr::skipper::transport {

struct HttpRequest {
  std::string method = "POST";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool gzip_body = false;  // gzip `body` and add Content-Encoding: gzip
  // Caps the policy's max_attempts for this request when > 0 (e.g. the agent
  // probe GET /info is tried twice at most).
  int max_attempts = 0;
  // A longer response body (decompressed) ends the exchange with
  // kResourceExhausted (network_limits.h).
  size_t max_response_bytes = kMaxResponseBytes;
};

struct HttpResponse {
  long status = 0;
  std::string body;                            // decompressed
  std::map<std::string, std::string> headers;  // names lower-cased
  int attempts = 0;                            // how many were made
};

// dd-trace-go's (DefaultMaxRetries = 3, so 4 attempts; 45 s per attempt).
// Every caller also passes a deadline, which is what bounds a request.
struct RetryPolicy {
  int max_attempts = 4;
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(10);
  absl::Duration attempt_timeout = absl::Seconds(45);
};

class HttpClient {
 public:
  explicit HttpClient(RetryPolicy policy = {});

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request,
                                    absl::Time deadline);

  const RetryPolicy& policy() const { return policy_; }

 private:
  // Send() with the body as it goes on the wire; `what` names the request
  // in errors.
  absl::StatusOr<HttpResponse> SendBody(const HttpRequest& request,
                                        const std::string& body,
                                        const std::string& what,
                                        absl::Time deadline);

  RetryPolicy policy_;
};

// Whether an answer with this HTTP status is tried again: 429, and 406 and
// up (dd-trace-go). 1xx-3xx and 400-405 are final.
bool IsRetryableStatus(long status);

// How long a 429 asks to wait, from its X-RateLimit-Reset value: a Unix
// timestamp (seconds) when later than `now`, else a number of seconds.
// Nothing when the value is missing or not a non-negative integer.
std::optional<absl::Duration> RateLimitWait(const std::string& reset_value,
                                            absl::Time now);

}  // namespace itr::skipper::transport

#endif  // ITR_SKIPPER_TRANSPORT_HTTP_CLIENT_H_
