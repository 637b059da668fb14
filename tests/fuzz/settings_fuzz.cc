// The environment the skipper reads: every ITR_/DD_ setting, DD_TAGS, and
// the configuration keys made from them (which must never collide: two
// different custom configurations give two different keys).
#include <cstdlib>
#include <map>

#include "fuzz_input.h"
#include "skipper/config/settings.h"
#include "skipper/model/test_configuration.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace itr::skipper;
  // "NAME=value" lines.
  std::map<std::string, std::string> env;
  for (const std::string& line :
       itr::fuzz::Lines(itr::fuzz::Text(data, size))) {
    size_t equals = line.find('=');
    if (equals != std::string::npos) {
      env[line.substr(0, equals)] = line.substr(equals + 1);
    }
  }
  Diagnostics quiet([](const std::string&) {});
  Settings settings = LoadSettings(
      [&](const char* name) -> const char* {
        auto it = env.find(name);
        return it == env.end() ? nullptr : it->second.c_str();
      },
      "/repo", quiet);
  TestConfiguration a{"Linux", "x86_64", "clang 14",
                      settings.custom_configuration};
  TestConfiguration b = a;
  // Another value than a's (DD_TAGS may already set "extra").
  auto extra = a.custom.find("extra");
  b.custom["extra"] = extra == a.custom.end() ? "1" : extra->second + "1";
  if (a.Key() == b.Key()) abort();  // two configurations, one key
  ParseDdTags(itr::fuzz::Text(data, size));
  return 0;
}
