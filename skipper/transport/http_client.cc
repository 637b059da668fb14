#include "skipper/transport/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstdint>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "skipper/transport/compression.h"

namespace itr::skipper::transport {

namespace {

void GlobalInitOnce() {
  // curl_global_init is not thread-safe; a function-local static is.
  static const bool initialized = [] {
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  }();
  (void)initialized;
}

// The URL as it may appear in messages: without "user:password@".
std::string RedactedUrl(std::string_view url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  size_t host_start = scheme_end + 3;
  size_t authority_end = url.find_first_of("/?#", host_start);
  size_t at = url.rfind('@', authority_end);
  if (at == std::string_view::npos || at < host_start) return std::string(url);
  return std::string(url.substr(0, host_start)) + "***@" +
         std::string(url.substr(at + 1));
}

// What one attempt receives, within the request's limits.
struct Received {
  HttpResponse* response;
  size_t max_body_bytes;
  size_t header_bytes = 0;
  bool too_large = false;
};

size_t AppendBody(char* data, size_t size, size_t count, void* user) {
  auto* received = static_cast<Received*>(user);
  if (received->response->body.size() + size * count >
      received->max_body_bytes) {
    received->too_large = true;
    return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
  }
  received->response->body.append(data, size * count);
  return size * count;
}

// Aborts a transfer that runs past the process's network cutoff (the exit's
// budget), which may be set while it is in progress.
int StopAtCutoff(void*, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return absl::Now() >= NetworkCutoff() ? 1 : 0;
}

size_t RecordHeader(char* data, size_t size, size_t count, void* user) {
  auto* received = static_cast<Received*>(user);
  received->header_bytes += size * count;
  if (received->header_bytes > kMaxResponseHeaderBytes) {
    received->too_large = true;
    return 0;
  }
  auto* headers = &received->response->headers;
  absl::string_view line(data, size * count);
  // A status line starts a new response (after "100 Continue"): only the
  // final response's headers count.
  if (absl::StartsWith(line, "HTTP/")) {
    headers->clear();
    return size * count;
  }
  size_t colon = line.find(':');
  if (colon == absl::string_view::npos) return size * count;
  std::string name =
      absl::AsciiStrToLower(absl::StripAsciiWhitespace(line.substr(0, colon)));
  (*headers)[name] =
      std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
  return size * count;
}

struct AttemptResult {
  CURLcode code = CURLE_OK;
  std::string error;       // curl's description when code != CURLE_OK
  bool too_large = false;  // the response went over the request's limits
  HttpResponse response;
};

AttemptResult RunAttempt(const HttpRequest& request, const std::string& body,
                         bool gzipped, absl::Duration timeout) {
  AttemptResult result;
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    result.code = CURLE_FAILED_INIT;
    result.error = "curl_easy_init failed";
    return result;
  }
  char error_buffer[CURL_ERROR_SIZE] = {0};
  curl_slist* headers = nullptr;
  for (const auto& [name, value] : request.headers) {
    headers =
        curl_slist_append(headers, absl::StrCat(name, ": ", value).c_str());
  }
  if (gzipped) headers = curl_slist_append(headers, "Content-Encoding: gzip");
  // No "Expect: 100-continue" round trip before large bodies.
  headers = curl_slist_append(headers, "Expect:");

  const long timeout_ms =
      std::max<long>(1, static_cast<long>(absl::ToInt64Milliseconds(timeout)));
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL,
                   1L);  // threads; timeouts w/o SIGALRM
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // all built-in ones
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  Received received{&result.response, request.max_response_bytes};
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &received);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, RecordHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &received);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, StopAtCutoff);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else {
    if (request.method != "POST") {
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(body.size()));
  }

  result.code = curl_easy_perform(curl);
  result.too_large = received.too_large;
  if (result.code == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.response.status);
  } else {
    result.error = error_buffer[0] != '\0' ? std::string(error_buffer)
                                           : curl_easy_strerror(result.code);
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return result;
}

// Errors no retry can fix.
bool IsPermanent(CURLcode code) {
  return code == CURLE_UNSUPPORTED_PROTOCOL || code == CURLE_URL_MALFORMAT ||
         code == CURLE_FAILED_INIT || code == CURLE_OUT_OF_MEMORY;
}

}  // namespace

bool IsRetryableStatus(long status) {
  // dd-trace-go's RequestHandler: 429 and everything from 406 up, so 406-499
  // (a proxy's 407, 408 timeouts, 409, 413...) as well as 5xx. 400-405 are
  // the request's own fault (bad body, no or wrong API key, wrong path):
  // asking again cannot help.
  return status == 429 || status >= 406;
}

