#include "skipper/store/store_location.h"

#include <cctype>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace itr::skipper {

namespace {

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

}  // namespace

bool IsPostgresLocation(absl::string_view location) {
  absl::string_view s = absl::StripLeadingAsciiWhitespace(location);
  if (absl::StartsWithIgnoreCase(s, "postgresql://") ||
      absl::StartsWithIgnoreCase(s, "postgres://")) {
    return true;
  }
  size_t i = 0;
  while (i < s.size() && IsWordChar(s[i])) ++i;
  if (i == 0) return false;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return i < s.size() && s[i] == '=';
}

}  // namespace itr::skipper
