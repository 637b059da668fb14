#include "skipper/ci/codeowners.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "skipper/base/bounded_read.h"

namespace itr::skipper {

namespace {

// The places GitHub and GitLab look, in dd-trace-py's order.
constexpr const char* kLocations[] = {"CODEOWNERS", ".github/CODEOWNERS",
                                      ".gitlab/CODEOWNERS", "docs/CODEOWNERS"};

std::string EscapedLiteral(char c) {
  static constexpr std::string_view kSpecial = "\\^$.|?*+()[]{}";
  std::string out;
  if (kSpecial.find(c) != std::string_view::npos) out += '\\';
  out += c;
  return out;
}

// "**" stands for any number of directories when it is a whole path
// segment: at the start or after '/', and at the end or before '/'.
bool IsDirectoryWildcard(std::string_view pattern, size_t i) {
  if (i + 1 >= pattern.size() || pattern[i + 1] != '*') return false;
  const bool starts_segment = i == 0 || pattern[i - 1] == '/';
  const bool ends_segment = i + 2 == pattern.size() || pattern[i + 2] == '/';
  return starts_segment && ends_segment;
}

}  // namespace

std::optional<std::string> CodeownersPatternRegex(std::string_view pattern) {
  // A '/' before the end anchors the pattern at the root; otherwise it
  // matches at any depth (gitignore's rule).
  const size_t slash = pattern.find('/');
  const bool anchored =
      slash != std::string_view::npos && slash != pattern.size() - 1;
  const bool matches_directory = !pattern.empty() && pattern.back() == '/';
  while (!pattern.empty() && pattern.front() == '/') pattern.remove_prefix(1);
  while (!pattern.empty() && pattern.back() == '/') pattern.remove_suffix(1);
  std::string regex = anchored ? "^" : "(?:^|/)";
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      regex += EscapedLiteral(pattern[++i]);
    } else if (c == '*' && IsDirectoryWildcard(pattern, i)) {
      regex += ".*";
      i += 2;  // the second '*' and the '/' after it: "a/**/b" matches a/b
    } else if (c == '*') {
      regex += "[^/]*";
    } else if (c == '?') {
      regex += "[^/]";
    } else if (c == '[') {
      const size_t close = pattern.find(']', i + 1);
      if (close == std::string_view::npos) return std::nullopt;
      regex += pattern.substr(i, close - i + 1);
      i = close;
    } else {
      regex += EscapedLiteral(c);
    }
  }
  regex += matches_directory ? "/" : "(?:$|/)";
  return regex;
}

Codeowners Codeowners::Parse(std::string_view text) {
  Codeowners codeowners;
  for (absl::string_view line :
       absl::StrSplit(absl::string_view(text.data(), text.size()), '\n')) {
    line = line.substr(0, line.find('#'));
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line.front() == '[' || absl::StartsWith(line, "^[")) {
      continue;  // blank, comment, or a GitLab section header
    }
    std::vector<std::string> fields =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (fields.size() < 2) continue;  // a pattern without owners
    std::optional<std::string> regex = CodeownersPatternRegex(fields[0]);
    if (!regex) continue;
    try {
      codeowners.rules_.push_back(
          {std::regex(*regex, std::regex::ECMAScript | std::regex::optimize),
           std::vector<std::string>(fields.begin() + 1, fields.end())});
    } catch (const std::regex_error&) {
      // A character class std::regex rejects: that rule owns nothing.
    }
  }
  return codeowners;
}

std::optional<Codeowners> Codeowners::Load(const std::string& root) {
  if (root.empty()) return std::nullopt;  // not the filesystem's root
  for (const char* location : kLocations) {
    // GitHub reads at most 3 MB of it; a directory or a device is none.
    absl::StatusOr<std::string> text =
        ReadSmallRegularFile(root + "/" + location, 3 << 20);
    if (text.ok()) return Parse(*text);
  }
  return std::nullopt;
}

std::string Codeowners::OwnersJson(std::string_view path) const {
  const std::string subject(path);
  for (auto rule = rules_.rbegin(); rule != rules_.rend(); ++rule) {
    if (!std::regex_search(subject, rule->pattern)) continue;
    std::vector<std::string> quoted;
    for (const std::string& owner : rule->owners) {
      quoted.push_back(nlohmann::json(owner).dump(
          -1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    // As dd-trace-py's json.dumps writes it.
    return "[" + absl::StrJoin(quoted, ", ") + "]";
  }
  return "";
}

}  // namespace itr::skipper
