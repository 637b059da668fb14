#pragma once

// String helpers. The tiny, hot ones are inline in this header; the ones that
// allocate and loop live in src/string_utils.cpp.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace textcalc {

// Locale-independent on purpose: <cctype> depends on the global C locale,
// which would make results machine-dependent.
inline bool IsBlank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

inline char AsciiToLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

inline char AsciiToUpper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

inline std::string_view TrimLeft(std::string_view text) {
  std::size_t first = 0;
  while (first < text.size() && IsBlank(text[first])) ++first;
  return text.substr(first);
}

inline std::string_view TrimRight(std::string_view text) {
  std::size_t end = text.size();
  while (end > 0 && IsBlank(text[end - 1])) --end;
  return text.substr(0, end);
}

inline std::string_view Trim(std::string_view text) {
  return TrimRight(TrimLeft(text));
}

inline std::string ToLower(std::string_view text) {
  std::string result(text);
  for (char& c : result) c = AsciiToLower(c);
  return result;
}

inline std::string ToUpper(std::string_view text) {
  std::string result(text);
  for (char& c : result) c = AsciiToUpper(c);
  return result;
}

inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (AsciiToLower(a[i]) != AsciiToLower(b[i])) return false;
  }
  return true;
}

enum class EmptyFields { kKeep, kSkip };

// Splits on every `delimiter`. With kKeep, "a,,b" gives {"a", "", "b"} and ""
// gives {""}, so Join(Split(s, c), c) == s always holds.
std::vector<std::string> Split(std::string_view text, char delimiter,
                               EmptyFields empty_fields = EmptyFields::kKeep);

std::string Join(const std::vector<std::string>& parts,
                 std::string_view separator);

// Replaces non-overlapping occurrences left to right. An empty `from` returns
// the text unchanged (rather than looping forever).
std::string ReplaceAll(std::string_view text, std::string_view from,
                       std::string_view to);

}  // namespace textcalc
