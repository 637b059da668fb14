#include "skipper/config/settings.h"

#include <algorithm>
#include <cctype>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "itr/cache_directory.h"
#include "itr/environment_switch.h"
#include "skipper/base/bounded_read.h"

namespace itr::skipper {

namespace {

// ITR_UNSKIPPABLE_FILE holds filters, one a line: a megabyte is thousands
// of them. Anything larger is a mistake (a log, /dev/zero), not a list.
constexpr size_t kMaxUnskippableFileBytes = 1 << 20;

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
  return ParseBool(name, value, fallback, fallback, diagnostics);
}

bool ParseBool(const char* name, const char* value, bool fallback,
               bool if_invalid, Diagnostics& diagnostics) {
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
  diagnostics.Warning(absl::StrCat(name, "='", value, "'",
                                   ITR_NOT_A_SWITCH_TEXT, "; using ",
                                   if_invalid ? "true" : "false"));
  return if_invalid;
}

namespace {

// The skipping level, the selection granularity and the sharding.
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
  if (std::string sharding = absl::AsciiStrToLower(Get(getenv, "ITR_SHARDING"));
      sharding == "balanced") {
    s.sharding = Sharding::kBalanced;
  } else if (!sharding.empty() && sharding != "framework") {
    diagnostics.Warning("ITR_SHARDING='" + sharding +
                        "' is not 'balanced' or 'framework'; the test "
                        "framework shards");
  }
  s.run_id = Get(getenv, "ITR_RUN_ID");
  const std::string total = Get(getenv, "ITR_TOTAL_SHARDS");
  const std::string index = Get(getenv, "ITR_SHARD_INDEX");
  if (!total.empty() || !index.empty()) {
    int t = 0, i = 0;
    if (absl::SimpleAtoi(total, &t) && absl::SimpleAtoi(index, &i) && t >= 1 &&
        i >= 0 && i < t) {
      s.total_shards = t;
      s.shard_index = i;
    } else {
      diagnostics.Warning("ITR_TOTAL_SHARDS='" + total +
                          "' and ITR_SHARD_INDEX='" + index +
                          "' are not a shard (0 <= index < total); this "
                          "shard runs every test");
    }
  }
}

// A wait in milliseconds, 0 to one hour.
int ReadMilliseconds(const GetEnv& getenv, const char* name, int fallback,
                     Diagnostics& diagnostics) {
  std::string text = Get(getenv, name);
  if (text.empty()) return fallback;
  int ms = 0;
  if (absl::SimpleAtoi(text, &ms) && ms >= 0 && ms <= 3600 * 1000) return ms;
  diagnostics.Warning(absl::StrCat(name, "='", text,
                                   "' is not a number of milliseconds "
                                   "(0 to 3600000); using ",
                                   fallback));
  return fallback;
}

// ITR_STORE and how the store is used: waits, and for a shared store the
// repository key, timeouts and retention.
void ReadStoreSettings(const GetEnv& getenv, const std::string& repo_root,
                       Diagnostics& diagnostics, Settings* settings) {
  Settings& s = *settings;
  s.store_path = Get(getenv, "ITR_STORE");
  if (s.store_path.empty()) s.store_path = repo_root + "/.itr/itr.sqlite";
  s.store_repository = Get(getenv, "ITR_STORE_REPOSITORY");
  if (s.store_repository.empty()) {
    std::string root = repo_root;
    while (root.size() > 1 && root.back() == '/') root.pop_back();
    size_t slash = root.rfind('/');
    s.store_repository =
        slash == std::string::npos ? root : root.substr(slash + 1);
    if (s.store_repository.empty()) s.store_repository = "default";
  }
  int connect_ms =
      ReadMilliseconds(getenv, "ITR_STORE_CONNECT_TIMEOUT_MS",
                       s.store_connect_timeout_s * 1000, diagnostics);
  s.store_connect_timeout_s = std::max(2, (connect_ms + 999) / 1000);
  s.store_statement_timeout_ms =
      std::max(1, ReadMilliseconds(getenv, "ITR_STORE_STATEMENT_TIMEOUT_MS",
                                   s.store_statement_timeout_ms, diagnostics));
  if (std::string days = Get(getenv, "ITR_STORE_RETENTION_DAYS");
      !days.empty()) {
    int value = 0;
    if (absl::SimpleAtoi(days, &value) && value >= 0) {
      s.store_retention_days = value;
    } else {
      diagnostics.Warning(absl::StrCat("ITR_STORE_RETENTION_DAYS='", days,
                                       "' is not a number of days; using ",
                                       s.store_retention_days));
    }
  }
  s.store_plan_wait_ms = ReadMilliseconds(getenv, "ITR_STORE_PLAN_WAIT_MS",
                                          s.store_plan_wait_ms, diagnostics);
  s.store_record_wait_ms = ReadMilliseconds(
      getenv, "ITR_STORE_RECORD_WAIT_MS", s.store_record_wait_ms, diagnostics);
}

// ITR_VERBOSE: 0, 1, 2, or a boolean (on: 1).
int ReadVerbosity(const std::string& verbose, Diagnostics& diagnostics) {
  if (verbose.empty()) return 0;
  int level = 0;
  if (absl::SimpleAtoi(verbose, &level)) {
    if (level >= 0 && level <= 2) return level;
    level = std::clamp(level, 0, 2);
  } else {
    switch (itr_parse_switch(verbose.c_str())) {
      case ITR_SWITCH_ON:
        return 1;
      case ITR_SWITCH_OFF:
      case ITR_SWITCH_UNSET:
        return 0;
      case ITR_SWITCH_INVALID:
        break;
    }
  }
  diagnostics.Warning(absl::StrCat("ITR_VERBOSE='", verbose,
                                   "' is not 0, 1 or 2; using ", level));
  return level;
}

}  // namespace

