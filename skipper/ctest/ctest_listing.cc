#include "skipper/ctest/ctest_listing.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "skipper/base/json_limits.h"
#include "skipper/base/status_macros.h"
#include "skipper/base/subprocess.h"
#include "skipper/fingerprint/file_fingerprinter.h"

namespace itr::skipper::ctest {

namespace {

// A property's value: a list of strings, or one string.
void AppendStrings(const nlohmann::json& value, std::vector<std::string>* out) {
  if (value.is_string()) out->push_back(value.get<std::string>());
  if (!value.is_array()) return;
  for (const nlohmann::json& item : value) {
    if (item.is_string()) out->push_back(item.get<std::string>());
  }
}

}  // namespace

absl::StatusOr<std::vector<CtestTest>> ParseCtestListing(
    const std::string& json) {
  nlohmann::json doc =
      JsonNestingWithin(json)
          ? nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false)
          : nlohmann::json(nlohmann::json::value_t::discarded);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("tests") ||
      !doc["tests"].is_array()) {
    return absl::InvalidArgumentError(
        "ctest --show-only=json-v1 gave no test list");
  }
  std::vector<CtestTest> tests;
  for (const nlohmann::json& entry : doc["tests"]) {
    if (!entry.is_object() || !entry.contains("name") ||
        !entry["name"].is_string()) {
      return absl::InvalidArgumentError("a listed test has no name");
    }
    CtestTest test;
    test.name = entry["name"].get<std::string>();
    if (entry.contains("command") && entry["command"].is_array()) {
      for (const nlohmann::json& arg : entry["command"]) {
        if (arg.is_string()) test.command.push_back(arg);
      }
    }
    if (entry.contains("properties") && entry["properties"].is_array()) {
      for (const nlohmann::json& property : entry["properties"]) {
        if (!property.is_object() || !property.contains("name")) continue;
        const nlohmann::json& value = property.value("value", nlohmann::json());
        if (property["name"] == "LABELS") {
          AppendStrings(value, &test.labels);
        } else if (property["name"] == "FIXTURES_SETUP" ||
                   property["name"] == "FIXTURES_CLEANUP") {
          test.fixture = true;
        } else if (property["name"] == "DISABLED") {
          test.disabled = value.is_boolean() ? value.get<bool>() : true;
        } else if (property["name"] == "ENVIRONMENT") {
          AppendStrings(value, &test.environment);
        } else if (property["name"] == "ENVIRONMENT_MODIFICATION") {
          AppendStrings(value, &test.environment_modification);
        } else if (property["name"] == "WORKING_DIRECTORY" &&
                   value.is_string()) {
          test.working_directory = value.get<std::string>();
        }
      }
    }
    tests.push_back(std::move(test));
  }
  return tests;
}

std::string TestDefinition(const CtestTest& test, const std::string& build_dir,
                           const std::string& source_dir) {
  // Paths under the build or source tree are written relative to it: the
  // same definition in another checkout or build directory.
  auto trimmed = [](std::string dir) {
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    return dir;
  };
  const std::pair<std::string, const char*> roots[] = {
      {trimmed(build_dir), "<build>"}, {trimmed(source_dir), "<source>"}};
  auto portable = [&](const std::string& text) {
    for (const auto& [dir, name] : roots) {
      if (dir.empty() || !absl::StartsWith(text, dir)) continue;
      if (text.size() == dir.size() || text[dir.size()] == '/') {
        return absl::StrCat(name, text.substr(dir.size()));
      }
    }
    return text;
  };
  std::string definition = "command";
  for (const std::string& arg : test.command) {
    absl::StrAppend(&definition, "\n ", portable(arg));
  }
  absl::StrAppend(&definition, "\nworking directory ",
                  portable(test.working_directory), "\nenvironment");
  for (const std::string& entry : test.environment) {
    absl::StrAppend(&definition, "\n ", portable(entry));
  }
  absl::StrAppend(&definition, "\nenvironment modification");
  for (const std::string& entry : test.environment_modification) {
    absl::StrAppend(&definition, "\n ", portable(entry));
  }
  return ContentFingerprint(definition);
}

std::vector<std::string> EnvironmentNames(const CtestTest& test) {
  std::vector<std::string> names;
  for (const std::string& entry : test.environment) {
    names.push_back(entry.substr(0, entry.find('=')));
  }
  return names;
}

absl::StatusOr<std::vector<CtestTest>> ListCtestTests(
    const std::string& ctest, const std::string& test_dir,
    const std::vector<std::string>& args) {
  std::vector<std::string> list = {ctest, "--show-only=json-v1", "--test-dir",
                                   test_dir};
  list.insert(list.end(), args.begin(), args.end());
  ITR_ASSIGN_OR_RETURN(std::string json, CaptureOutput(list));
  return ParseCtestListing(json);
}

}  // namespace itr::skipper::ctest
