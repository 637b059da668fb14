// GoogleTest adapter: plan before the run, leave skipped tests out through
// GoogleTest's own filter, bracket and record each test through a listener.
// Talks to the Intelligent Test Runner only through its C API
// (itr/session.h), so it builds against whichever GoogleTest the project
// has, from 1.10 on.
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "gtest_filter.h"
#include "gtest_output.h"
#include "itr/coverage.h"
#include "itr/gtest_itr.h"
#include "itr/session.h"
#include "skipper/markers/unskippable.h"

// The version of the GoogleTest target the adapter was built against
// (compiler-flags/ItrAdapters.cmake): GoogleTest has no version macro.
#ifndef ITR_GTEST_VERSION
#define ITR_GTEST_VERSION "unknown"
#endif

// GoogleTest's flags: GTEST_FLAG_GET/SET from 1.12 on (the only spelling
// when its flags are Abseil flags), GTEST_FLAG before (1.10, 1.11).
#ifdef GTEST_FLAG_GET
#define ITR_GTEST_FLAG_GET(name) GTEST_FLAG_GET(name)
#define ITR_GTEST_FLAG_SET(name, value) GTEST_FLAG_SET(name, value)
#else
#define ITR_GTEST_FLAG_GET(name) ::testing::GTEST_FLAG(name)
#define ITR_GTEST_FLAG_SET(name, value) (::testing::GTEST_FLAG(name) = (value))
#endif

namespace itr {
namespace gtest {

namespace {

std::string Getenv(const char* name) {
  const char* value = getenv(name);
  return value ? value : "";
}

std::string FullName(const testing::TestInfo& info) {
  return std::string(info.test_suite_name()) + "." + info.name();
}

// GoogleTest's own rule (kDisableTestFilter), on the suite and test name.
bool IsDisabled(const testing::TestInfo& info) {
  auto disabled = [](const char* part) {
    return skipper::WildcardMatch("DISABLED_*", part) ||
           skipper::WildcardMatch("*/DISABLED_*", part);
  };
  return disabled(info.test_suite_name()) || disabled(info.name());
}

// Brackets each test through the session; owned by GoogleTest's listener
// list. `index_` maps GoogleTest's tests to the session's.
class RecordingListener : public testing::EmptyTestEventListener {
 public:
  RecordingListener(itr_session* session,
                    std::map<const testing::TestInfo*, size_t> index)
      : session_(session), index_(std::move(index)) {}

  ITR_NO_COVERAGE void OnTestStart(const testing::TestInfo& info) override {
    auto it = index_.find(&info);
    if (it != index_.end()) itr_session_test_started(session_, it->second);
  }

  ITR_NO_COVERAGE void OnTestEnd(const testing::TestInfo& info) override {
    auto it = index_.find(&info);
    if (it == index_.end()) return;
    const testing::TestResult* result = info.result();
    itr_session_test_finished(session_, it->second,
                              result->Failed() ? ITR_OUTCOME_FAILED
                              : result->Skipped()
                                  ? ITR_OUTCOME_SKIPPED_BY_FRAMEWORK
                                  : ITR_OUTCOME_PASSED);
  }

  ITR_NO_COVERAGE void OnTestProgramEnd(
      const testing::UnitTest& unit) override {
    // A failure outside any test (global environment, TearDownTestSuite)
    // leaves the run unfinished: none of its tests is skipped next time.
    bool clean = !unit.ad_hoc_test_result().Failed();
    for (int i = 0; i < unit.total_test_suite_count(); ++i) {
      clean = clean && !unit.GetTestSuite(i)->ad_hoc_test_result().Failed();
    }
    // RUN_ALL_TESTS() returns 0 exactly when the unit test passed.
    itr_session_finish(session_, clean ? 1 : 0, unit.Passed() ? 0 : 1);
  }

