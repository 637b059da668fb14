#include "skipper/ci/test_environment.h"

#include <sys/utsname.h>

#include <cctype>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace itr::skipper {

namespace {

// "clang 14.0.6  optimized NDEBUG" -> {"clang", "14.0.6", "optimized",
// "NDEBUG"} (__clang_version__ ends with a space).
std::vector<std::string> Words(const std::string& build_configuration) {
  return absl::StrSplit(build_configuration, ' ', absl::SkipWhitespace());
}

}  // namespace

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
  std::vector<std::string> words = Words(build_configuration);
  tags["runtime.name"] = words.empty() ? "" : words[0];
  tags["runtime.version"] = words.size() < 2 ? "" : words[1];
  return tags;
}

std::string BuildFlavor(const std::string& build_configuration) {
  std::vector<std::string> words = Words(build_configuration);
  if (words.size() <= 2) return "";
  // A vendor's version may say more than the number ("14.0.6 (Red Hat
  // 14.0.6-1)"): the flavour words are the known ones only.
  std::vector<std::string> flavor;
  for (size_t i = 2; i < words.size(); ++i) {
    static constexpr const char* kKnown[] = {"optimized", "NDEBUG", "asan",
                                             "tsan",      "msan",   "ubsan"};
    for (const char* known : kKnown) {
      if (words[i] == known) flavor.push_back(words[i]);
    }
  }
  return absl::StrJoin(flavor, " ");
}

TestConfigurationTags ConfigurationTags(
    const std::string& build_configuration,
    const std::map<std::string, std::string>& dd_tags) {
  TestConfigurationTags result;
  result.configurations = HostTags(build_configuration);
  result.dd_tags = dd_tags;
  for (auto& [key, value] : result.configurations) {
    if (auto it = dd_tags.find(key); it != dd_tags.end()) value = it->second;
  }
  constexpr absl::string_view kPrefix = "test.configuration.";
  for (const auto& [key, value] : dd_tags) {
    if (absl::StartsWith(key, kPrefix) && key.size() > kPrefix.size()) {
      result.custom[key.substr(kPrefix.size())] = value;
    }
  }
  if (std::string flavor = BuildFlavor(build_configuration); !flavor.empty()) {
    result.custom.emplace(kBuildFlavorConfiguration, flavor);  // DD_TAGS wins
  }
  return result;
}

std::map<std::string, std::string> TestConfigurationTags::EventTags() const {
  std::map<std::string, std::string> tags = configurations;
  for (const auto& [key, value] : dd_tags) tags[key] = value;
  for (const auto& [key, value] : custom) {
    tags["test.configuration." + key] = value;
  }
  return tags;
}

std::string DefaultServiceName(const std::string& repository_url) {
  std::string name = repository_url;
  while (!name.empty() && name.back() == '/') name.pop_back();
  size_t cut = name.find_last_of("/:");
  if (cut != std::string::npos) name = name.substr(cut + 1);
  if (absl::EndsWith(name, ".git")) name.resize(name.size() - 4);
  return name.empty() ? "test" : name;
}

std::string WorkingDirectoryTag(const std::string& cwd,
                                const std::string& root_in) {
  std::string root = root_in;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  if (root.empty()) return cwd;
  if (cwd == root) return ".";
  const std::string prefix = root == "/" ? "/" : root + "/";
  if (absl::StartsWith(cwd, prefix)) return cwd.substr(prefix.size());
  return cwd;
}

}  // namespace itr::skipper
