#include "skipper/ci/ci_tags.h"

#include <map>
#include <regex>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "skipper/ci/ci_providers.h"

extern char** environ;

namespace itr::skipper {

std::vector<std::string> ProcessEnvNames() {
  std::vector<std::string> names;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    names.emplace_back(text.substr(0, text.find('=')));
  }
  return names;
}

std::string NormalizeGitRef(std::string_view ref_in) {
  absl::string_view ref(ref_in.data(), ref_in.size());
  // The tracers' order: `refs/` (or `refs/heads/`), then `origin/`, then
  // `tags/`, each stripped once from the front.
  if (!absl::ConsumePrefix(&ref, "refs/heads/")) {
    absl::ConsumePrefix(&ref, "refs/");
  }
  absl::ConsumePrefix(&ref, "origin/");
  absl::ConsumePrefix(&ref, "tags/");
  return std::string(ref);
}

bool IsGitTagRef(std::string_view ref) {
  return absl::StrContains(absl::string_view(ref.data(), ref.size()), "tags/");
}

std::string ScrubUrlCredentials(std::string_view url) {
  // The credentials sit between the scheme and the first '@' before the
  // first '/' of the path: `https://user:pass@host/...`.
  static const std::regex kCredentials("^(https?://|ssh://)[^/]*@");
  return std::regex_replace(std::string(url), kCredentials, "$1");
}

std::string ScrubAllUrlCredentials(std::string_view text) {
  // Unanchored and global, as dd-trace-go's; the credentials stop at the
  // last '@' before the path, and never cross a quote or a space (a JSON
  // value or the next word is not part of the URL).
  static const std::regex kCredentials(R"(((?:https?|ssh)://)[^/\s"]*@)");
  return std::regex_replace(std::string(text), kCredentials, "$1");
}

void ScrubCredentialTags(Tags* tags) {
  for (const char* key :
       {kTagRepositoryUrl, kTagPipelineUrl, kTagJobUrl, kTagEnvVars}) {
    if (auto it = tags->find(key); it != tags->end()) {
      it->second = key == std::string_view(kTagRepositoryUrl)
                       ? ScrubUrlCredentials(it->second)
                       : ScrubAllUrlCredentials(it->second);
    }
  }
}

std::string ExpandHome(const std::string& path, const GetEnv& getenv) {
  if (path != "~" && !absl::StartsWith(path, "~/")) return path;
  const char* home = getenv("HOME");
  if (home == nullptr || *home == '\0') return path;
  return std::string(home) + path.substr(1);
}

Tags DetectCiTags(const GetEnv& getenv, const ListEnv& list_env) {
  ci_internal::Env env(getenv, list_env);
  Tags tags;
  for (const ci_internal::CiProvider& provider : ci_internal::CiProviders()) {
    if (provider.detects(env)) {
      tags = provider.extract(env);
      break;
    }
  }
  if (tags.empty()) return tags;

  // One ref for both: a tag when it says so.
  if (auto it = tags.find(ci_internal::kBranchOrTag); it != tags.end()) {
    tags[IsGitTagRef(it->second) ? kTagTag : kTagBranch] = it->second;
    tags.erase(ci_internal::kBranchOrTag);
  }
  if (auto it = tags.find(kTagBranch);
      it != tags.end() && IsGitTagRef(it->second)) {
    tags[kTagTag] = it->second;
    tags.erase(kTagBranch);
  }
  for (const char* ref : {kTagBranch, kTagTag, kTagPrBaseBranch}) {
    if (auto it = tags.find(ref); it != tags.end()) {
      it->second = NormalizeGitRef(it->second);
    }
  }
  ScrubCredentialTags(&tags);
  if (auto it = tags.find(kTagWorkspacePath); it != tags.end()) {
    it->second = ExpandHome(it->second, getenv);
  }
  std::erase_if(tags, [](const auto& entry) {
    return absl::StripAsciiWhitespace(entry.second).empty();
  });
  return tags;
}

}  // namespace itr::skipper
