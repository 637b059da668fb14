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

// "**" stands for any number of directories when it is a whole path
// segment: at the start or after '/', and at the end or before '/'.
bool IsDirectoryWildcard(std::string_view pattern, size_t i) {
  if (i + 1 >= pattern.size() || pattern[i + 1] != '*') return false;
  const bool starts_segment = i == 0 || pattern[i - 1] == '/';
  const bool ends_segment = i + 2 == pattern.size() || pattern[i + 2] == '/';
  return starts_segment && ends_segment;
}

}  // namespace

std::optional<CodeownersPattern> CodeownersPattern::Compile(
    std::string_view pattern) {
  if (pattern.size() > kMaxLength) return std::nullopt;
  CodeownersPattern out;
  // A '/' before the end anchors the pattern at the root; otherwise it
  // matches at any depth (gitignore's rule).
  const size_t slash = pattern.find('/');
  out.anchored_ =
      slash != std::string_view::npos && slash != pattern.size() - 1;
  out.directory_only_ = !pattern.empty() && pattern.back() == '/';
  while (!pattern.empty() && pattern.front() == '/') pattern.remove_prefix(1);
  while (!pattern.empty() && pattern.back() == '/') pattern.remove_suffix(1);
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    Token token;
    if (c == '\\' && i + 1 < pattern.size()) {
      token.literal = pattern[++i];
    } else if (c == '*' && IsDirectoryWildcard(pattern, i)) {
      token.kind = Kind::kDeep;
      i += 2;  // the second '*' and the '/' after it: "a/**/b" matches a/b
    } else if (c == '*') {
      token.kind = Kind::kSegment;
      // "**" inside a segment, "***": one run of any non-'/' characters.
      while (i + 1 < pattern.size() && pattern[i + 1] == '*') ++i;
    } else if (c == '?') {
      token.kind = Kind::kOne;
    } else if (c == '[') {
      const size_t close = pattern.find(']', i + 1);
      if (close == std::string_view::npos) return std::nullopt;
      std::string_view set = pattern.substr(i + 1, close - i - 1);
      token.kind = Kind::kClass;
      if (!set.empty() && set.front() == '^') {
        token.negated = true;
        set.remove_prefix(1);
      }
      for (size_t k = 0; k < set.size(); ++k) {
        char first = set[k];
        if (first == '\\') {
          if (++k == set.size()) return std::nullopt;
          first = set[k];
        }
        char last = first;
        if (k + 2 < set.size() && set[k + 1] == '-') {
          last = set[k + 2];
          k += 2;
          if (last < first) return std::nullopt;  // as std::regex refused
        }
        token.ranges.emplace_back(first, last);
      }
      i = close;
    } else {
      token.literal = c;
    }
    out.tokens_.push_back(std::move(token));
  }
  return out;
}

bool CodeownersPattern::ClassMatches(const Token& token, char c) const {
  bool in = false;
  for (const auto& [first, last] : token.ranges) {
    if (c >= first && c <= last) {
      in = true;
      break;
    }
  }
  return in != token.negated;
}

bool CodeownersPattern::Matches(std::string_view path) const {
  const size_t n = path.size();
  // reach[j]: the tokens so far can match a part of `path` that ends at j
  // and starts where the pattern may start (the root, or after a '/').
  std::vector<char> reach(n + 1), next(n + 1);
  for (size_t j = 0; j <= n; ++j) {
    reach[j] = j == 0 || (!anchored_ && path[j - 1] == '/');
  }
  for (const Token& token : tokens_) {
    bool any = false;
    for (size_t j = 0; j <= n; ++j) {
      const char c = j > 0 ? path[j - 1] : '\0';
      bool ok = false;
      switch (token.kind) {
        case Kind::kLiteral:
          ok = j > 0 && reach[j - 1] && c == token.literal;
          break;
        case Kind::kOne:
          ok = j > 0 && reach[j - 1] && c != '/';
          break;
        case Kind::kClass:
          ok = j > 0 && reach[j - 1] && ClassMatches(token, c);
          break;
        case Kind::kSegment:
          ok = reach[j] || (j > 0 && next[j - 1] && c != '/');
          break;
        case Kind::kDeep:
          ok = reach[j] || (j > 0 && next[j - 1]);
          break;
      }
      next[j] = ok;
      any |= ok;
    }
    if (!any) return false;
    reach.swap(next);
  }
  for (size_t j = 0; j <= n; ++j) {
    if (!reach[j]) continue;
    // A directory rule needs a '/' after; a file rule the end or a '/'.
    if (directory_only_ ? j < n && path[j] == '/' : j == n || path[j] == '/') {
      return true;
    }
  }
  return false;
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
    std::optional<CodeownersPattern> pattern =
        CodeownersPattern::Compile(fields[0]);
    if (!pattern) continue;  // that rule owns nothing
    codeowners.rules_.push_back(
        {std::move(*pattern),
         std::vector<std::string>(fields.begin() + 1, fields.end())});
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
  for (auto rule = rules_.rbegin(); rule != rules_.rend(); ++rule) {
    if (!rule->pattern.Matches(path)) continue;
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
