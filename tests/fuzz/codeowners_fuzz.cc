// CODEOWNERS: the rules as written, then the owners of a few paths (no
// pattern may crash or hang), and each line as a pattern against a path
// made of the input.
#include <optional>

#include "fuzz_input.h"
#include "skipper/ci/codeowners.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace itr::skipper;
  std::string_view text = itr::fuzz::Text(data, size);
  Codeowners owners = Codeowners::Parse(text);
  for (std::string_view path :
       {"src/a.cpp", "docs/readme.md", "tests/unit/deep/x_test.cc", "a",
        "build/generated/very/deep/path/that/goes/on/and/on/file.h"}) {
    owners.OwnersJson(path);
  }
  for (const std::string& line : itr::fuzz::Lines(text)) {
    if (std::optional<CodeownersPattern> pattern =
            CodeownersPattern::Compile(line)) {
      pattern->Matches(text.substr(0, 4096));
    }
  }
  return 0;
}
