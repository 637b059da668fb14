// What git and the CI say about refs and remotes: branch and tag names,
// repository URLs with credentials to scrub (which must be gone after),
// and workspace paths with '~'.
#include <cstdlib>

#include "fuzz_input.h"
#include "skipper/ci/ci_tags.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace itr::skipper;
  std::string_view text = itr::fuzz::Text(data, size);
  NormalizeGitRef(text);
  IsGitTagRef(text);
  const std::string scrubbed = ScrubUrlCredentials(text);
  ScrubAllUrlCredentials(text);
  // Scrubbing is idempotent: nothing left to remove the second time.
  if (ScrubUrlCredentials(scrubbed) != scrubbed) abort();
  ExpandHome(std::string(text), [](const char*) { return "/home/fuzz"; });
  return 0;
}
