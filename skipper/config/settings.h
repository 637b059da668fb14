// Skipper configuration, read once from the environment. Datadog's names
// first (DD_CIVISIBILITY_ITR_ENABLED, DD_SERVICE, DD_ENV, DD_TAGS,
// DD_TESTOPTIMIZATION_TIA_TEST_SKIPPING_MODE), then itr-cpp's own ITR_*
// knobs. An invalid value yields a warning and the safe choice (run tests).
#ifndef ITR_SKIPPER_CONFIG_SETTINGS_H_
#define ITR_SKIPPER_CONFIG_SETTINGS_H_

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "skipper/base/diagnostics.h"

namespace itr::skipper {

enum class SkipLevel { kTest, kSuite };

// What a test's compiled-code dependencies are (ITR_GRANULARITY).
enum class Granularity {
  // The functions it executed, by fingerprint of their compiled code (and
  // the start-up code they depend on): the default.
  kFunction,
  // The source files it covered, by content (the rule before functions;
  // kept for comparison).
  kFile,
};

// How the tests of a sharded run (GTEST_TOTAL_SHARDS, GTEST_SHARD_INDEX)
// are split (ITR_SHARDING).
enum class Sharding {
  // The framework's own rule (GoogleTest: round-robin over its test list):
  // the default.
  kFramework,
  // The tests that run, after skipping, by recorded durations
  // (decision/shard_partition.h), so that the shards finish together.
  kBalanced,
};

struct Settings {
  // DD_CIVISIBILITY_ITR_ENABLED: "false"/"0" turns coverage-based skipping
  // off (tests all run; nothing is recorded either). An unreadable value
  // does too, with a warning: it guards skipping.
  bool itr_enabled = true;
  bool itr_enabled_invalid = false;  // off because unreadable (warned)
  // ITR_COLLECT_ONLY=1: record results and coverage, never skip (an
  // unreadable value too).
  bool collect_only = false;
  // DD_TESTOPTIMIZATION_TIA_TEST_SKIPPING_MODE or ITR_SKIPPING_LEVEL.
  SkipLevel level = SkipLevel::kTest;
  // ITR_GRANULARITY: "function" (default) or "file".
  Granularity granularity = Granularity::kFunction;
  // ITR_SHARDING: "framework" (default) or "balanced".
  Sharding sharding = Sharding::kFramework;
  // ITR_RUN_ID: what the shards of one sharded run share (their plan's
  // key), in place of the commit they test.
  std::string run_id;
  // ITR_TOTAL_SHARDS and ITR_SHARD_INDEX (0-based): the shard `itr ctest`
  // runs (a GoogleTest binary reads GTEST_TOTAL_SHARDS/GTEST_SHARD_INDEX).
  // total_shards 0: not sharded; so is an unreadable or inconsistent pair,
  // with a warning (this shard then runs every test).
  int total_shards = 0;
  int shard_index = 0;
  std::string service;  // DD_SERVICE
  std::string env;      // DD_ENV
  // ITR_STORE: the SQLite file (default <repo root>/.itr/itr.sqlite), or a
  // PostgreSQL connection string (postgresql://…, postgres://…, or libpq
  // key/value pairs: docs/store-postgresql.md). It may hold a password:
  // show it only through RedactSecrets (skipper/base/redact_secrets.h).
  std::string store_path;
  // ITR_STORE_REPOSITORY: the key of this repository's records in a shared
  // (PostgreSQL) store; by default the name of the repository's root
  // directory. Every clone of one repository must use the same key.
  std::string store_repository;
  // ITR_STORE_CONNECT_TIMEOUT_MS (PostgreSQL): how long connecting may
  // take (libpq's connect_timeout, in whole seconds, at least 2).
  int store_connect_timeout_s = 5;
  // ITR_STORE_STATEMENT_TIMEOUT_MS (PostgreSQL): how long each statement
  // may take (server statement_timeout and lock_timeout; the client gives
  // up a second later). After one failure the process records nothing
  // more, so a run waits that long at most once.
  int store_statement_timeout_ms = 10000;
  // ITR_STORE_RETENTION_DAYS (PostgreSQL): `itr gc` deletes the records of
  // tests neither run nor skipped for this many days (0: never).
  int store_retention_days = 90;
  // ITR_STORE_PLAN_WAIT_MS: how long opening and planning wait for a lock
  // another process holds on the store (planning only reads: in WAL mode
  // that wait only happens while a store is created or upgraded).
  int store_plan_wait_ms = 5000;
  // ITR_STORE_RECORD_WAIT_MS: how long a recording write waits for the
  // write lock; after one wait in vain the process records nothing more.
  int store_record_wait_ms = 60000;
  // itr/cache_directory.h: function indexes of objects built without a
  // side file.
  std::string cache_dir;
  // ITR_VERBOSE: 0 quiet, 1 summary + each skipped test, 2 + each decision.
  int verbosity = 0;
  // DD_TAGS, every entry (ParseDdTags): Datadog puts them on every event.
  std::map<std::string, std::string> dd_tags;
  // Its "test.configuration.<key>" entries, by <key>: the configuration
  // the tests run in, besides the compiler's.
  std::map<std::string, std::string> custom_configuration;
  // GoogleTest filters: ITR_UNSKIPPABLE, and each line of the file named by
  // ITR_UNSKIPPABLE_FILE ('#' comments).
  std::vector<std::string> unskippable_patterns;
};

using GetEnv = std::function<const char*(const char*)>;

// `repo_root` decides the default store location. Invalid values are
// warned about through `diagnostics`.
Settings LoadSettings(const GetEnv& getenv, const std::string& repo_root,
                      Diagnostics& diagnostics);

// DD_TAGS as Datadog's clients read it (dd-trace-go ParseTagString,
// dd-trace-py parse_tags_str): entries separated by ',' when there is one,
// else by spaces; each "key:value" split at its first ':' (no ':': an empty
// value), both trimmed; entries with an empty key are left out, a later
// duplicate wins.
std::map<std::string, std::string> ParseDdTags(std::string_view text);

// itr/environment_switch.h's values; unset means `fallback`, anything
// unreadable `if_invalid` (by default `fallback`), with a warning. A switch
// that guards skipping takes the value that runs every test if_invalid.
bool ParseBool(const char* name, const char* value, bool fallback,
               Diagnostics& diagnostics);
bool ParseBool(const char* name, const char* value, bool fallback,
               bool if_invalid, Diagnostics& diagnostics);

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_CONFIG_SETTINGS_H_