Settings LoadSettings(const GetEnv& getenv, const std::string& repo_root,
                      Diagnostics& diagnostics) {
  Settings s;
  // Both switches guard skipping: an unreadable value runs every test.
  const char* enabled = getenv(ITR_ENABLED_VARIABLE);
  s.itr_enabled_invalid = itr_parse_switch(enabled) == ITR_SWITCH_INVALID;
  s.itr_enabled = itr_enabled_by_switch(itr_parse_switch(enabled));
  if (s.itr_enabled_invalid) {
    diagnostics.Warning(absl::StrCat(ITR_ENABLED_VARIABLE, "='", enabled, "'",
                                     ITR_NOT_A_SWITCH_TEXT,
                                     ITR_INVALID_ENABLED_TEXT));
  }
  s.collect_only = ParseBool("ITR_COLLECT_ONLY", getenv("ITR_COLLECT_ONLY"),
                             false, /*if_invalid=*/true, diagnostics);
  s.service = Get(getenv, "DD_SERVICE");
  s.env = Get(getenv, "DD_ENV");

  ReadSelection(getenv, diagnostics, &s);
  s.cache_dir = CacheDirectory(getenv);
  const char* invalid_limit = nullptr;
  CacheLimitsFrom(getenv, &invalid_limit);
  if (invalid_limit != nullptr) {
    diagnostics.Warning(absl::StrCat(invalid_limit, "='",
                                     Get(getenv, invalid_limit),
                                     "' is not a positive whole number; the "
                                     "cache keeps its default limit"));
  }

  ReadStoreSettings(getenv, repo_root, diagnostics, &s);

  s.verbosity = ReadVerbosity(Get(getenv, "ITR_VERBOSE"), diagnostics);

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
    absl::StatusOr<std::string> text =
        ReadSmallRegularFile(list, kMaxUnskippableFileBytes);
    if (!text.ok()) {
      diagnostics.Warning(absl::StrCat("ITR_UNSKIPPABLE_FILE '", list, "' ",
                                       text.status().message(),
                                       ": every test runs"));
      s.collect_only = true;  // the safe choice: we cannot tell which to keep
    } else {
      for (absl::string_view line : absl::StrSplit(*text, '\n')) {
        absl::string_view entry = absl::StripAsciiWhitespace(line);
        if (entry.empty() || entry[0] == '#') continue;
        AddPatterns(std::string(entry), &s.unskippable_patterns);
      }
    }
  }
  return s;
}

}  // namespace itr::skipper
