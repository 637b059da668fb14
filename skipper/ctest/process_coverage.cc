#include "skipper/ctest/process_coverage.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include "nlohmann/json.hpp"

namespace itr::skipper::ctest {

ProcessCoverage ReadProcessCoverage(const std::string& path) {
  ProcessCoverage result;
  std::map<std::string, std::set<uint32_t>> files;
  std::map<int64_t, int64_t> open_processes;  // pid -> starts - ends
  bool any_coverage = false, complete = true;
  int64_t built_at = INT64_MAX;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    nlohmann::json doc = nlohmann::json::parse(line, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
      complete = false;  // a torn line: something is missing
      result.incomplete_reason = "unreadable coverage line";
      continue;
    }
    if (doc.contains("process")) {
      int64_t pid = doc.value("pid", int64_t{-1});
      if (doc["process"] == "start") {
        ++open_processes[pid];
        ++result.processes;
      } else if (doc["process"] == "end") {
        --open_processes[pid];
        built_at = std::min(built_at, doc.value("built_at_ns", int64_t{0}));
      }
      continue;
    }
    any_coverage = true;
    if (doc.value("status", "") != "complete") {
      complete = false;
      result.incomplete_reason = doc.value("error", "incomplete coverage");
    }
    if (!doc.contains("files") || !doc["files"].is_object()) continue;
    for (const auto& [file, lines] : doc["files"].items()) {
      std::set<uint32_t>& merged = files[file];
      if (!lines.is_array()) continue;
      for (const nlohmann::json& n : lines) {
        if (n.is_number_unsigned()) merged.insert(n.get<uint32_t>());
      }
    }
  }
  for (const auto& [pid, open] : open_processes) {
    if (open > 0) {
      complete = false;
      result.incomplete_reason =
          "a process did not exit normally (crash, _exit or exec)";
    }
  }
  if (!any_coverage) {
    complete = false;
    result.incomplete_reason = "no instrumented process ran";
  }
  result.executed.complete = complete;
  for (auto& [file, lines] : files) {
    result.executed.files.push_back(file);
    result.executed.lines.emplace_back(lines.begin(), lines.end());
  }
  result.built_at_ns = built_at == INT64_MAX ? 0 : built_at;
  return result;
}

}  // namespace itr::skipper::ctest
