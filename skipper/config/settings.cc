#include "skipper/config/settings.h"

#include <algorithm>
#include <cctype>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "itr/cache_directory.h"
#include "itr/environment_switch.h"

namespace itr::skipper {

namespace {

std::string Get(const GetEnv& getenv, const char* name) {
  const char* value = getenv(name);
  return value != nullptr ? std::string(value) : std::string();
}

// Each filter is kept whole: GoogleTest's syntax includes a "-NEGATIVE" part
// that applies to the ':'-separated patterns before it.
void AddPatterns(const std::string& filter, std::vector<std::string>* out) {
  absl::string_view trimmed = absl::StripAsciiWhitespace(filter);
  if (!trimmed.empty()) out->emplace_back(trimmed);
}

}  // namespace

std::map<std::string, std::string> ParseDdTags(std::string_view text) {
  const absl::string_view all(text.data(), text.size());
  const char separator = absl::StrContains(all, ',') ? ',' : ' ';
  std::map<std::string, std::string> tags;
  for (absl::string_view entry : absl::StrSplit(all, separator)) {
    entry = absl::StripAsciiWhitespace(entry);
    if (entry.empty()) continue;
    const size_t colon = entry.find(':');
    absl::string_view key = absl::StripAsciiWhitespace(entry.substr(0, colon));
    absl::string_view value =
        colon == absl::string_view::npos
            ? absl::string_view()
            : absl::StripAsciiWhitespace(entry.substr(colon + 1));
    if (key.empty()) continue;
    tags[std::string(key)] = std::string(value);
  }
  return tags;
}

bool ParseBool(const char* name, const char* value, bool fallback,
               Diagnostics& diagnostics) {
  switch (itr_parse_switch(value)) {
    case ITR_SWITCH_ON:
      return true;
    case ITR_SWITCH_OFF:
      return false;
    case ITR_SWITCH_UNSET:
      return fallback;
    case ITR_SWITCH_INVALID:
      break;
  }
  diagnostics.Warning(std::string(name) + "='" + value +
                      "' is not a boolean; using " +
                      (fallback ? "true" : "false"));
  return fallback;
}

namespace {

// The skipping level and the selection granularity.
void ReadSelection(const GetEnv& getenv, Diagnostics& diagnostics,
                   Settings* settings) {
  Settings& s = *settings;
  for (const char* name :
       {"DD_TESTOPTIMIZATION_TIA_TEST_SKIPPING_MODE", "ITR_SKIPPING_LEVEL"}) {
    std::string level = absl::AsciiStrToLower(Get(getenv, name));
    if (level.empty()) continue;
    if (level == "test") {
      s.level = SkipLevel::kTest;
    } else if (level == "suite") {
      s.level = SkipLevel::kSuite;
    } else {
      diagnostics.Warning(std::string(name) + "='" + level +
                          "' is not 'test' or 'suite'; using 'test'");
    }
  }

  if (std::string granularity =
          absl::AsciiStrToLower(Get(getenv, "ITR_GRANULARITY"));
      granularity == "file") {
    s.granularity = Granularity::kFile;
  } else if (!granularity.empty() && granularity != "function") {
    diagnostics.Warning("ITR_GRANULARITY='" + granularity +
                        "' is not 'function' or 'file'; using 'function'");
  }
}

}  // namespace

Settings LoadSettings(const GetEnv& getenv, const std::string& repo_root,
                      Diagnostics& diagnostics) {
  Settings s;
  s.itr_enabled = ParseBool(ITR_ENABLED_VARIABLE, getenv(ITR_ENABLED_VARIABLE),
                            true, diagnostics);
  s.collect_only = ParseBool("ITR_COLLECT_ONLY", getenv("ITR_COLLECT_ONLY"),
                             false, diagnostics);
  s.service = Get(getenv, "DD_SERVICE");
  s.env = Get(getenv, "DD_ENV");

  ReadSelection(getenv, diagnostics, &s);
  s.cache_dir = CacheDirectory(getenv);

  s.store_path = Get(getenv, "ITR_STORE");
  if (s.store_path.empty()) s.store_path = repo_root + "/.itr/itr.sqlite";

  std::string verbose = Get(getenv, "ITR_VERBOSE");
  if (!verbose.empty()) {
    std::string lower = absl::AsciiStrToLower(verbose);
    if (!absl::SimpleAtoi(verbose, &s.verbosity)) {
      s.verbosity =
          (lower == "true" || lower == "yes" || lower == "on") ? 1 : 0;
      if (s.verbosity == 0 && lower != "false" && lower != "no" &&
          lower != "off") {
        diagnostics.Warning("ITR_VERBOSE='" + verbose +
                            "' is not 0, 1 or 2; using 0");
      }
    }
    s.verbosity = std::clamp(s.verbosity, 0, 2);
  }

  s.dd_tags = ParseDdTags(Get(getenv, "DD_TAGS"));
  for (const auto& [key, value] : s.dd_tags) {
    absl::string_view name = key;
    if (absl::ConsumePrefix(&name, "test.configuration.") && !name.empty()) {
      s.custom_configuration[std::string(name)] = value;
    }
  }

  AddPatterns(Get(getenv, "ITR_UNSKIPPABLE"), &s.unskippable_patterns);
  std::string list = Get(getenv, "ITR_UNSKIPPABLE_FILE");
  if (!list.empty()) {
    std::ifstream in(list);
    if (!in) {
      diagnostics.Warning("ITR_UNSKIPPABLE_FILE '" + list +
                          "' cannot be read: every test runs");
      s.collect_only = true;  // the safe choice: we cannot tell which to keep
    }
    for (std::string line; std::getline(in, line);) {
      absl::string_view entry = absl::StripAsciiWhitespace(line);
      if (entry.empty() || entry[0] == '#') continue;
      AddPatterns(std::string(entry), &s.unskippable_patterns);
    }
  }
  return s;
}

}  // namespace itr::skipper
