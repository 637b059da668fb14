#include "skipper/ctest/ctest_listing.h"

#include "nlohmann/json.hpp"

namespace itr::skipper::ctest {

absl::StatusOr<std::vector<CtestTest>> ParseCtestListing(
    const std::string& json) {
  nlohmann::json doc = nlohmann::json::parse(json, nullptr,
                                             /*allow_exceptions=*/false);
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
        if (property["name"] == "LABELS" && value.is_array()) {
          for (const nlohmann::json& label : value) {
            if (label.is_string()) test.labels.push_back(label);
          }
        } else if (property["name"] == "FIXTURES_SETUP" ||
                   property["name"] == "FIXTURES_CLEANUP") {
          test.fixture = true;
        } else if (property["name"] == "DISABLED") {
          test.disabled = value.is_boolean() ? value.get<bool>() : true;
        }
      }
    }
    tests.push_back(std::move(test));
  }
  return tests;
}

}  // namespace itr::skipper::ctest
