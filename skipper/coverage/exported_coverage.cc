#include "skipper/coverage/exported_coverage.h"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <optional>
#include <set>

#include "itr/coverage_export.h"
#include "nlohmann/json.hpp"
#include "skipper/base/json_limits.h"
#include "skipper/base/json_numbers.h"

namespace itr::skipper {

namespace {

// Accumulates the lines of one export file.
class ExportedLines {
  // path -> (build-id, executed probe addresses)
  using ObjectProbes =
      std::map<std::string, std::pair<std::string, std::set<uint64_t>>>;

 public:
  void Add(const nlohmann::json& line) {
    if (line.contains(ITR_EXPORT_PROCESS)) {
      AddProcessLine(line);
    } else {
      AddCoverageLine(line);
    }
  }
  void AddTornLine() { Incomplete("unreadable coverage line"); }

  ExportedFile Finish() {
    for (const auto& [pid, open] : open_processes_) {
      if (open > 0) {
        Incomplete("a process did not exit normally (crash, _exit or exec)");
      }
    }
    if (!any_coverage_) Incomplete("no instrumented process ran");
    ExportedFile result;
    result.processes = processes_;
    result.executed.complete = complete_;
    result.executed.incomplete_reason = incomplete_reason_;
    for (auto& [file, lines] : files_) {
      result.executed.files.push_back(file);
      result.executed.lines.emplace_back(lines.begin(), lines.end());
    }
    for (auto [objects, out] :
         {std::make_pair(&objects_, &result.executed.objects),
          std::make_pair(&startup_objects_,
                         &result.executed.startup_objects)}) {
      for (auto& [path, object] : *objects) {
        out->push_back({path, object.first,
                        std::vector<uint64_t>(object.second.begin(),
                                              object.second.end())});
      }
    }
    result.executed.files_read.assign(files_read_.begin(), files_read_.end());
    result.executed.env_read.assign(env_read_.begin(), env_read_.end());
    result.executed.built_at_ns = built_at_ == INT64_MAX ? 0 : built_at_;
    return result;
  }

 private:
  void Incomplete(const std::string& reason) {
    complete_ = false;
    incomplete_reason_ = reason;
  }

  void AddProcessLine(const nlohmann::json& line) {
    std::optional<int64_t> pid =
        JsonIntegerField(line, ITR_EXPORT_PID, int64_t{-1});
    std::optional<int64_t> built_at =
        JsonIntegerField(line, ITR_EXPORT_BUILT_AT_NS, int64_t{0});
    if (!pid || !built_at) {
      AddTornLine();  // not a number the runtime writes
      return;
    }
    if (line[ITR_EXPORT_PROCESS] == ITR_EXPORT_PROCESS_START) {
      ++open_processes_[*pid];
      ++processes_;
    } else if (line[ITR_EXPORT_PROCESS] == ITR_EXPORT_PROCESS_END) {
      --open_processes_[*pid];
      built_at_ = std::min(built_at_, *built_at);
    }
  }

  void AddCoverageLine(const nlohmann::json& line) {
    any_coverage_ = true;
    if (line.value(ITR_EXPORT_STATUS, "") != ITR_EXPORT_STATUS_COMPLETE) {
      Incomplete(line.value(ITR_EXPORT_ERROR, "incomplete coverage"));
    }
    AddObjects(line, ITR_EXPORT_OBJECTS, &objects_);
    AddObjects(line, ITR_EXPORT_STARTUP_OBJECTS, &startup_objects_);
    AddReads(line);
    if (!line.contains(ITR_EXPORT_FILES) ||
        !line[ITR_EXPORT_FILES].is_object()) {
      return;
    }
    for (const auto& [file, lines] : line[ITR_EXPORT_FILES].items()) {
      std::set<uint32_t>& merged = files_[file];
      if (!lines.is_array()) continue;
      for (const nlohmann::json& n : lines) {
        if (std::optional<uint32_t> line = JsonInteger<uint32_t>(n)) {
          merged.insert(*line);
        }
      }
    }
  }

