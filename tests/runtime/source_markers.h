// Finds the line of an "ITR-LINE:<name>" marker in a fixture source, so that
// tests assert exact line numbers without hard-coding them.
#ifndef ITR_TESTS_SOURCE_MARKERS_H_
#define ITR_TESTS_SOURCE_MARKERS_H_

#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <string>

inline uint32_t MarkerLine(const std::string& repo_relative_path,
                           const std::string& name) {
  std::ifstream in(std::string(ITR_SOURCE_DIR) + "/" + repo_relative_path);
  std::string line;
  const std::string marker = "ITR-LINE:" + name;
  for (uint32_t number = 1; std::getline(in, line); ++number) {
    size_t at = line.find(marker);
    if (at != std::string::npos && (at + marker.size() == line.size() ||
                                    line[at + marker.size()] == ' ')) {
      return number;
    }
  }
  throw std::runtime_error("no marker " + marker + " in " + repo_relative_path);
}

#endif  // ITR_TESTS_SOURCE_MARKERS_H_