 private:
  itr_session* session_;
  std::map<const testing::TestInfo*, size_t> index_;
};

// Every registered test, in GoogleTest's order, registered with the
// session under the same index.
std::vector<const testing::TestInfo*> RegisterTests(itr_session* session) {
  testing::UnitTest* unit = testing::UnitTest::GetInstance();
  std::vector<const testing::TestInfo*> infos;
  for (int i = 0; i < unit->total_test_suite_count(); ++i) {
    const testing::TestSuite* suite = unit->GetTestSuite(i);
    for (int j = 0; j < suite->total_test_count(); ++j) {
      const testing::TestInfo* info = suite->GetTestInfo(j);
      std::string parameters = info->value_param() ? info->value_param() : "";
      if (info->type_param() != nullptr) {
        parameters += (parameters.empty() ? "" : ", ");
        parameters += info->type_param();
      }
      std::string file = info->file() ? info->file() : "";
      std::string marker = skipper::RegisteredUnskippableReason(
          {info->test_suite_name(), info->name(), file});
      itr_test test = {};
      test.suite = info->test_suite_name();
      test.name = info->name();
      test.parameters = parameters.empty() ? nullptr : parameters.c_str();
      test.source_file = file.c_str();
      test.source_line = info->line();
      test.unskippable_reason = marker.empty() ? nullptr : marker.c_str();
      itr_session_add_test(session, &test);
      infos.push_back(info);
    }
  }
  return infos;
}

// The tests the user's filter and this process's shard select. GoogleTest
// shards the tests that pass its filter, so removing skipped tests through
// the filter would move tests between shards: with sharding on, itr-cpp
// assigns shards itself over the user-filtered list, exactly as GoogleTest
// would; the tests of other shards go to `excluded`.
std::vector<size_t> ConsideredTests(
    const std::vector<const testing::TestInfo*>& infos, bool sharded,
    int total_shards, int shard_index, std::vector<std::string>* excluded) {
  std::string user_filter = ITR_GTEST_FLAG_GET(filter);
  bool also_disabled = ITR_GTEST_FLAG_GET(also_run_disabled_tests);
  std::vector<size_t> considered;
  int runnable = 0;
  for (size_t i = 0; i < infos.size(); ++i) {
    std::string name = FullName(*infos[i]);
    if (!MatchesFilter(user_filter, name) ||
        (IsDisabled(*infos[i]) && !also_disabled)) {
      continue;
    }
    bool in_shard = !sharded || runnable % total_shards == shard_index;
    ++runnable;
    if (in_shard) {
      considered.push_back(i);
    } else {
      excluded->push_back(name);
    }
  }
  return considered;
}

// ITR_SHARDING=balanced: the session splits the user-filtered tests by
// recorded duration (itr/session.h). False when GoogleTest's round-robin
// applies instead.
bool ShardBalanced(itr_session* session,
                   const std::vector<const testing::TestInfo*>& infos,
                   int total_shards, int shard_index,
                   std::vector<size_t>* considered,
                   std::vector<std::string>* excluded) {
  std::vector<std::string> none;
  std::vector<size_t> filtered =
      ConsideredTests(infos, /*sharded=*/false, 1, 0, &none);
  std::vector<size_t> mine(filtered.size() + 1);  // never empty: data() set
  size_t count = itr_session_shard(session, filtered.data(), filtered.size(),
                                   total_shards, shard_index, mine.data());
  if (count == ITR_SHARD_BY_FRAMEWORK) return false;
  mine.resize(count);
  std::vector<bool> in_shard(infos.size(), false);
  for (size_t i : mine) in_shard[i] = true;
  for (size_t i : filtered) {
    if (!in_shard[i]) excluded->push_back(FullName(*infos[i]));
  }
  *considered = std::move(mine);
  return true;
}

// GoogleTest's sharding is ours from now on (see ConsideredTests).
void TakeOverSharding() {
  unsetenv("GTEST_TOTAL_SHARDS");
  unsetenv("GTEST_SHARD_INDEX");
  // GoogleTest touches this file to tell the runner it understands
  // sharding; it no longer will, so do it here.
  std::string status_file = Getenv("GTEST_SHARD_STATUS_FILE");
  if (!status_file.empty()) {
    if (FILE* f = fopen(status_file.c_str(), "a")) fclose(f);
  }
}

// GoogleTest writes its report when the program ends: the skipped tests are
// added at exit, after it.
struct PendingReport {
  itr_session* session;
  ReportFile file;
};
PendingReport* g_pending_report = nullptr;

void AddSkippedToReportAtExit() {
  if (g_pending_report == nullptr) return;
  itr_session_add_skipped_to_report(g_pending_report->session,
                                    g_pending_report->file.format,
                                    g_pending_report->file.path.c_str());
}

}  // namespace

void InstallItrWithCompiler(const char* compiler) {
  // The child process of a "threadsafe" death test runs one statement of a
  // test the parent owns: it neither plans nor records.
  if (!std::string(ITR_GTEST_FLAG_GET(internal_run_death_test)).empty()) {
    return;
  }
  // Listing (e.g. CTest's gtest_discover_tests) must show every test, and
  // runs nothing to record.
  if (ITR_GTEST_FLAG_GET(list_tests)) return;
  itr_session* session =
      itr_session_start("gtest", ITR_GTEST_VERSION, compiler);
  if (session == nullptr) return;

  std::vector<const testing::TestInfo*> infos = RegisterTests(session);
  itr_session_plan(session);
  int total_shards = atoi(Getenv("GTEST_TOTAL_SHARDS").c_str());
  int shard_index = atoi(Getenv("GTEST_SHARD_INDEX").c_str());
  bool sharded =
      total_shards > 1 && shard_index >= 0 && shard_index < total_shards;
  std::vector<std::string> excluded;
  std::vector<size_t> considered;
  if (!sharded || !ShardBalanced(session, infos, total_shards, shard_index,
                                 &considered, &excluded)) {
    considered =
        ConsideredTests(infos, sharded, total_shards, shard_index, &excluded);
  }
  size_t skipped =
      itr_session_select(session, considered.data(), considered.size());
  for (size_t i : considered) {
    if (itr_session_decision(session, i).skip) {
      excluded.push_back(FullName(*infos[i]));
    }
  }
  if (sharded) TakeOverSharding();
  ITR_GTEST_FLAG_SET(filter,
                     FilterExcluding(ITR_GTEST_FLAG_GET(filter), excluded));
  ReportFile report =
      ReportFileFor(ITR_GTEST_FLAG_GET(output), itr_session_module(session));
  if (!report.path.empty() && skipped > 0) {
    g_pending_report = new PendingReport{session, report};
    atexit(AddSkippedToReportAtExit);
  }
  std::map<const testing::TestInfo*, size_t> index;
  for (size_t i = 0; i < infos.size(); ++i) index[infos[i]] = i;
  testing::UnitTest::GetInstance()->listeners().Append(
      new RecordingListener(session, std::move(index)));
}

}  // namespace gtest
}  // namespace itr