  void AddObjects(const nlohmann::json& line, const char* field,
                  ObjectProbes* into) {
    auto objects = line.find(field);
    if (objects == line.end() || !objects->is_array()) return;
    for (const nlohmann::json& object : *objects) {
      if (!object.is_object()) continue;
      std::string path = object.value(ITR_EXPORT_OBJECT_PATH, "");
      auto addresses = object.find(ITR_EXPORT_OBJECT_ADDRESSES);
      if (path.empty() || addresses == object.end() || !addresses->is_array()) {
        Incomplete("unreadable coverage line");
        continue;
      }
      auto& known = (*into)[path];
      known.first = object.value(ITR_EXPORT_OBJECT_BUILD_ID, "");
      for (const nlohmann::json& address : *addresses) {
        if (address.is_number_unsigned()) {
          known.second.insert(address.get<uint64_t>());
        }
      }
    }
  }

  std::map<std::string, std::set<uint32_t>> files_;
  ObjectProbes objects_, startup_objects_;
  // "files_read" and "env_read" (absent in lines of an older runtime).
  void AddReads(const nlohmann::json& line) {
    if (auto files = line.find(ITR_EXPORT_FILES_READ);
        files != line.end() && files->is_array()) {
      for (const nlohmann::json& file : *files) {
        if (file.is_string()) files_read_.insert(file.get<std::string>());
      }
    }
    auto env = line.find(ITR_EXPORT_ENV_READ);
    if (env == line.end() || !env->is_object()) return;
    for (const auto& [name, value] : env->items()) {
      std::optional<uint64_t> hash = ParseHash(value);
      if (!value.is_null() && !hash) {
        Incomplete("unreadable environment read of " + name);
        continue;
      }
      env_read_.insert(EnvironmentRead{name, hash});
    }
  }

  // 16 hex digits; nullopt for anything else.
  static std::optional<uint64_t> ParseHash(const nlohmann::json& value) {
    if (!value.is_string()) return std::nullopt;
    const std::string& text = value.get_ref<const std::string&>();
    if (text.empty() || text.size() > 16) return std::nullopt;
    uint64_t hash = 0;
    for (char c : text) {
      int digit = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                         : -1;
      if (digit < 0) return std::nullopt;
      hash = hash << 4 | static_cast<uint64_t>(digit);
    }
    return hash;
  }

  std::set<std::string> files_read_;
  std::set<EnvironmentRead> env_read_;
  std::map<int64_t, int64_t> open_processes_;  // pid -> starts - ends
  size_t processes_ = 0;
  bool any_coverage_ = false;
  bool complete_ = true;
  std::string incomplete_reason_;
  int64_t built_at_ = INT64_MAX;
};

}  // namespace

ExportedFile ReadExportedCoverage(const std::string& path) {
  ExportedLines lines;
  std::ifstream in(path);
  std::string text;
  while (std::getline(in, text)) {
    if (text.empty()) continue;
    // A line nested beyond any export's depth is no export line.
    nlohmann::json doc =
        JsonNestingWithin(text)
            ? nlohmann::json::parse(text, nullptr, false)
            : nlohmann::json(nlohmann::json::value_t::discarded);
    if (doc.is_discarded() || !doc.is_object()) {
      lines.AddTornLine();  // something is missing
      continue;
    }
    try {
      lines.Add(doc);
    } catch (const nlohmann::json::exception&) {
      lines.AddTornLine();  // a field of the wrong type: not ours either
    }
  }
  return lines.Finish();
}

void ExportedCoverage::SetFile(const TestIdentity& test, std::string path) {
  files_[test.Key()] = std::move(path);
}

ExecutedCode ExportedCoverage::TestEnded(const TestIdentity& test) {
  auto found = files_.find(test.Key());
  if (found == files_.end()) {
    last_processes_ = 0;
    ExecutedCode unknown;
    unknown.incomplete_reason = "no coverage file for this test";
    return unknown;
  }
  ExportedFile file = ReadExportedCoverage(found->second);
  last_processes_ = file.processes;
  return std::move(file.executed);
}

CodeOutsideTests ExportedCoverage::OutsideTests() {
  // Everything a test's processes executed is that test's own.
  CodeOutsideTests nothing;
  nothing.startup.complete = nothing.between_tests.complete = true;
  return nothing;
}

}  // namespace itr::skipper
