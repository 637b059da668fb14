// INI-style parsing: [sections], key = value pairs, comments.
#include <cstddef>
#include <map>
#include <string>

#include "cases.h"
#include "random.h"

namespace workload {

namespace {

using IniFile = std::map<std::string, std::map<std::string, std::string>>;

std::string MakeIni(uint32_t seed, int sections) {
  Random random(seed);
  std::string text;
  for (int s = 0; s < sections; ++s) {
    text += "[section" + std::to_string(random.Below(40)) + "]\n";
    int keys = 3 + static_cast<int>(random.Below(8));
    for (int k = 0; k < keys; ++k) {
      if (random.Below(6) == 0) text += "; a comment line\n";
      uint32_t key = random.Below(30);  // draws before the unsequenced +
      uint32_t value = random.Below(1000);
      text += "key" + std::to_string(key) + " = value" + std::to_string(value) +
              "\n";
    }
    text += "\n";
  }
  return text;
}

std::string Strip(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  size_t end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

IniFile ParseIni(const std::string& text) {
  IniFile ini;
  std::string section = "global";
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = Strip(text.substr(start, end - start));
    start = end + 1;
    if (line.empty() || line[0] == ';' || line[0] == '#') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = line.substr(1, line.size() - 2);
      continue;
    }
    size_t equals = line.find('=');
    if (equals == std::string::npos) continue;
    ini[section][Strip(line.substr(0, equals))] =
        Strip(line.substr(equals + 1));
  }
  return ini;
}

}  // namespace

uint64_t IniParseCase(uint32_t seed) {
  IniFile ini = ParseIni(MakeIni(seed, 120));
  uint64_t result = ini.size();
  for (const auto& [section, values] : ini) {
    result = Mix(result, section.size());
    for (const auto& [key, value] : values) {
      result = Mix(result, key.size() * 131 + value.size());
    }
  }
  return result;
}

}  // namespace workload
