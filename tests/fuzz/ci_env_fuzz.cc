// CI environment extraction: the provider variables as "NAME=value" lines,
// and GitHub's event file (GITHUB_EVENT_PATH) with whatever follows a line
// "--event--".
#include <map>

#include "fuzz_input.h"
#include "skipper/ci/ci_tags.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace itr::skipper;
  std::string_view text = itr::fuzz::Text(data, size);
  std::string_view event;
  if (size_t cut = text.find("--event--\n"); cut != std::string_view::npos) {
    event = text.substr(cut + 10);
    text = text.substr(0, cut);
  }
  std::map<std::string, std::string> env;
  for (const std::string& line : itr::fuzz::Lines(text)) {
    size_t equals = line.find('=');
    if (equals != std::string::npos && equals > 0) {
      env[line.substr(0, equals)] = line.substr(equals + 1);
    }
  }
  if (env.count("GITHUB_EVENT_PATH")) {
    env["GITHUB_EVENT_PATH"] = itr::fuzz::ScratchFile(event, "event.json");
  }
  Tags tags = DetectCiTags(
      [&](const char* name) -> const char* {
        auto it = env.find(name);
        return it == env.end() ? nullptr : it->second.c_str();
      },
      [&] {
        std::vector<std::string> names;
        for (const auto& [name, value] : env) names.push_back(name);
        return names;
      });
  ScrubCredentialTags(&tags);
  return 0;
}
