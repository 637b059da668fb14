// CSV parsing: lines, fields, whitespace trimming, manual integer parsing.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "cases.h"
#include "random.h"

namespace workload {

namespace {

std::string MakeCsv(uint32_t seed, int rows) {
  Random random(seed);
  std::string csv = "id, name, quantity, price\n";
  for (int row = 0; row < rows; ++row) {
    // One draw per statement: the operands of + are unsequenced.
    uint32_t item = random.Below(500);
    uint32_t quantity = random.Below(1000);
    const char* sign = random.Below(5) == 0 ? "-" : "";
    uint32_t price = random.Below(100000);
    csv += std::to_string(row) + ", item" + std::to_string(item) + " ,  " +
           std::to_string(quantity) + "," + sign + std::to_string(price) + "\n";
  }
  return csv;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == separator) {
      parts.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

// Returns false on malformed input.
bool ParseInteger(std::string_view text, int64_t* value) {
  bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  if (text.empty()) return false;
  int64_t result = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    result = result * 10 + (c - '0');
  }
  *value = negative ? -result : result;
  return true;
}

}  // namespace

uint64_t CsvParseCase(uint32_t seed) {
  std::string csv = MakeCsv(seed, 1500);
  uint64_t result = 0;
  int64_t total = 0;
  bool header = true;
  for (std::string_view line : Split(csv, '\n')) {
    if (line.empty()) continue;
    std::vector<std::string_view> fields = Split(line, ',');
    if (header || fields.size() != 4) {
      header = false;
      continue;
    }
    int64_t id = 0, quantity = 0, price = 0;
    if (!ParseInteger(Trim(fields[0]), &id) ||
        !ParseInteger(Trim(fields[2]), &quantity) ||
        !ParseInteger(Trim(fields[3]), &price)) {
      result = Mix(result, 1);
      continue;
    }
    total += quantity * price;
    result = Mix(result, static_cast<uint64_t>(id) + Trim(fields[1]).size());
  }
  return Mix(result, static_cast<uint64_t>(total));
}

}  // namespace workload
