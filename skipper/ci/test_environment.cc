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

// "clang 14.0.6  optimized NDEBUG" as its compiler, version and flavour
// words. The version is the second word when it starts with a digit; a
// vendor's parenthesised note ("(https://github.com/llvm/... 6009708)") is
// neither version nor flavour.
struct BuildWords {
  std::string compiler;
  std::string version;
  std::vector<std::string> flavor;
};

BuildWords SplitBuildConfiguration(const std::string& build_configuration) {
  std::vector<std::string> words =
      absl::StrSplit(build_configuration, ' ', absl::SkipWhitespace());
  BuildWords result;
  if (words.empty()) return result;
  result.compiler = words[0];
  size_t next = 1;
  if (words.size() > 1 && absl::ascii_isdigit(words[1][0])) {
    result.version = words[1];
    next = 2;
  }
  int depth = 0;
  for (size_t i = next; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (word.front() == '(') ++depth;
    if (depth == 0) result.flavor.push_back(word);
    if (word.back() == ')' && depth > 0) --depth;
  }
  return result;
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
  BuildWords words = SplitBuildConfiguration(build_configuration);
  tags["runtime.name"] = words.compiler;
  if (!words.version.empty()) tags["runtime.version"] = words.version;
  return tags;
}

std::string BuildFlavor(const std::string& build_configuration) {
  return absl::StrJoin(SplitBuildConfiguration(build_configuration).flavor,
                       " ");
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
