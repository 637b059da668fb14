// The Datadog API's answers: settings, skippable tests, search_commits.
#include "fuzz_input.h"
#include "skipper/datadog/api_client.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace itr::skipper::datadog;
  std::string_view body = itr::fuzz::Text(data, size);
  ParseSettingsResponse(body).IgnoreError();
  ParseSkippableResponse(body).IgnoreError();
  ParseSearchCommitsResponse(body).IgnoreError();
  return 0;
}
