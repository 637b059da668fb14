#include "skipper/ci/test_environment.h"

#include <sys/utsname.h>

#include <cctype>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace itr::skipper {

std::map<std::string, std::string> HostTags(
    const std::string& build_configuration) {
  std::map<std::string, std::string> tags;
  struct utsname system {};
  if (uname(&system) == 0) {
    std::string platform = system.sysname;
    for (char& c : platform) c = static_cast<char>(std::tolower(c));
    tags["os.platform"] = platform;
    tags["os.version"] = system.release;
    tags["os.architecture"] = system.machine;
  }
  size_t space = build_configuration.find(' ');
  tags["runtime.name"] = build_configuration.substr(0, space);
  tags["runtime.version"] =
      space == std::string::npos ? "" : build_configuration.substr(space + 1);
  return tags;
}

std::string DefaultServiceName(const std::string& repository_url) {
  std::string name = repository_url;
  while (!name.empty() && name.back() == '/') name.pop_back();
  size_t cut = name.find_last_of("/:");
  if (cut != std::string::npos) name = name.substr(cut + 1);
  if (absl::EndsWith(name, ".git")) name.resize(name.size() - 4);
  name = absl::AsciiStrToLower(name);
  return name.empty() ? "test" : name;
}

}  // namespace itr::skipper
