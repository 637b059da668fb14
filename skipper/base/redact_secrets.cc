#include "skipper/base/redact_secrets.h"

#include <algorithm>
#include <cctype>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace itr::skipper {

namespace {

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// "password" ending at `end` (exclusive) in `text`, as a whole word.
bool PasswordKeyEndsAt(absl::string_view text, size_t end) {
  constexpr absl::string_view kKey = "password";
  if (end < kKey.size()) return false;
  size_t start = end - kKey.size();
  if (!absl::EqualsIgnoreCase(text.substr(start, kKey.size()), kKey)) {
    return false;
  }
  return start == 0 || !IsWordChar(text[start - 1]);
}

}  // namespace

std::string RedactSecrets(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    // key/value or query parameter: password = value
    if (text[i] == '=' || text[i] == ' ' || text[i] == '\t') {
      size_t key_end = i;
      size_t eq = i;
      while (eq < text.size() && (text[eq] == ' ' || text[eq] == '\t')) ++eq;
      if (eq < text.size() && text[eq] == '=' &&
          PasswordKeyEndsAt(text, key_end)) {
        absl::StrAppend(&out, text.substr(i, eq + 1 - i));
        size_t v = eq + 1;
        while (v < text.size() && (text[v] == ' ' || text[v] == '\t')) {
          out.push_back(text[v++]);
        }
        if (v < text.size() && text[v] == '\'') {
          // A quoted value: up to the closing quote ('\'' escapes one).
          size_t e = v + 1;
          while (e < text.size() && text[e] != '\'')
            e += text[e] == '\\' ? 2 : 1;
          i = std::min(text.size(), e + 1);
        } else {
          size_t e = v;
          while (e < text.size() && text[e] != ' ' && text[e] != '&' &&
                 text[e] != '\t' && text[e] != '\n' && text[e] != '"' &&
                 text[e] != ')') {
            ++e;
          }
          i = e;
        }
        absl::StrAppend(&out, "***");
        continue;
      }
    }
    // URI userinfo: scheme://user:password@host
    if (text.substr(i, 3) == "://") {
      size_t authority = i + 3;
      size_t end = authority;
      while (end < text.size() && text[end] != '/' && text[end] != '?' &&
             text[end] != '#' && text[end] != ' ' && text[end] != '\n' &&
             text[end] != '"' && text[end] != '\'') {
        ++end;
      }
      absl::string_view host_part = text.substr(authority, end - authority);
      size_t at = host_part.rfind('@');
      if (at != absl::string_view::npos) {
        absl::string_view userinfo = host_part.substr(0, at);
        size_t colon = userinfo.find(':');
        absl::StrAppend(&out, "://");
        if (colon != absl::string_view::npos) {
          absl::StrAppend(&out, userinfo.substr(0, colon));
          absl::StrAppend(&out, ":***");
        } else {
          absl::StrAppend(&out, userinfo);
        }
        absl::StrAppend(&out, host_part.substr(at));
        i = end;
        continue;
      }
    }
    out.push_back(text[i++]);
  }
  return out;
}

}  // namespace itr::skipper
