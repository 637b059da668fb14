#include "textcalc/string_utils.h"

namespace textcalc {

std::vector<std::string> Split(std::string_view text, char delimiter,
                               EmptyFields empty_fields) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(delimiter, start);
    const std::string_view part = text.substr(
        start,
        end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!part.empty() || empty_fields == EmptyFields::kKeep) {
      parts.emplace_back(part);
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

std::string Join(const std::vector<std::string>& parts,
                 std::string_view separator) {
  std::string result;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) result += separator;
    result += parts[i];
  }
  return result;
}

std::string ReplaceAll(std::string_view text, std::string_view from,
                       std::string_view to) {
  if (from.empty()) return std::string(text);
  std::string result;
  std::size_t start = 0;
  while (true) {
    const std::size_t match = text.find(from, start);
    if (match == std::string_view::npos) break;
    result.append(text.substr(start, match - start));
    result.append(to);
    start = match + from.size();
  }
  result.append(text.substr(start));
  return result;
}

}  // namespace textcalc