std::optional<absl::Duration> RateLimitWait(const std::string& reset_value,
                                            absl::Time now) {
  int64_t value = 0;
  if (!absl::SimpleAtoi(reset_value, &value) || value < 0) return std::nullopt;
  if (value > absl::ToUnixSeconds(now))
    return absl::FromUnixSeconds(value) - now;
  return absl::Seconds(value);
}

HttpClient::HttpClient(RetryPolicy policy) : policy_(policy) {
  GlobalInitOnce();
}

absl::StatusOr<HttpResponse> HttpClient::Send(const HttpRequest& request,
                                              absl::Time deadline) {
  const std::string what =
      absl::StrCat(request.method, " ", RedactedUrl(request.url));
  std::string gzipped_body;
  if (request.gzip_body) {
    absl::StatusOr<std::string> gzipped = Gzip(request.body);
    if (!gzipped.ok()) {
      return absl::InternalError(
          absl::StrCat(what, ": ", gzipped.status().message()));
    }
    gzipped_body = *std::move(gzipped);
  }
  return SendBody(request, request.gzip_body ? gzipped_body : request.body,
                  what, deadline);
}

absl::StatusOr<HttpResponse> HttpClient::SendBody(const HttpRequest& request,
                                                  const std::string& body,
                                                  const std::string& what,
                                                  absl::Time deadline) {
  int max_attempts = std::max(1, policy_.max_attempts);
  if (request.max_attempts > 0) {
    max_attempts = std::min(max_attempts, request.max_attempts);
  }
  absl::Duration backoff = policy_.initial_backoff;
  std::optional<HttpResponse> last_response;
  absl::Status last_error;
  for (int attempt = 1;; ++attempt) {
    deadline = std::min(deadline, NetworkCutoff());
    const absl::Duration remaining = deadline - absl::Now();
    if (remaining <= absl::ZeroDuration()) {
      return absl::DeadlineExceededError(
          absl::StrCat(what, ": deadline reached before attempt ", attempt));
    }
    const bool clipped = remaining < policy_.attempt_timeout;
    AttemptResult result =
        RunAttempt(request, body, request.gzip_body,
                   clipped ? remaining : policy_.attempt_timeout);
    std::optional<absl::Duration> wait;
    if (result.too_large) {
      return absl::ResourceExhaustedError(absl::StrCat(
          what, ": the response is larger than allowed (",
          request.max_response_bytes % (1 << 20) == 0
              ? absl::StrCat(request.max_response_bytes >> 20, " MiB")
              : absl::StrCat(request.max_response_bytes, " bytes"),
          " of body, ITR_MAX_RESPONSE_MB; ", kMaxResponseHeaderBytes >> 10,
          " KiB of headers)"));
    }
    if (result.code == CURLE_ABORTED_BY_CALLBACK) {
      return absl::DeadlineExceededError(
          absl::StrCat(what,
                       ": stopped at the end of the exit's network "
                       "time (ITR_EXIT_NETWORK_BUDGET_MS)"));
    }
    if (result.code != CURLE_OK) {
      if (result.code == CURLE_OPERATION_TIMEDOUT && clipped) {
        return absl::DeadlineExceededError(
            absl::StrCat(what, ": deadline reached during attempt ", attempt,
                         " (", result.error, ")"));
      }
      last_error = absl::UnavailableError(
          absl::StrCat(what, ": ", result.error, " (attempt ", attempt, " of ",
                       max_attempts, ")"));
      if (IsPermanent(result.code)) {
        return absl::InvalidArgumentError(last_error.message());
      }
      last_response.reset();
    } else {
      result.response.attempts = attempt;
      if (!IsRetryableStatus(result.response.status)) {
        return std::move(result.response);
      }
      if (result.response.status == 429) {
        auto reset = result.response.headers.find("x-ratelimit-reset");
        if (reset != result.response.headers.end()) {
          wait = RateLimitWait(reset->second, absl::Now());
        }
      }
      last_response = std::move(result.response);
    }
    if (!wait.has_value()) {
      wait = backoff;
      backoff = std::min(backoff * 2, policy_.max_backoff);
    }
    // Out of attempts, or the wait would outlast the deadline: the last
    // outcome is final.
    if (attempt >= max_attempts || absl::Now() + *wait >= deadline) {
      if (last_response.has_value()) return *std::move(last_response);
      return last_error;
    }
    absl::SleepFor(*wait);
  }
}

}  // namespace itr::skipper::transport
