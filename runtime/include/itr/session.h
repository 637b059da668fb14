/* itr/session.h — the Intelligent Test Runner for a test framework (C API).
 *
 * A framework adapter lists its tests, asks which to skip, leaves those out
 * with the framework's own filter, and reports each test's start and end;
 * everything else (settings, the store or Datadog, the skip rule, the
 * summary line, warnings, recording) happens behind this API:
 *
 *   itr_session* s = itr_session_start("gtest", "1.12.1",
 *                                      itr::BuildConfiguration().c_str());
 *   if (s == NULL) return;            // ITR is off here: change nothing
 *   for each test, in run order:      itr_session_add_test(s, &test);
 *   itr_session_plan(s);
 *   ... itr_session_decision(s, i) tells which would be skipped; the
 *       adapter applies its filters, then:
 *   itr_session_select(s, considered, n);   // prints the summary line
 *   ... before/after each test that runs:
 *   itr_session_test_started(s, i);  itr_session_test_finished(s, i, outcome);
 *   itr_session_finish(s, clean, exit_code);
 *
 * The functions live in libitr_runtime.so, which every instrumented binary
 * links; the Intelligent Test Runner itself (libitr_skipper.so, with SQLite
 * and, for Datadog, libcurl) is loaded by itr_session_start() only when ITR
 * is on, so a binary with ITR off loads nothing more.
 *
 * Fail open: itr_session_start() returns NULL when ITR is disabled
 * (DD_CIVISIBILITY_ITR_ENABLED=false), in a process of an `itr ctest` test
 * (the whole process is the unit), or when the skipper cannot be loaded
 * (one warning line). Every other failure makes the session run every test.
 * A session is never freed: it lives until the process exits.
 *
 * Threading: one thread at a time per session (frameworks run tests
 * serially). Strings passed in are copied; strings returned stay valid for
 * the session's life.
 */
#ifndef ITR_SESSION_H_
#define ITR_SESSION_H_

#include <stddef.h>

#include "itr/coverage.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct itr_session itr_session;

typedef enum itr_outcome {
  ITR_OUTCOME_PASSED = 0,
  ITR_OUTCOME_FAILED = 1,
  /* The framework skipped the test, or ran only part of it: not a pass. */
  ITR_OUTCOME_SKIPPED_BY_FRAMEWORK = 2
} itr_outcome;

typedef struct itr_test {
  /* Identity, stable across runs: suite and name (GoogleTest "Inst/Suite"
   * and "Case/2"; Catch2: the repository-relative file and the name). */
  const char* suite;
  const char* name;
  /* Readable parameters (GetParam(), type name), or NULL. */
  const char* parameters;
  /* The file declaring the test as the framework reports it (made
   * repository-relative), or NULL; its line, or 0. */
  const char* source_file;
  int source_line;
  /* The framework's own marker forcing a run (a tag, a decorator, a
   * registered DATADOG_ITR_UNSKIPPABLE...), or NULL: the markers every
   * framework shares (names, ITR_UNSKIPPABLE) are checked by the session. */
  const char* unskippable_reason;
  /* JUnit reports: the classname a skipped test is reported under, or NULL
   * (then the suite). */
  const char* report_classname;
} itr_test;

typedef struct itr_decision {
  int skip;           /* non-zero: the test may be left out */
  int forced;         /* would be skipped; runs because it is unskippable */
  const char* reason; /* why it runs, or "unchanged" */
} itr_decision;

typedef enum itr_report_format {
  ITR_REPORT_GTEST_XML = 0,  /* --gtest_output=xml */
  ITR_REPORT_GTEST_JSON = 1, /* --gtest_output=json */
  ITR_REPORT_JUNIT = 2       /* Catch2's and doctest's JUnit reporters */
} itr_report_format;

/* Starts the session of this process. `framework`: "gtest", "catch2",
 * "doctest"...; `build_configuration`: itr::BuildConfiguration() of the test
 * binary (itr/build_configuration.h). NULL: leave the framework alone. */
ITR_API itr_session* itr_session_start(const char* framework,
                                       const char* framework_version,
                                       const char* build_configuration);

/* Registers the next test; indices count from 0 in the order of calls. */
ITR_API void itr_session_add_test(itr_session* session, const itr_test* test);

/* Decides for every registered test (the store or Datadog). */
ITR_API void itr_session_plan(itr_session* session);

/* The decision for test `index` (after plan). */
ITR_API itr_decision itr_session_decision(const itr_session* session,
                                          size_t index);

/* Before select: the adapter cannot leave test `index` out safely, so it
 * runs, with `reason`. */
ITR_API void itr_session_run_anyway(itr_session* session, size_t index,
                                    const char* reason);

/* Balanced sharding (ITR_SHARDING=balanced), after plan and run_anyway,
 * before select, when the framework is sharded (shard `shard_index` of
 * `total_shards`): `considered` lists the `count` tests that passed the
 * adapter's own filters, in the same order in every shard. Writes this
 * shard's tests, in that order, to `in_shard` (room for `count`) and returns
 * how many: those it owns under the run's plan, shared by every shard (the
 * skipper's ItrSession::ShardTests), or every considered test when it has
 * no plan. Returns ITR_SHARD_BY_FRAMEWORK when the framework's own sharding
 * applies (not asked for); then the adapter shards as the framework would. */
#define ITR_SHARD_BY_FRAMEWORK ((size_t)-1)
ITR_API size_t itr_session_shard(itr_session* session, const size_t* considered,
                                 size_t count, int total_shards,
                                 int shard_index, size_t* in_shard);
/* The adapter's final choice: the indices of the tests that passed its own
 * filters and sharding. Those whose decision says skip are skipped; prints
 * the summary line. Returns how many are skipped. */
ITR_API size_t itr_session_select(itr_session* session,
                                  const size_t* considered, size_t count);

/* Brackets a test that runs (coverage and recording). */
ITR_API void itr_session_test_started(itr_session* session, size_t index);
ITR_API void itr_session_test_finished(itr_session* session, size_t index,
                                       itr_outcome outcome);

/* At the end of the run; `clean`: no failure outside any test (a global
 * fixture, a suite teardown); `exit_code`: what the test program exits with
 * (the framework's result), or -1 when unknown. Idempotent. */
ITR_API void itr_session_finish(itr_session* session, int clean, int exit_code);

/* After the framework wrote its report at `path` (closed): adds the tests
 * this session skipped, as skipped test cases, so CI dashboards keep
 * showing them. One warning line when it cannot. */
ITR_API void itr_session_add_skipped_to_report(itr_session* session,
                                               itr_report_format format,
                                               const char* path);

/* The test binary's name, as its records are kept ("calc_tests"). */
ITR_API const char* itr_session_module(const itr_session* session);

/* `path` relative to the repository root when inside it (valid for the
 * session's life). */
ITR_API const char* itr_session_repo_relative(itr_session* session,
                                              const char* path);

/* One warning line ("itr: warning: <text>"), shown once. */
ITR_API void itr_session_warn(itr_session* session, const char* text);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* ITR_SESSION_H_ */
